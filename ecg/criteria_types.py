"""What the criteria engine returns: statements and the measured evidence behind each of them.

Criteria are three-valued: ``check`` gives Evidence (met), None (measured and not met) or
Unmeasured (the value it needs is missing); ``statement`` and ``first`` combine them the way
"and" and "or" do when a value may be unknown, so a rule returns a Statement, None (absent) or
Undetermined (it would need a value that was not measured).
"""

from __future__ import annotations

import math
import operator
from dataclasses import dataclass

from ecg.scp_codes import definition
from ecg.thresholds import Threshold

COMPARISONS = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le,
               "==": operator.eq}


@dataclass(frozen=True)
class Evidence:
    """One measured value and the named threshold it crossed.

    ``measure`` is a Measurements field ("qrs_duration_ms") or a per-lead path
    ("per_lead.V1.qrs_area_mvms"); ``comparison`` reads "value <comparison> threshold_value".
    """

    measure: str
    value: float | bool
    unit: str
    leads: tuple[str, ...]
    threshold: str
    threshold_value: float
    comparison: str
    source: str

    def describe(self) -> str:
        """One line for a reader, e.g. "pr_interval_ms = 232 ms > 200 ms"."""
        unit = "" if self.unit in ("bool", "fraction", "ratio", "correlation") else f" {self.unit}"
        value = self.value if isinstance(self.value, bool) else f"{self.value:.3g}"
        leads = f" [{', '.join(self.leads)}]" if self.leads else ""
        return f"{self.measure}{leads} = {value}{unit} {self.comparison} {self.threshold_value:g}{unit}"

    def to_dict(self) -> dict:
        return {"measure": self.measure, "value": self.value, "unit": self.unit,
                "leads": list(self.leads), "threshold": self.threshold,
                "threshold_value": self.threshold_value, "comparison": self.comparison,
                "source": self.source}


@dataclass(frozen=True)
class Statement:
    """A diagnostic statement: code, ECG-QA name, category and its evidence.

    ``lead_group`` names the leads an ST-T statement is about ("inferior"), else None.
    """

    code: str
    name: str
    category: str
    evidence: tuple[Evidence, ...]
    lead_group: str | None = None

    def describe(self) -> str:
        """The statement and its evidence in one line, e.g. for a report or an answer."""
        where = f" in {self.lead_group} leads" if self.lead_group else ""
        return f"{self.name}{where}: " + "; ".join(e.describe() for e in self.evidence)

    def to_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "category": self.category,
                "lead_group": self.lead_group, "evidence": [e.to_dict() for e in self.evidence]}


@dataclass(frozen=True)
class Unmeasured:
    """A criterion that cannot be judged: the value it needs (``measure``) was not measured.

    False in a boolean test, like a criterion that is not met, so ``if found:`` stays correct.
    """

    measure: str
    leads: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return False


@dataclass(frozen=True)
class Undetermined:
    """A statement the measurements can neither make nor rule out: the values it lacks, or
    ``reason`` when its criteria do not apply to this ECG (a paced or wide QRS)."""

    code: str
    missing: tuple[Unmeasured, ...] = ()
    lead_group: str | None = None
    reason: str = ""


Criterion = Evidence | Unmeasured | None
Outcome = Statement | Undetermined | None


def _flat(items: list) -> list:
    return [e for item in items for e in (_flat(item) if isinstance(item, list) else [item])]


def holds(criterion: Criterion | list) -> bool:
    """Whether a criterion is met: a piece of evidence, or a list of criteria that all hold."""
    if isinstance(criterion, list):
        return all(holds(item) for item in criterion)
    return isinstance(criterion, Evidence)


def statement(code: str, evidence: list[Criterion | list[Criterion]], lead_group: str | None = None) -> Outcome:
    """All criteria must hold: None when one is not met, Undetermined when none fails but some
    are unmeasured, else the statement ``code`` with its evidence.

    An item is one criterion or a list of them (a criterion shared by several rules).
    """
    flat = _flat(evidence)
    if not flat or any(item is None for item in flat):
        return None
    missing = tuple(item for item in flat if isinstance(item, Unmeasured))
    if missing:
        return Undetermined(code, missing, lead_group)
    known = definition(code)
    return Statement(code, known.name, known.category, tuple(flat), lead_group)


def all_of(*criteria: Criterion) -> list[Criterion] | Criterion:
    """Criteria that must all hold, as one: None if one is not met, the first Unmeasured if none
    fails but one is unmeasured, else the list of evidence."""
    if any(c is None for c in criteria):
        return None
    return next((c for c in criteria if isinstance(c, Unmeasured)), list(criteria))


def check(measure: str, value: float | bool | None, comparison: str, threshold: Threshold,
          leads: tuple[str, ...] = ()) -> Criterion:
    """Evidence that ``value <comparison> threshold`` holds; None when it does not; Unmeasured
    when there is no value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return Unmeasured(measure, leads)
    if not COMPARISONS[comparison](value, threshold.value):
        return None
    return Evidence(measure, value if isinstance(value, bool) else float(value), threshold.unit, leads,
                    threshold.name, threshold.value, comparison, threshold.source)


def first(*criteria: Criterion | list) -> Criterion | list:
    """Criteria met in one of several ways: the first that holds; else the first unmeasured one
    (it might have held); None when every one was measured and none holds."""
    found = next((c for c in criteria if holds(c)), None)
    return found or next((c for c in criteria if isinstance(c, Unmeasured)), None)


PRESENT, ABSENT, UNDETERMINED = "present", "absent", "undetermined"


@dataclass(frozen=True)
class Assessment:
    """One statement code judged on one ECG: present (with its statements, one per lead group
    for ST-T codes), absent, or undetermined with ``reason`` saying which input is missing."""

    code: str
    name: str
    status: str
    statements: tuple[Statement, ...] = ()
    reason: str = ""
    missing: tuple[str, ...] = ()   # the unmeasured inputs: Measurements fields or per-lead paths

    def describe(self) -> str:
        if self.status == PRESENT:
            return "; ".join(s.describe() for s in self.statements)
        return f"{self.name}: {self.status}" + (f" ({self.reason})" if self.reason else "")

    def to_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "status": self.status, "reason": self.reason,
                "missing": list(self.missing), "statements": [s.to_dict() for s in self.statements]}

"""What the criteria engine returns: statements and the measured evidence behind each of them."""

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
        unit = "" if self.unit in ("bool", "fraction", "ratio") else f" {self.unit}"
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


def statement(code: str, evidence: list[Evidence | list[Evidence] | None],
              lead_group: str | None = None) -> Statement | None:
    """The statement ``code`` when every criterion holds (no item is None), else None.

    An item is one piece of evidence or a list of them (a criterion shared by several rules).
    """
    if not evidence or any(item is None for item in evidence):
        return None
    flat = [e for item in evidence for e in (item if isinstance(item, list) else [item])]
    known = definition(code)
    return Statement(code, known.name, known.category, tuple(flat), lead_group)


def check(measure: str, value: float | bool | None, comparison: str, threshold: Threshold,
          leads: tuple[str, ...] = ()) -> Evidence | None:
    """Evidence that ``value <comparison> threshold`` holds; None when it does not or is unmeasured."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if not COMPARISONS[comparison](value, threshold.value):
        return None
    return Evidence(measure, value if isinstance(value, bool) else float(value), threshold.unit, leads,
                    threshold.name, threshold.value, comparison, threshold.source)


def first(*evidence: Evidence | None) -> Evidence | None:
    """The first piece of evidence that holds, for criteria met in one of several ways."""
    return next((item for item in evidence if item is not None), None)

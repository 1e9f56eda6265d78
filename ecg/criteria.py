"""The criteria engine: diagnostic statements derived from measurements, each with its evidence.

``evaluate(m)`` applies every rule of the topic modules (criteria_rhythm, criteria_axis,
criteria_conduction, criteria_hypertrophy, criteria_infarction, criteria_st_t, criteria_numeric) to one
Measurements object and returns the statements made. Rules are pure and conservative: a value
that was not measured never supports a positive statement. When most beats are paced, QRS,
hypertrophy, Q-wave and ST-T criteria are not applied (a paced QRS is not interpretable by them);
of the conduction criteria only complete AV block, which reads no QRS shape, is.

``evaluate_all(m)`` judges every code the engine knows: present, absent, or undetermined with
the reason (the inputs that were not measured, or why the criteria do not apply), so that "not
made" is not mistaken for "ruled out".

Statement names are ECG-QA's attribute strings ("sinus rhythm", "left axis deviation",
"above the normal range of qrs duration"), so an answer can be matched to its options.
"""

from __future__ import annotations

from ecg import criteria_axis, criteria_conduction, criteria_hypertrophy, criteria_numeric, criteria_rhythm
from ecg import criteria_infarction, criteria_st_t
from ecg import thresholds as t
from ecg.criteria_numeric import numeric_feature, numeric_range, numeric_ranges
from ecg.criteria_types import (ABSENT, PRESENT, UNDETERMINED, Assessment, Evidence, Outcome, Statement,
                                Undetermined)
from ecg.measurements import Measurements
from ecg.scp_codes import STATEMENTS, codes_for, knowledge_base

__all__ = ["ABSENT", "PRESENT", "UNDETERMINED", "Assessment", "Evidence", "Statement", "codes_for", "evaluate",
           "evaluate_all", "knowledge_base", "numeric_feature", "numeric_range", "numeric_ranges",
           "paced_dominant"]

PACED_SUPPRESSED = (*(code for code in criteria_conduction.CODES if code not in criteria_conduction.PACED_CODES),
                    *criteria_hypertrophy.CODES, *criteria_infarction.CODES, *criteria_st_t.CODES)


def paced_dominant(m: Measurements) -> bool:
    """Whether paced beats make up more than PACED_DOMINANT_SHARE of all beats."""
    return m.n_beats > 0 and m.paced_beats / m.n_beats > t.PACED_DOMINANT_SHARE.value


def outcomes(m: Measurements) -> list[Outcome]:
    """Every rule's outcome (Statement, Undetermined or None), in a stable order by topic."""
    found = [rule(m) for rule in (*criteria_rhythm.RULES, *criteria_axis.RULES)]
    if paced_dominant(m):
        reason = (f"not applied: paced rhythm ({m.paced_beats} of {m.n_beats} beats paced), "
                  "QRS, hypertrophy, Q-wave and ST-T criteria do not read a paced QRS")
        found += [Undetermined(code, reason=reason) for code in PACED_SUPPRESSED]
        found += [rule(m) for rule in criteria_conduction.PACED_RULES]
    else:
        found += [rule(m) for rule in (*criteria_conduction.RULES, *criteria_hypertrophy.RULES)]
        found += criteria_infarction.results(m) + criteria_st_t.results(m)
    return found + criteria_numeric.results(m)


def evaluate(m: Measurements) -> list[Statement]:
    """Every statement whose criteria the measurements meet, in a stable order by topic."""
    return [s for s in outcomes(m) if isinstance(s, Statement)]


def evaluate_all(m: Measurements) -> dict[str, Assessment]:
    """Every code of the vocabulary (ecg.scp_codes.STATEMENTS) -> its Assessment on ``m``."""
    found = outcomes(m)
    assessed = {}
    for code, known in STATEMENTS.items():
        made = tuple(s for s in found if isinstance(s, Statement) and s.code == code)
        unknown = [u for u in found if isinstance(u, Undetermined) and u.code == code]
        if made:
            assessed[code] = Assessment(code, known.name, PRESENT, made)
        elif unknown:
            missing = tuple(dict.fromkeys(u.measure for item in unknown for u in item.missing))
            assessed[code] = Assessment(code, known.name, UNDETERMINED, (), _reason(unknown, m), missing)
        else:
            assessed[code] = Assessment(code, known.name, ABSENT)
    return assessed


def _reason(unknown: list[Undetermined], m: Measurements) -> str:
    """Why a code is undetermined, e.g. "not measured: pr_interval_ms (no P wave found before the QRS)"."""
    parts = []
    for item in unknown:
        if item.reason:
            parts.append(item.reason)
            continue
        values = ", ".join(dict.fromkeys(_why(u.measure, m) for u in item.missing))
        where = f"in the {item.lead_group} leads " if item.lead_group else ""
        parts.append(f"{where}not measured: {values}")
    return "; ".join(dict.fromkeys(parts))


def _why(measure: str, m: Measurements) -> str:
    """The measure with the note that says why it is missing, when there is one."""
    if measure in m.notes:
        return f"{measure} ({m.notes[measure]})"
    lead = measure.split(".")[1] if measure.startswith("per_lead.") else None
    if lead is not None and lead not in m.per_lead:
        return f"{measure} (lead {lead} missing or unusable)"
    return measure

"""The criteria engine: diagnostic statements derived from measurements, each with its evidence.

``evaluate(m)`` applies every rule of the topic modules (criteria_rhythm, criteria_axis,
criteria_conduction, criteria_hypertrophy, criteria_st_t, criteria_numeric) to one
Measurements object. Rules are pure and conservative: a value that was not measured never
supports a positive statement. When most beats are paced, QRS, hypertrophy and ST-T criteria
are not applied (a paced QRS is not interpretable by them).

Statement names are ECG-QA's attribute strings ("sinus rhythm", "left axis deviation",
"above the normal range of qrs duration"), so an answer can be matched to its options.
"""

from __future__ import annotations

from ecg import criteria_axis, criteria_conduction, criteria_hypertrophy, criteria_numeric, criteria_rhythm
from ecg import criteria_st_t
from ecg import thresholds as t
from ecg.criteria_numeric import numeric_feature, numeric_range, numeric_ranges
from ecg.criteria_types import Evidence, Statement
from ecg.measurements import Measurements
from ecg.scp_codes import codes_for, knowledge_base

__all__ = ["Evidence", "Statement", "codes_for", "evaluate", "knowledge_base", "numeric_feature",
           "numeric_range", "numeric_ranges", "paced_dominant"]


def paced_dominant(m: Measurements) -> bool:
    """Whether paced beats make up more than PACED_DOMINANT_SHARE of all beats."""
    return m.n_beats > 0 and m.paced_beats / m.n_beats > t.PACED_DOMINANT_SHARE.value


def evaluate(m: Measurements) -> list[Statement]:
    """Every statement whose criteria the measurements meet, in a stable order by topic."""
    found = [rule(m) for rule in (*criteria_rhythm.RULES, *criteria_axis.RULES)]
    if not paced_dominant(m):
        found += [rule(m) for rule in (*criteria_conduction.RULES, *criteria_hypertrophy.RULES)]
        found += criteria_st_t.statements(m)
    found += criteria_numeric.statements(m)
    return [s for s in found if s is not None]

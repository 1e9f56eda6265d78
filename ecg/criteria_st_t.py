"""Repolarisation statements: long QTc (Rautaharju et al. 2009) and ST elevation, ST depression
and T inversion by lead group (limits of Thygesen et al. 2018)."""

from __future__ import annotations

from collections.abc import Callable

from ecg import thresholds as t
from ecg.criteria_types import Evidence, Statement, check, statement
from ecg.measurements import LeadMeasurements, Measurements

# Anatomical lead groups, named as in PTB-XL / ECG-QA statements ("... in inferior leads").
LEAD_GROUPS: dict[str, tuple[str, ...]] = {
    "septal": ("V1", "V2"),
    "anterior": ("V3", "V4"),
    "lateral": ("I", "aVL", "V5", "V6"),
    "inferior": ("II", "III", "aVF"),
}
# Rautaharju et al. 2009 advise a linear QT correction; Bazett over-corrects at high rates.
QTC_PREFERENCE = ("qtc_framingham_ms", "qtc_hodges_ms", "qtc_fridericia_ms", "qtc_bazett_ms")

LeadCriterion = Callable[[str, LeadMeasurements], Evidence | list[Evidence] | None]


def long_qt(m: Measurements) -> Statement | None:
    field = next((name for name in QTC_PREFERENCE if getattr(m, name) is not None), None)
    if field is None:
        return None
    return statement("LNGQT", [check(field, getattr(m, field), ">=", t.LONG_QTC_MIN_MS)])


def st_elevation_in(lead: str, measured: LeadMeasurements) -> Evidence | None:
    limit = t.ST_ELEVATION_V2_V3_MV if lead in ("V2", "V3") else t.ST_ELEVATION_MV
    return check(f"per_lead.{lead}.st_j_mv", measured.st_j_mv, ">=", limit, (lead,))


def st_depression_in(lead: str, measured: LeadMeasurements) -> list[Evidence] | None:
    """Depressed at J and still at J+60 ms: horizontal or down-sloping, not a rapid up-slope."""
    evidence = [check(f"per_lead.{lead}.st_j_mv", measured.st_j_mv, "<=", t.ST_DEPRESSION_MV, (lead,)),
                check(f"per_lead.{lead}.st_j60_mv", measured.st_j60_mv, "<=", t.ST_DEPRESSION_MV, (lead,))]
    return None if None in evidence else evidence


def t_inversion_in(lead: str, measured: LeadMeasurements) -> Evidence | None:
    """An inverted T where the R wave dominates (R > |S|), as Thygesen et al. require."""
    r, s = measured.r_amplitude_mv, measured.s_amplitude_mv
    if r is None or s is None or r <= abs(s):
        return None
    return check(f"per_lead.{lead}.t_amplitude_mv", measured.t_amplitude_mv, "<=", t.T_INVERSION_MV, (lead,))


def by_lead_group(m: Measurements, code: str, criterion: LeadCriterion) -> list[Statement]:
    """One statement per lead group in which enough leads meet ``criterion``."""
    found = []
    for group, leads in LEAD_GROUPS.items():
        hits = {lead: criterion(lead, m.per_lead[lead]) for lead in leads if lead in m.per_lead}
        hits = {lead: evidence for lead, evidence in hits.items() if evidence}
        count = check(f"leads of the {group} group meeting the criterion", len(hits), ">=",
                      t.LEAD_GROUP_MIN_LEADS, tuple(hits))
        found.append(statement(code, [count, *hits.values()], lead_group=group))
    return [s for s in found if s is not None]


def statements(m: Measurements) -> list[Statement]:
    """Long QT, and ST-T changes unless a wide QRS makes repolarisation secondary."""
    found = [long_qt(m)]
    if m.qrs_duration_ms is None or m.qrs_duration_ms < t.COMPLETE_BBB_MIN_QRS_MS.value:
        for code, criterion in (("STE_", st_elevation_in), ("STD_", st_depression_in), ("INVT", t_inversion_in)):
            found += by_lead_group(m, code, criterion)
    return [s for s in found if s is not None]

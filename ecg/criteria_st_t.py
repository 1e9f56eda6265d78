"""Repolarisation statements: long QTc (Rautaharju et al. 2009) and ST elevation, ST depression
and T inversion by lead group (limits of Thygesen et al. 2018)."""

from __future__ import annotations

from collections.abc import Callable

from ecg import thresholds as t
from ecg.criteria_qrs import too_wide_for
from ecg.criteria_types import Criterion, Outcome, Undetermined, Unmeasured, all_of, check, statement
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

LeadCriterion = Callable[[str, LeadMeasurements], Criterion | list[Criterion]]
CODES = ("LNGQT", "STE_", "STD_", "INVT")
LEAD_GROUP_CODES = ("STE_", "STD_", "INVT")


def long_qt(m: Measurements) -> Outcome:
    field = next((name for name in QTC_PREFERENCE if getattr(m, name) is not None), QTC_PREFERENCE[-1])
    return statement("LNGQT", [check(field, getattr(m, field), ">=", t.LONG_QTC_MIN_MS)])


def st_elevation_in(lead: str, measured: LeadMeasurements) -> Criterion:
    limit = t.ST_ELEVATION_V2_V3_MV if lead in ("V2", "V3") else t.ST_ELEVATION_MV
    return check(f"per_lead.{lead}.st_j_mv", measured.st_j_mv, ">=", limit, (lead,))


def st_depression_in(lead: str, measured: LeadMeasurements) -> list[Criterion] | Criterion:
    """Depressed at J and still at J+60 ms: horizontal or down-sloping, not a rapid up-slope."""
    return all_of(check(f"per_lead.{lead}.st_j_mv", measured.st_j_mv, "<=", t.ST_DEPRESSION_MV, (lead,)),
                  check(f"per_lead.{lead}.st_j60_mv", measured.st_j60_mv, "<=", t.ST_DEPRESSION_MV, (lead,)))


def t_inversion_in(lead: str, measured: LeadMeasurements) -> Criterion:
    """An inverted T where the R wave dominates (R > |S|), as Thygesen et al. require."""
    r, s = measured.r_amplitude_mv, measured.s_amplitude_mv
    if r is None or s is None:
        return Unmeasured(f"per_lead.{lead}.r_amplitude_mv / s_amplitude_mv", (lead,))
    if r <= abs(s):
        return None
    return check(f"per_lead.{lead}.t_amplitude_mv", measured.t_amplitude_mv, "<=", t.T_INVERSION_MV, (lead,))


CRITERIA: dict[str, LeadCriterion] = {"STE_": st_elevation_in, "STD_": st_depression_in, "INVT": t_inversion_in}


def repolarisation_not_applicable(m: Measurements) -> str:
    """Why ST-T criteria do not apply to this ECG ("" when they do): a QRS wide enough to make
    repolarisation changes secondary."""
    return too_wide_for(m, "makes ST-T changes secondary")


def in_lead(m: Measurements, code: str, lead: str) -> Criterion | list[Criterion]:
    """The ST-T criterion of ``code`` (STE_, STD_, INVT) in one lead; Unmeasured when the lead is
    missing or unusable."""
    measured = m.per_lead.get(lead)
    if measured is None:
        return Unmeasured(f"per_lead.{lead}", (lead,))
    return CRITERIA[code](lead, measured)


def by_lead_group(m: Measurements, code: str) -> list[Outcome]:
    """Per lead group: the statement when enough of its leads meet the criterion, Undetermined
    when too few do but unmeasured leads could make up the count, else None."""
    found = []
    minimum = t.LEAD_GROUP_MIN_LEADS.value
    for group, leads in LEAD_GROUPS.items():
        judged = {lead: in_lead(m, code, lead) for lead in leads}
        hits = {lead: c for lead, c in judged.items() if c}   # Evidence, or a list of it
        unknown = tuple(c for c in judged.values() if isinstance(c, Unmeasured))
        count = check(f"leads of the {group} group meeting the criterion", len(hits), ">=",
                      t.LEAD_GROUP_MIN_LEADS, tuple(hits))
        if count is None and len(hits) + len(unknown) >= minimum:
            found.append(Undetermined(code, unknown, group))
        else:
            found.append(statement(code, [count, *hits.values()], lead_group=group))
    return found


def results(m: Measurements) -> list[Outcome]:
    """Long QT, and ST-T changes unless a wide QRS makes repolarisation secondary."""
    found = [long_qt(m)]
    reason = repolarisation_not_applicable(m)
    for code in LEAD_GROUP_CODES:
        found += [Undetermined(code, (), None, reason)] if reason else by_lead_group(m, code)
    return found

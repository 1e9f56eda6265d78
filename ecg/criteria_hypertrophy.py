"""Hypertrophy and voltage statements: LVH voltage criteria (Sokolow-Lyon, Cornell), LVH with
strain, RVH, atrial abnormality, low QRS voltage (Hancock et al. 2009)."""

from __future__ import annotations

import math

from ecg import thresholds as t
from ecg.criteria_qrs import qrs_check
from ecg.criteria_types import Criterion, Outcome, Unmeasured, check, first, statement
from ecg.criteria_axis import wrapped_axis
from ecg.measurements import Measurements

LIMB_LEADS = ("I", "II", "III", "aVR", "aVL", "aVF")
PRECORDIAL_LEADS = ("V1", "V2", "V3", "V4", "V5", "V6")
LATERAL_LEADS = ("I", "aVL", "V5", "V6")


def lvh_voltage(m: Measurements) -> Criterion:
    """Sokolow-Lyon or, failing that, Cornell voltage above its limit."""
    return first(check("sokolow_lyon_mv", m.sokolow_lyon_mv, ">=", t.SOKOLOW_LYON_MIN_MV, ("V1", "V5", "V6")),
                 check("cornell_mv", m.cornell_mv, ">", t.CORNELL_ABOVE_MV, ("aVL", "V3")))


def lateral_strain(m: Measurements) -> Criterion:
    """ST depression or T inversion in a lateral lead (the LVH 'strain' pattern)."""
    found = []
    for lead in LATERAL_LEADS:
        measured = m.per_lead.get(lead)
        if measured is None:
            found.append(Unmeasured(f"per_lead.{lead}", (lead,)))
            continue
        found.append(first(
            check(f"per_lead.{lead}.st_j_mv", measured.st_j_mv, "<=", t.LV_STRAIN_ST_DEPRESSION_MV, (lead,)),
            check(f"per_lead.{lead}.t_amplitude_mv", measured.t_amplitude_mv, "<=", t.LV_STRAIN_T_INVERSION_MV,
                  (lead,))))
    return first(*found)


def qrs_peak_to_peak_mv(m: Measurements, lead: str) -> float | None:
    """R minus the deeper of Q and S; None unless R and S were both measured."""
    measured = m.per_lead.get(lead)
    if measured is None or measured.r_amplitude_mv is None or measured.s_amplitude_mv is None:
        return None
    return measured.r_amplitude_mv - min(measured.q_amplitude_mv or 0.0, measured.s_amplitude_mv)


def _largest_qrs(m: Measurements, leads: tuple[str, ...]) -> float | None:
    """The largest peak-to-peak QRS of ``leads``; None unless every one of them was measured."""
    values = [qrs_peak_to_peak_mv(m, lead) for lead in leads]
    return None if None in values else max(values)


def voltage_criteria_lvh(m: Measurements) -> Outcome:
    return statement("VCLVH", [lvh_voltage(m)])


def left_ventricular_hypertrophy(m: Measurements) -> Outcome:
    return statement("LVH", [lvh_voltage(m), lateral_strain(m)])


def rvh_voltage(m: Measurements) -> Criterion:
    """A tall R in V1, a dominant R in V1, or Sokolow-Lyon's R(V1) + S(V5 or V6)."""
    v1, v5, v6 = (m.per_lead.get(lead) for lead in ("V1", "V5", "V6"))
    r = v1.r_amplitude_mv if v1 else None
    s = v1.s_amplitude_mv if v1 else None
    ratio = None if r is None or s is None else (r / -s if s < 0 else math.inf)
    deepest_s = None if not (v5 and v6) or None in (v5.s_amplitude_mv, v6.s_amplitude_mv) else \
        -min(v5.s_amplitude_mv, v6.s_amplitude_mv)
    return first(check("per_lead.V1.r_amplitude_mv", r, ">=", t.RVH_R_V1_MIN_MV, ("V1",)),
                 check("per_lead.V1 R/|S|", ratio, ">", t.RVH_R_S_V1_ABOVE, ("V1",)),
                 check("R(V1) + max(S(V5), S(V6))", None if r is None or deepest_s is None else r + deepest_s,
                       ">=", t.RVH_SOKOLOW_LYON_MIN_MV, ("V1", "V5", "V6")))


def right_ventricular_hypertrophy(m: Measurements) -> Outcome:
    """Right axis deviation with an RVH voltage criterion, the QRS not widened by a bundle-branch block."""
    return statement("RVH", [
        check("qrs_axis_deg", wrapped_axis(m.qrs_axis_deg), ">", t.AXIS_NORMAL_MAX_DEG),
        qrs_check(m, "<", t.COMPLETE_BBB_MIN_QRS_MS),
        rvh_voltage(m)])


def left_atrial_abnormality(m: Measurements) -> Outcome:
    return statement("LAO/LAE", [check("p_duration_ms", m.p_duration_ms, ">", t.LEFT_ATRIAL_P_DURATION_ABOVE_MS)])


def right_atrial_abnormality(m: Measurements) -> Outcome:
    lead_ii = m.per_lead.get("II")
    return statement("RAO/RAE", [check("per_lead.II.p_amplitude_mv", lead_ii.p_amplitude_mv if lead_ii else None,
                                       ">", t.RIGHT_ATRIAL_P_AMPLITUDE_ABOVE_MV, ("II",))])


def low_qrs_voltage(m: Measurements) -> Outcome:
    return statement("LVOLT", [
        check("max limb-lead QRS peak-to-peak", _largest_qrs(m, LIMB_LEADS), "<",
              t.LOW_VOLTAGE_LIMB_BELOW_MV, LIMB_LEADS),
        check("max precordial QRS peak-to-peak", _largest_qrs(m, PRECORDIAL_LEADS), "<",
              t.LOW_VOLTAGE_PRECORDIAL_BELOW_MV, PRECORDIAL_LEADS)])


RULES = (voltage_criteria_lvh, left_ventricular_hypertrophy, right_ventricular_hypertrophy,
         left_atrial_abnormality, right_atrial_abnormality, low_qrs_voltage)
CODES = ("VCLVH", "LVH", "RVH", "LAO/LAE", "RAO/RAE", "LVOLT")

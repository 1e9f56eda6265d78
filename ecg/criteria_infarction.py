"""Q-wave infarction statements by territory (Thygesen et al. 2018, Fourth Universal Definition of
Myocardial Infarction: pathological Q waves in two contiguous leads, without QRS confounders).

A lead has a pathological Q wave when its initial negative QRS deflection (or QS complex) lasts
at least 30 ms and is at least 0.1 mV deep; in V2-V3 any Q wave of at least 20 ms counts. Two
leads are contiguous when they are neighbours in the limb sequence (I-aVL, II-III-aVF) or in the
precordial sequence V1-V6. Not applied with a median-lead QRS of 120 ms or more (bundle-branch
block).
"""

from __future__ import annotations

from ecg import thresholds as t
from ecg.criteria_qrs import too_wide_for
from ecg.criteria_types import Criterion, Outcome, Undetermined, Unmeasured, all_of, check, first, statement
from ecg.measurements import Measurements

Pair = tuple[str, str]
# Contiguous lead pairs of each territory, named as PTB-XL / ECG-QA name the infarction.
INFERIOR: tuple[Pair, ...] = (("II", "III"), ("III", "aVF"), ("II", "aVF"))
ANTEROSEPTAL: tuple[Pair, ...] = (("V1", "V2"), ("V2", "V3"))
ANTERIOR: tuple[Pair, ...] = (("V3", "V4"),)
LATERAL: tuple[Pair, ...] = (("I", "aVL"), ("V5", "V6"))
ANTEROLATERAL_JUNCTION: tuple[Pair, ...] = (("V4", "V5"),)
SHORT_Q_LEADS = ("V2", "V3")
CODES = ("IMI", "ASMI", "AMI", "ALMI", "LMI", "ILMI", "QWAVE")


def q_wave(m: Measurements, lead: str) -> Criterion | list[Criterion]:
    """A pathological Q wave in one lead: its duration and depth, as evidence."""
    measured = m.per_lead.get(lead)
    if measured is None:
        return Unmeasured(f"per_lead.{lead}", (lead,))
    duration, depth = f"per_lead.{lead}.q_duration_ms", f"per_lead.{lead}.q_amplitude_mv"
    if lead in SHORT_Q_LEADS:
        return all_of(check(duration, measured.q_duration_ms, ">=", t.Q_WAVE_V2_V3_MIN_MS, (lead,)),
                      check(depth, measured.q_amplitude_mv, "<=", t.Q_WAVE_VISIBLE_DEPTH_MV, (lead,)))
    return all_of(check(duration, measured.q_duration_ms, ">=", t.Q_WAVE_MIN_MS, (lead,)),
                  check(depth, measured.q_amplitude_mv, "<=", t.Q_WAVE_MIN_DEPTH_MV, (lead,)))


def in_contiguous_pair(m: Measurements, pairs: tuple[Pair, ...]) -> Criterion | list:
    """Q waves in both leads of one of ``pairs``."""
    return first(*(all_of(q_wave(m, a), q_wave(m, b)) for a, b in pairs))


def inferior_mi(m: Measurements) -> Outcome:
    return statement("IMI", [in_contiguous_pair(m, INFERIOR)])


def anteroseptal_mi(m: Measurements) -> Outcome:
    return statement("ASMI", [in_contiguous_pair(m, ANTEROSEPTAL)])


def anterior_mi(m: Measurements) -> Outcome:
    return statement("AMI", [in_contiguous_pair(m, ANTERIOR)])


def lateral_mi(m: Measurements) -> Outcome:
    return statement("LMI", [in_contiguous_pair(m, LATERAL)])


def anterolateral_mi(m: Measurements) -> Outcome:
    """Q waves across V4-V5, or in an anterior pair and a lateral pair."""
    return statement("ALMI", [first(in_contiguous_pair(m, ANTEROLATERAL_JUNCTION),
                                    all_of(in_contiguous_pair(m, ANTERIOR), in_contiguous_pair(m, LATERAL)))])


def inferolateral_mi(m: Measurements) -> Outcome:
    return statement("ILMI", [in_contiguous_pair(m, INFERIOR), in_contiguous_pair(m, LATERAL)])


def q_waves_present(m: Measurements) -> Outcome:
    pairs = INFERIOR + ANTEROSEPTAL + ANTERIOR + LATERAL + ANTEROLATERAL_JUNCTION
    return statement("QWAVE", [in_contiguous_pair(m, pairs)])


RULES = (inferior_mi, anteroseptal_mi, anterior_mi, anterolateral_mi, lateral_mi, inferolateral_mi,
         q_waves_present)


def results(m: Measurements) -> list[Outcome]:
    """Every Q-wave statement, or all undetermined when a wide QRS confounds Q waves."""
    reason = too_wide_for(m, "confounds Q waves")
    if reason:
        return [Undetermined(code, reason=reason) for code in CODES]
    return [rule(m) for rule in RULES]

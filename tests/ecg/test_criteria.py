"""Each criterion at, just below and just above its thresholds, on hand-built measurements."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecg.criteria import evaluate, numeric_range, numeric_ranges, paced_dominant
from ecg.criteria_rhythm import nn_irregularity, sinus_cycles_ms
from ecg.criteria_types import COMPARISONS
from ecg.errors import ECGError
from ecg.measurements import LeadMeasurements, Measurements
from ecg.scp_codes import STATEMENTS
from tests.ecg.built_measurements import LEADS, NORMAL_NUMERIC, normal, sinus_beats

def codes(m: Measurements) -> set[str]:
    return {s.code for s in evaluate(m)}


def test_normal_ecg_gives_sinus_rhythm_normal_axis_and_normal_ranges_only():
    assert codes(normal()) == {"SR", "MID"} | NORMAL_NUMERIC


def test_nothing_measured_gives_no_statement():
    assert evaluate(Measurements(source="empty", fs=500.0, leads=[])) == []


# --- rhythm ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("rate, expected", [(59.9, "SBRAD"), (60.0, "SR"), (100.0, "SR"), (100.1, "STACH")])
def test_sinus_rate_limits(rate, expected):
    rhythm = codes(normal(heart_rate_bpm=rate)) & {"SR", "SBRAD", "STACH"}
    assert rhythm == {expected}


@pytest.mark.parametrize("share, sinus", [(0.79, False), (0.8, True)])
def test_sinus_needs_p_waves_before_most_beats(share, sinus):
    assert ("SR" in codes(normal(p_wave_present_share=share))) is sinus


@pytest.mark.parametrize("p_axis, sinus", [(-30.1, False), (-30.0, True), (90.0, True), (90.1, False), (None, True)])
def test_sinus_needs_a_sinus_p_axis_when_measured(p_axis, sinus):
    assert ("SR" in codes(normal(p_axis_deg=p_axis))) is sinus


@pytest.mark.parametrize("spread, expected", [(160.0, "SR"), (161.0, "SARRH")])
def test_sinus_arrhythmia_from_the_rr_range_of_sinus_beats(spread, expected):
    assert codes(normal(beats=sinus_beats(spread_ms=spread))) & {"SR", "SARRH"} == {expected}


def test_rr_range_ignores_intervals_around_ectopic_beats():
    beats = sinus_beats()
    beats[5] = replace(beats[5], kind="V", rr_ms=400.0)
    beats[6] = replace(beats[6], rr_ms=1300.0)
    assert "SARRH" not in codes(normal(beats=beats, ventricular_ectopic_beats=1))


def test_sinus_rhythm_needs_enough_beats_to_judge_regularity():
    assert "SR" not in codes(normal(beats=sinus_beats(n=2)))


def test_a_missed_premature_beat_is_not_sinus_arrhythmia():
    beats = sinus_beats()
    beats[5] = replace(beats[5], rr_ms=500.0)    # premature, but classified "N"
    beats[6] = replace(beats[6], rr_ms=1200.0)   # and its pause
    assert codes(normal(beats=beats)) & {"SR", "SARRH"} == {"SR"}


def test_nn_irregularity_is_rmssd_over_mean_of_normal_to_normal_intervals():
    beats = sinus_beats(n=5, rr_ms=1000.0, spread_ms=100.0)    # NN 950, 1050, 950, 1050
    assert nn_irregularity(beats) == pytest.approx(100.0 / 1000.0)
    beats[2] = replace(beats[2], kind="V")                     # NN left: 950 | 1050 (no pair)
    assert nn_irregularity(beats) is None


def _irregular_beats(spread_ms: float, seed: int = 0) -> list:
    """Sinus-like beats whose RRs vary at random over ``spread_ms`` around 850 ms."""
    rr = np.random.default_rng(seed).uniform(850.0 - spread_ms / 2, 850.0 + spread_ms / 2, 12)
    return [replace(beat, rr_ms=None if i == 0 else float(rr[i])) for i, beat in enumerate(sinus_beats())]


@pytest.mark.parametrize("spread, share, af", [
    (400.0, 0.59, True), (40.0, 0.0, False), (400.0, 0.6, False), (400.0, None, False)])
def test_atrial_fibrillation_needs_irregular_rr_and_absent_p_waves(spread, share, af):
    beats = _irregular_beats(spread)
    assert (nn_irregularity(beats) >= 0.1) is (spread > 100.0)
    m = normal(beats=beats, p_wave_present_share=share, atrial_rate_bpm=None)   # no P waves: no atrial rate
    assert ("AFIB" in codes(m)) is af


def test_regularly_irregular_pairs_are_no_atrial_fibrillation():
    """Each short RR followed by a long one (bigeminy, 3:2 block): the NN intervals are irregular,
    their pair sums are not."""
    m = normal(beats=sinus_beats(spread_ms=300.0), p_wave_present_share=0.0, atrial_rate_bpm=None)
    assert nn_irregularity(m.beats) >= 0.1 and "AFIB" not in codes(m)
    assert "AFIB" in codes(replace(m, beats=_irregular_beats(300.0)))


def test_ectopic_beats_do_not_make_atrial_fibrillation():
    beats = sinus_beats()
    beats[5] = replace(beats[5], kind="V", rr_ms=450.0)
    beats[6] = replace(beats[6], rr_ms=1250.0)
    assert "AFIB" not in codes(normal(beats=beats, p_wave_present_share=0.0, ventricular_ectopic_beats=1))


def test_no_atrial_premature_complexes_are_reported_in_atrial_fibrillation():
    assert "PAC" in codes(normal(supraventricular_ectopic_beats=2))
    assert "PAC" not in codes(normal(supraventricular_ectopic_beats=2, beats=_irregular_beats(300.0),
                                     p_wave_present_share=0.1, atrial_rate_bpm=None))


@pytest.mark.parametrize("rate, flutter", [(249.0, False), (250.0, True), (350.0, True), (350.1, False)])
def test_atrial_flutter_from_the_atrial_rate(rate, flutter):
    assert ("AFLT" in codes(normal(atrial_rate_bpm=rate, atrial_periodicity=0.8))) is flutter


@pytest.mark.parametrize("periodicity, flutter", [(0.69, False), (0.7, True)])
def test_atrial_flutter_needs_regular_atrial_waves(periodicity, flutter):
    assert ("AFLT" in codes(normal(atrial_rate_bpm=300.0, atrial_periodicity=periodicity))) is flutter


def test_flutter_with_variable_conduction_is_not_also_atrial_fibrillation():
    irregular = dict(beats=_irregular_beats(300.0), p_wave_present_share=0.0, atrial_rate_bpm=None)
    assert "AFIB" in codes(normal(**irregular, atrial_periodicity=0.3))
    found = codes(normal(**irregular | {"atrial_rate_bpm": 290.0}, atrial_periodicity=0.8))
    assert "AFLT" in found and "AFIB" not in found


@pytest.mark.parametrize("rate, qrs, share, spread, svt", [
    (100.1, 90.0, 0.0, 10.0, True), (100.0, 90.0, 0.0, 10.0, False), (130.0, 120.0, 0.0, 10.0, False),
    (130.0, 90.0, 0.6, 10.0, False), (130.0, 90.0, 0.0, 200.0, False), (130.0, 90.0, None, 10.0, False)])
def test_supraventricular_tachycardia(rate, qrs, share, spread, svt):
    m = normal(heart_rate_bpm=rate, qrs_duration_median_lead_ms=qrs, p_wave_present_share=share,
               beats=sinus_beats(rr_ms=450.0, spread_ms=spread))
    assert ("SVTAC" in codes(m)) is svt


@pytest.mark.parametrize("kinds, bigeminal", [
    ("NVNVNV", True), ("NSNVNSNN", True), ("NVNVNN", False), ("NNVNVNNVN", False), ("VNVNVN", False),
    ("NNNNNN", False)])
def test_bigeminy_needs_three_normal_ectopic_pairs_in_a_row(kinds, bigeminal):
    beats = [replace(beat, kind=kind) for beat, kind in zip(sinus_beats(n=len(kinds)), kinds)]
    assert ("BIGU" in codes(normal(beats=beats))) is bigeminal


def _with_pvcs(beats: list, coupled: dict[int, tuple[float, float]]) -> list:
    """The beats with beat i a PVC after coupling_ms, the next beat a pause_ms after it."""
    for i, (coupling_ms, pause_ms) in coupled.items():
        beats[i] = replace(beats[i], kind="V", rr_ms=coupling_ms, p_wave=None)
        beats[i + 1] = replace(beats[i + 1], rr_ms=pause_ms)
    return beats


def test_sinus_rhythm_under_ventricular_bigeminy():
    """No two normal beats are in a row, so there was no NN interval and SR was undetermined; the
    span across each PVC with its compensatory pause is two sinus cycles."""
    beats = _with_pvcs(sinus_beats(n=11), {i: (500.0, 1200.0) for i in range(1, 11, 2)})
    m = normal(beats=beats, ventricular_ectopic_beats=5)
    assert sinus_cycles_ms(beats) == [850.0] * 5
    assert {"SR", "BIGU", "PVC"} <= codes(m) and "SARRH" not in codes(m)


@pytest.mark.parametrize("coupling, pause, counted", [
    (500.0, 1200.0, True),    # full compensatory pause: 2 x 850 ms
    (500.0, 800.0, False),    # the pause is short of two cycles: the PVC reset the sinus node
    (425.0, 425.0, False)])   # interpolated: no pause at all
def test_a_span_across_a_pvc_counts_as_two_sinus_cycles_only_with_a_full_compensatory_pause(
        coupling, pause, counted):
    beats = _with_pvcs(sinus_beats(n=12, spread_ms=0.0), {5: (coupling, pause)})
    assert ((coupling + pause) / 2.0 in sinus_cycles_ms(beats)) is counted


@pytest.mark.parametrize("field, code", [("ventricular_ectopic_beats", "PVC"),
                                         ("supraventricular_ectopic_beats", "PAC"),
                                         ("paced_beats", "PACE")])
def test_ectopic_and_paced_beat_counts(field, code):
    assert code not in codes(normal(**{field: 0}))
    minimum = 2 if code == "PACE" else 1
    assert code not in codes(normal(**{field: minimum - 1}))
    assert code in codes(normal(**{field: minimum}))


def test_paced_rhythm_suppresses_qrs_and_st_criteria():
    wide_lbbb = {"V1": {"qrs_area_mvms": -40.0}, "II": {"st_j_mv": 0.3}, "III": {"st_j_mv": 0.3}}
    unpaced = normal(wide_lbbb, qrs_duration_median_lead_ms=100.0, qrs_axis_deg=40.0)
    assert "STE_" in codes(unpaced)
    paced = replace(normal(wide_lbbb, qrs_duration_median_lead_ms=160.0), paced_beats=7, n_beats=12)
    assert paced_dominant(paced)
    found = codes(paced)
    assert "PACE" in found and not found & {"CLBBB", "IVCD", "STE_", "VCLVH"}


# --- conduction -----------------------------------------------------------------------------------

@pytest.mark.parametrize("pr, share, block", [
    (200.0, 1.0, False), (200.1, 1.0, True), (None, 1.0, False), (250.0, 0.8, True), (250.0, 0.79, False)])
def test_first_degree_av_block_needs_a_long_pr_with_one_to_one_conduction(pr, share, block):
    assert ("1AVB" in codes(normal(pr_interval_ms=pr, p_wave_present_share=share))) is block


RSR_V1 = {"V1": {"r_prime_present": True}}
LBBB_SHAPE = {"V1": {"qrs_area_mvms": -40.0}, "I": {"qrs_area_mvms": 30.0}, "V6": {"qrs_area_mvms": 30.0}}
NEITHER_SHAPE = {"V1": {"qrs_area_mvms": -40.0}, "V6": {"qrs_area_mvms": -5.0}}
BUNDLE = {"CRBBB", "IRBBB", "CLBBB", "ILBBB", "IVCD"}


@pytest.mark.parametrize("shape, qrs, expected", [
    (RSR_V1, 120.0, {"CRBBB"}), (RSR_V1, 119.9, {"IRBBB"}), (RSR_V1, 110.0, {"IRBBB"}),
    (RSR_V1, 109.9, set()),
    ({"V2": {"r_prime_present": True}}, 130.0, {"CRBBB"}),
    ({"V1": {"qrs_area_mvms": 15.0}}, 130.0, {"CRBBB"}),      # dominant R in V1
    (LBBB_SHAPE, 120.0, {"CLBBB"}), (LBBB_SHAPE, 115.0, {"ILBBB"}), (LBBB_SHAPE, 109.9, set()),
    (LBBB_SHAPE | RSR_V1, 130.0, {"CRBBB"}),
    (NEITHER_SHAPE, 130.0, {"IVCD"}), (NEITHER_SHAPE, 110.1, {"IVCD"}), (NEITHER_SHAPE, 110.0, set()),
])
def test_bundle_branch_blocks_and_ivcd(shape, qrs, expected):
    assert codes(normal(shape, qrs_duration_median_lead_ms=qrs)) & BUNDLE == expected


def test_unmeasured_morphology_never_gives_a_bundle_branch_block():
    unknown = {name: {"qrs_area_mvms": None, "r_prime_present": None} for name in LEADS}
    assert codes(normal(unknown, qrs_duration_median_lead_ms=140.0)) & BUNDLE == {"IVCD"}


LAFB_SHAPE = {"aVL": {"qrs_area_mvms": 25.0}, "III": {"qrs_area_mvms": -25.0}}
LPFB_SHAPE = {"I": {"qrs_area_mvms": -25.0}, "III": {"qrs_area_mvms": 25.0}}


@pytest.mark.parametrize("axis, qrs, shape, expected", [
    (-45.0, 100.0, LAFB_SHAPE, {"LAFB", "LAD"}), (-44.9, 100.0, LAFB_SHAPE, {"LAD"}),
    (-90.0, 100.0, LAFB_SHAPE, {"LAFB", "LAD"}), (-60.0, 120.0, LAFB_SHAPE, {"LAD"}),
    (-60.0, 100.0, {"III": {"qrs_area_mvms": -25.0}, "aVL": {"qrs_area_mvms": -1.0}}, {"LAD"}),
    (90.1, 100.0, LPFB_SHAPE, {"LPFB", "RAD"}), (90.0, 100.0, LPFB_SHAPE, {"MID"}),
    (120.0, 119.9, LPFB_SHAPE, {"LPFB", "RAD"}), (120.0, 100.0, {}, {"RAD"}),
])
def test_fascicular_blocks(axis, qrs, shape, expected):
    found = codes(normal(shape, qrs_axis_deg=axis, qrs_duration_median_lead_ms=qrs))
    assert found & {"LAFB", "LPFB", "LAD", "RAD", "MID"} == expected


@pytest.mark.parametrize("axis, expected", [
    (-30.0, "MID"), (-30.1, "LAD"), (-90.0, "LAD"), (-90.1, "EAD"), (90.0, "MID"), (90.1, "RAD"),
    (180.0, "RAD"), (-180.0, "RAD"), (-150.0, "EAD"), (270.0, "LAD"), (0.0, "MID")])
def test_axis_ranges(axis, expected):
    assert codes(normal(qrs_axis_deg=axis)) & {"MID", "LAD", "RAD", "EAD"} == {expected}


def test_unmeasured_axis_gives_no_axis_statement():
    assert not codes(normal(qrs_axis_deg=None)) & {"MID", "LAD", "RAD", "EAD"}


# --- hypertrophy, atria, voltage ------------------------------------------------------------------

@pytest.mark.parametrize("sokolow, cornell, voltage", [
    (3.5, 1.0, True), (3.49, 1.0, False), (2.0, 2.8, False), (2.0, 2.81, True), (None, 2.81, True),
    (None, None, False)])
def test_lvh_voltage_criteria(sokolow, cornell, voltage):
    assert ("VCLVH" in codes(normal(sokolow_lyon_mv=sokolow, cornell_mv=cornell))) is voltage


@pytest.mark.parametrize("v5, lvh", [({"t_amplitude_mv": -0.1}, True), ({"t_amplitude_mv": -0.09}, False),
                                     ({"st_j_mv": -0.05}, True), ({"st_j_mv": -0.04}, False)])
def test_lvh_needs_voltage_and_lateral_strain(v5, lvh):
    found = codes(normal({"V5": v5}, sokolow_lyon_mv=4.0))
    assert "VCLVH" in found and ("LVH" in found) is lvh
    assert "LVH" not in codes(normal({"V5": v5}, sokolow_lyon_mv=3.0))


@pytest.mark.parametrize("duration, abnormal", [(120.0, False), (120.1, True)])
def test_left_atrial_abnormality(duration, abnormal):
    assert ("LAO/LAE" in codes(normal(p_duration_ms=duration))) is abnormal


@pytest.mark.parametrize("amplitude, abnormal", [(0.25, False), (0.26, True), (None, False)])
def test_right_atrial_abnormality(amplitude, abnormal):
    assert ("RAO/RAE" in codes(normal({"II": {"p_amplitude_mv": amplitude}}))) is abnormal


def low_voltage_leads(limb_r: float = 0.3, precordial_r: float = 0.6) -> dict[str, dict]:
    limb = {name: {"r_amplitude_mv": limb_r, "s_amplitude_mv": -0.1} for name in LEADS[:6]}
    chest = {name: {"r_amplitude_mv": precordial_r, "s_amplitude_mv": -0.3} for name in LEADS[6:]}
    return limb | chest


@pytest.mark.parametrize("limb_r, precordial_r, low", [
    (0.3, 0.6, True), (0.4, 0.6, False), (0.39, 0.69, True), (0.3, 0.7, False)])
def test_low_voltage_needs_every_limb_and_precordial_lead(limb_r, precordial_r, low):
    # peak-to-peak = R - min(Q, S): limb leads R + 0.1 mV, precordial leads R + 0.3 mV
    assert ("LVOLT" in codes(normal(low_voltage_leads(limb_r, precordial_r)))) is low


def test_low_voltage_needs_every_lead_measured():
    leads = low_voltage_leads() | {"aVR": {"r_amplitude_mv": 0.2, "s_amplitude_mv": None}}
    assert "LVOLT" not in codes(normal(leads))


# --- QT and ST-T ----------------------------------------------------------------------------------

@pytest.mark.parametrize("fields, long_qt", [
    ({"qtc_framingham_ms": 460.0}, True), ({"qtc_framingham_ms": 459.9}, False),
    ({"qtc_framingham_ms": None, "qtc_hodges_ms": 470.0}, True),
    ({"qtc_framingham_ms": 440.0, "qtc_bazett_ms": 500.0}, False),   # linear correction preferred
    ({"qtc_framingham_ms": None, "qtc_hodges_ms": None, "qtc_fridericia_ms": None, "qtc_bazett_ms": 465.0}, True),
])
def test_long_qt(fields, long_qt):
    assert ("LNGQT" in codes(normal(**fields))) is long_qt


def groups(m: Measurements, code: str) -> set[str]:
    return {s.lead_group for s in evaluate(m) if s.code == code}


@pytest.mark.parametrize("leads, level, expected", [
    (("II", "III"), 0.1, {"inferior"}), (("II", "III"), 0.099, set()), (("II",), 0.3, set()),
    (("V3", "V4"), 0.15, set()), (("V3", "V4"), 0.2, {"anterior"}), (("V4", "V5"), 0.1, set()),
    (("V5", "V6", "I"), 0.1, {"lateral"}), (("V1", "V2", "III", "aVF"), 0.25, {"septal", "inferior"}),
])
def test_st_elevation_by_lead_group(leads, level, expected):
    assert groups(normal({name: {"st_j_mv": level} for name in leads}), "STE_") == expected


@pytest.mark.parametrize("j, j60, depressed", [(-0.05, -0.05, True), (-0.05, -0.049, False), (-0.049, -0.1, False)])
def test_st_depression_needs_depression_at_j_and_j60(j, j60, depressed):
    m = normal({name: {"st_j_mv": j, "st_j60_mv": j60} for name in ("II", "aVF")})
    assert groups(m, "STD_") == ({"inferior"} if depressed else set())


@pytest.mark.parametrize("t_amplitude, r, inverted", [(-0.1, 1.0, True), (-0.09, 1.0, False), (-0.3, 0.2, False)])
def test_t_inversion_needs_a_dominant_r_wave(t_amplitude, r, inverted):
    m = normal({name: {"t_amplitude_mv": t_amplitude, "r_amplitude_mv": r} for name in ("V5", "V6")})
    assert groups(m, "INVT") == ({"lateral"} if inverted else set())


def test_st_t_criteria_are_not_applied_to_a_wide_qrs():
    m = normal({name: {"st_j_mv": 0.3} for name in ("II", "III")}, qrs_duration_median_lead_ms=120.0)
    assert not groups(m, "STE_")


def test_st_elevation_evidence_names_leads_and_count():
    (found,) = [s for s in evaluate(normal({"II": {"st_j_mv": 0.2}, "aVF": {"st_j_mv": 0.15}})) if s.code == "STE_"]
    count, *per_lead = found.evidence
    assert count.value == 2 and count.leads == ("II", "aVF") and count.threshold == "lead_group_min_leads"
    assert [(e.measure, e.value) for e in per_lead] == [("per_lead.II.st_j_mv", 0.2), ("per_lead.aVF.st_j_mv", 0.15)]


def test_statements_describe_their_evidence_in_one_line():
    found = {s.code: s for s in evaluate(normal({"II": {"st_j_mv": 0.2}, "aVF": {"st_j_mv": 0.15}},
                                                pr_interval_ms=232.0))}
    assert found["1AVB"].describe() == ("first degree av block: p_wave_present_share = 1 >= 0.8; "
                                        "pr_interval_ms = 232 ms > 200 ms")
    assert found["STE_"].describe().startswith("non-specific st elevation in inferior leads: leads of the "
                                               "inferior group meeting the criterion [II, aVF] = 2 leads >= 2 leads")


# --- numeric ranges -------------------------------------------------------------------------------

@pytest.mark.parametrize("feature, value, expected", [
    ("rr interval", 599.9, "below"), ("rr interval", 600.0, "within"), ("rr interval", 1000.0, "within"),
    ("rr interval", 1000.1, "above"), ("p duration", 10.0, "within"), ("p duration", 120.1, "above"),
    ("pr interval", 119.0, "below"), ("pr interval", 201.0, "above"), ("qrs duration", 59.0, "below"),
    ("qrs duration", 110.0, "within"), ("qrs duration", 111.0, "above"), ("qt interval", 329.0, "below"),
    ("qt interval", 431.0, "above"), ("qt corrected", 555.0, "within"), ("qt corrected", 556.0, "above"),
    ("qtc_bazett_ms", 300.0, "below"), ("QRSDUR", 90.0, "within"), (" QT Corrected ", 400.0, "within"),
    ("rr interval", None, None),
])
def test_numeric_range(feature, value, expected):
    assert numeric_range(feature, value) == expected


def test_numeric_ranges_of_a_record():
    ranges = numeric_ranges(normal(rr_ms=1200.0, qt_interval_ms=None))
    assert ranges == {"rr interval": "above", "p duration": "within", "pr interval": "within",
                      "qrs duration": "within", "qt interval": None, "qt corrected": "within"}


def test_unknown_numeric_feature_is_an_ecg_error():
    with pytest.raises(ECGError, match="unknown numeric feature 'st slope'"):
        numeric_range("st slope", 1.0)


def test_numeric_statements_follow_the_ranges():
    found = codes(normal(rr_ms=1200.0, qrs_duration_median_lead_ms=50.0, qtc_bazett_ms=None))
    assert {"RR_ABOVE", "QRSDUR_BELOW"} <= found
    assert not found & {"QTC_BELOW", "QTC_WITHIN", "QTC_ABOVE"}


# --- evidence is consistent whatever the measurements ---------------------------------------------

maybe = st.none() | st.floats(-500, 3000, allow_nan=False)
lead_values = st.builds(
    LeadMeasurements, p_amplitude_mv=st.none() | st.floats(-0.5, 0.5), q_amplitude_mv=st.none() | st.floats(-1, 0),
    r_amplitude_mv=st.none() | st.floats(0, 3), s_amplitude_mv=st.none() | st.floats(-3, 0),
    t_amplitude_mv=st.none() | st.floats(-1, 1), st_j_mv=st.none() | st.floats(-0.5, 0.5),
    st_j60_mv=st.none() | st.floats(-0.5, 0.5), qrs_area_mvms=st.none() | st.floats(-80, 80),
    r_prime_present=st.none() | st.booleans())


@settings(max_examples=150, deadline=None)
@given(hr=maybe, pr=maybe, qrs=maybe, qtc=maybe, axis=maybe, share=st.none() | st.floats(0, 1),
       irregularity=st.none() | st.floats(0, 1), sokolow=st.none() | st.floats(0, 6),
       paced=st.integers(0, 12), per_lead=st.dictionaries(st.sampled_from(LEADS), lead_values))
def test_every_statement_is_known_and_every_evidence_holds(hr, pr, qrs, qtc, axis, share, irregularity,
                                                          sokolow, paced, per_lead):
    m = Measurements(source="random", fs=500.0, leads=LEADS, heart_rate_bpm=hr, pr_interval_ms=pr,
                     qrs_duration_median_lead_ms=qrs, qtc_bazett_ms=qtc, qrs_axis_deg=axis, p_wave_present_share=share,
                     rr_irregularity=irregularity, sokolow_lyon_mv=sokolow, paced_beats=paced, n_beats=12,
                     per_lead=per_lead, beats=sinus_beats())
    found = evaluate(m)
    for statement in found:
        assert STATEMENTS[statement.code].name == statement.name
        assert statement.evidence
        for evidence in statement.evidence:
            assert COMPARISONS[evidence.comparison](evidence.value, evidence.threshold_value)
            assert evidence.source
    json.dumps([s.to_dict() for s in found])
    assert len({(s.code, s.lead_group) for s in found}) == len(found)
    rhythm = {s.code for s in found} & {"SR", "SBRAD", "STACH", "AFIB"}
    assert len(rhythm) <= 1

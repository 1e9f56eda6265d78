"""evaluate_all: every code present, absent, or undetermined with the input it lacks."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecg.criteria import ABSENT, PRESENT, UNDETERMINED, evaluate, evaluate_all
from ecg.measurements import LeadMeasurements, Measurements
from ecg.scp_codes import STATEMENTS
from tests.ecg.built_measurements import LEADS, normal, sinus_beats


def status(m: Measurements, code: str) -> str:
    return evaluate_all(m)[code].status


def test_every_code_is_judged_and_present_ones_are_the_statements_made():
    m = normal({"II": {"st_j_mv": 0.2}, "aVF": {"st_j_mv": 0.15}}, pr_interval_ms=232.0)
    assessed = evaluate_all(m)
    assert list(assessed) == list(STATEMENTS)
    present = [s for a in assessed.values() if a.status == PRESENT for s in a.statements]
    assert present == sorted(evaluate(m), key=lambda s: list(STATEMENTS).index(s.code))
    assert assessed["AFIB"].status == ABSENT and assessed["AFIB"].reason == ""


def test_a_normal_ecg_leaves_nothing_undetermined():
    assert not [a for a in evaluate_all(normal()).values() if a.status == UNDETERMINED]


def test_first_degree_av_block_is_undetermined_without_a_pr_interval():
    af = normal(pr_interval_ms=None, p_wave_present_share=0.1, notes={"pr_interval_ms": "no P waves (atrial fibrillation?)"})
    found = evaluate_all(af)["1AVB"]
    assert found.status == UNDETERMINED and found.missing == ("pr_interval_ms",)
    assert found.reason == "not measured: pr_interval_ms (no P waves (atrial fibrillation?))"
    assert status(normal(pr_interval_ms=250.0, p_wave_present_share=0.5), "1AVB") == ABSENT   # measured, not 1:1


def test_paced_rhythm_leaves_qrs_hypertrophy_and_st_t_codes_undetermined():
    paced = replace(normal(qrs_duration_median_lead_ms=160.0), paced_beats=10, n_beats=12)
    for code in ("1AVB", "CLBBB", "VCLVH", "STE_", "INVT", "LNGQT"):
        found = evaluate_all(paced)[code]
        assert found.status == UNDETERMINED and found.reason.startswith("not applied: paced rhythm (10 of 12")
    assert status(paced, "PACE") == PRESENT and status(paced, "AFIB") == ABSENT


def test_lvh_is_undetermined_when_neither_voltage_sum_was_measured():
    assert status(normal(sokolow_lyon_mv=None, cornell_mv=None), "VCLVH") == UNDETERMINED
    assert status(normal(sokolow_lyon_mv=None, cornell_mv=1.0), "VCLVH") == UNDETERMINED   # Sokolow might hold
    assert status(normal(sokolow_lyon_mv=None, cornell_mv=3.0), "VCLVH") == PRESENT
    assert status(normal(sokolow_lyon_mv=2.0, cornell_mv=1.0), "VCLVH") == ABSENT


def test_lvh_strain_is_undetermined_when_the_lateral_leads_are_missing():
    m = normal(sokolow_lyon_mv=4.0)
    for name in ("I", "aVL", "V5", "V6"):
        del m.per_lead[name]
    assert status(m, "VCLVH") == PRESENT and status(m, "LVH") == UNDETERMINED


@pytest.mark.parametrize("missing, elevated, expected", [
    (("V1", "V2"), (), UNDETERMINED),        # the septal group cannot be judged at all
    (("V1",), ("V2",), UNDETERMINED),        # one lead meets it, the other could
    (("V1",), (), ABSENT),                   # V2 measured and normal: two leads can no longer be met
    ((), ("V1", "V2"), PRESENT),
])
def test_st_elevation_by_lead_group_with_missing_leads(missing, elevated, expected):
    m = normal({name: {"st_j_mv": 0.3} for name in elevated})
    for name in missing:
        del m.per_lead[name]
    found = evaluate_all(m)["STE_"]
    assert found.status == expected
    if expected == UNDETERMINED:
        assert found.reason.startswith("in the septal leads not measured: per_lead.V1 (lead V1 missing or unusable)")


def test_st_t_codes_are_undetermined_with_a_wide_qrs():
    found = evaluate_all(normal(qrs_duration_median_lead_ms=130.0))["STD_"]
    assert found.status == UNDETERMINED and "QRS (median lead) 130 ms >= 120 ms" in found.reason


def test_t_inversion_needs_r_and_s_measured():
    m = normal({name: {"t_amplitude_mv": -0.3, "r_amplitude_mv": None} for name in ("V5", "V6")})
    assert status(m, "INVT") == UNDETERMINED


def test_rhythm_codes_without_a_heart_rate():
    m = normal(heart_rate_bpm=None, beats=sinus_beats(n=1))
    assert {status(m, code) for code in ("SR", "SBRAD", "STACH")} == {UNDETERMINED}
    assert status(m, "AFIB") == ABSENT                # P waves before every beat
    no_p = normal(heart_rate_bpm=None, beats=sinus_beats(n=1), p_wave_present_share=0.0)
    assert status(no_p, "AFIB") == UNDETERMINED      # no NN intervals to judge regularity


def test_numeric_ranges_and_axis_are_undetermined_when_unmeasured():
    m = normal(qt_interval_ms=None, qrs_axis_deg=None, notes={"qt_interval_ms": "no T wave end found"})
    assessed = evaluate_all(m)
    assert {assessed[c].status for c in ("QT_BELOW", "QT_WITHIN", "QT_ABOVE", "MID", "LAD")} == {UNDETERMINED}
    assert assessed["QT_WITHIN"].reason == "not measured: qt_interval_ms (no T wave end found)"
    assert assessed["PR_BELOW"].status == ABSENT and assessed["PR_WITHIN"].status == PRESENT


def test_assessments_serialise():
    found = evaluate_all(normal(pr_interval_ms=None))["1AVB"].to_dict()
    assert found == {"code": "1AVB", "name": "first degree av block", "status": "undetermined",
                     "reason": "not measured: pr_interval_ms", "missing": ["pr_interval_ms"], "statements": []}


maybe = st.none() | st.floats(-500, 3000, allow_nan=False)
lead_values = st.builds(
    LeadMeasurements, q_amplitude_mv=st.none() | st.floats(-1, 0), r_amplitude_mv=st.none() | st.floats(0, 3),
    s_amplitude_mv=st.none() | st.floats(-3, 0), t_amplitude_mv=st.none() | st.floats(-1, 1),
    st_j_mv=st.none() | st.floats(-0.5, 0.5), st_j60_mv=st.none() | st.floats(-0.5, 0.5),
    qrs_area_mvms=st.none() | st.floats(-80, 80), r_prime_present=st.none() | st.booleans(),
    q_duration_ms=st.none() | st.floats(0, 80))


@settings(max_examples=100, deadline=None)
@given(hr=maybe, pr=maybe, qrs=maybe, axis=maybe, share=st.none() | st.floats(0, 1),
       atrial=st.none() | st.floats(20, 400), paced=st.integers(0, 12),
       per_lead=st.dictionaries(st.sampled_from(LEADS), lead_values))
def test_every_code_gets_exactly_one_status_consistent_with_evaluate(hr, pr, qrs, axis, share, atrial, paced,
                                                                    per_lead):
    m = Measurements(source="random", fs=500.0, leads=LEADS, heart_rate_bpm=hr, pr_interval_ms=pr,
                     qrs_duration_median_lead_ms=qrs, qrs_axis_deg=axis, p_wave_present_share=share, atrial_rate_bpm=atrial,
                     paced_beats=paced, n_beats=12, per_lead=per_lead, beats=sinus_beats())
    assessed = evaluate_all(m)
    assert list(assessed) == list(STATEMENTS)
    assert {s.code for s in evaluate(m)} == {c for c, a in assessed.items() if a.status == PRESENT}
    for assessment in assessed.values():
        assert assessment.status in (PRESENT, ABSENT, UNDETERMINED)
        assert bool(assessment.statements) == (assessment.status == PRESENT)
        assert bool(assessment.reason) == (assessment.status == UNDETERMINED)

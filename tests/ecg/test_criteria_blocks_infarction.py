"""AV blocks, pre-excitation, RVH and Q-wave infarction: each criterion at and around its thresholds."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from ecg.criteria import ABSENT, PRESENT, UNDETERMINED, evaluate, evaluate_all
from ecg.delineate import Fiducials
from ecg.lead_values import lead_measurements
from ecg.measurements import Measurements
from tests.ecg.built_measurements import normal, sinus_beats
from tests.ecg.synthetic_waves import hann_pulse

MI = {"IMI", "ASMI", "AMI", "ALMI", "LMI", "ILMI", "QWAVE"}


def codes(m: Measurements) -> set[str]:
    return {s.code for s in evaluate(m)}


def status(m: Measurements, code: str) -> str:
    return evaluate_all(m)[code].status


# --- second- and third-degree AV block ------------------------------------------------------------

def av_beats(prs: list[float], rr_ms: float = 1500.0):
    """Regular beats with the given P-to-QRS times."""
    return [replace(beat, pr_ms=pr) for beat, pr in zip(sinus_beats(n=len(prs), rr_ms=rr_ms, spread_ms=10.0), prs)]


def test_third_degree_av_block_from_independent_p_waves_and_a_regular_escape_rhythm():
    dissociated = av_beats([90.0, 330.0, 210.0, 120.0, 380.0, 260.0, 150.0])   # range 290 ms
    m = normal(heart_rate_bpm=40.0, atrial_rate_bpm=80.0, beats=dissociated, p_wave_present_share=0.6)
    assert status(m, "3AVB") == PRESENT and status(m, "2AVB") == ABSENT
    (block,) = [s for s in evaluate(m) if s.code == "3AVB"]
    assert [e.threshold for e in block.evidence] == ["av_block_min_atrial_ratio",
                                                     "third_degree_avb_min_pr_range_ms", "af_min_rr_irregularity"]


def beats_without_p(kind: str = "N", n: int = 8, rr_ms: float = 1000.0):
    """Regular beats of one kind with no P wave before them."""
    beats = sinus_beats(n=n, rr_ms=rr_ms, spread_ms=10.0)
    return [replace(beat, kind=kind, p_wave=False, pr_ms=None) for beat in beats]


def dissociated(kind: str = "N", atrial: float = 75.0, periodicity: float = 0.6, **fields) -> Measurements:
    """60 regular beats a minute without P waves before them, and P waves apart from them."""
    values = dict(heart_rate_bpm=60.0, rr_ms=1000.0, atrial_rate_bpm=atrial, p_wave_present_share=0.0,
                  p_duration_ms=None, pr_interval_ms=None, beats=beats_without_p(kind),
                  dissociated_p_periodicity=periodicity)
    return normal(**(values | fields))


@pytest.mark.parametrize("periodicity, atrial, expected", [
    (0.6, 75.0, PRESENT), (0.5, 66.0, PRESENT), (0.49, 75.0, ABSENT), (0.6, 65.9, ABSENT),
    (None, 75.0, UNDETERMINED)])
def test_third_degree_av_block_from_p_waves_that_repeat_apart_from_the_beats(periodicity, atrial, expected):
    m = dissociated(atrial=atrial, periodicity=periodicity)
    assert status(m, "3AVB") == expected
    assert status(m, "2AVB") == ABSENT     # the beats keep no P wave: no conducted P waves among them
    if expected == PRESENT:
        (block,) = [s for s in evaluate(m) if s.code == "3AVB"]
        assert "dissociated_p_periodicity" in [e.measure for e in block.evidence]


def test_complete_av_block_is_read_under_ventricular_pacing_and_never_ruled_out_there():
    paced = dict(paced_beats=8, n_beats=8)
    blocked = evaluate_all(dissociated("P", **paced))
    assert blocked["3AVB"].status == PRESENT
    assert blocked["CLBBB"].status == UNDETERMINED and blocked["1AVB"].status == UNDETERMINED
    not_seen = evaluate_all(dissociated("P", periodicity=0.2, **paced))["3AVB"]
    assert not_seen.status == UNDETERMINED and "paced rhythm" in not_seen.reason
    irregular = [replace(b, rr_ms=None if b.rr_ms is None else b.rr_ms * (1.3 if i % 2 else 0.7))
                 for i, b in enumerate(beats_without_p("P"))]
    assert status(dissociated("P", beats=irregular, **paced), "3AVB") == UNDETERMINED


@pytest.mark.parametrize("blocked, expected", [(0.9, PRESENT), (0.85, PRESENT), (0.84, ABSENT), (None, UNDETERMINED)])
def test_second_degree_av_block_from_non_conducted_p_waves_with_a_fixed_pr(blocked, expected):
    two_to_one = av_beats([180.0, 185.0, 178.0, 182.0, 180.0, 181.0])
    m = normal(heart_rate_bpm=40.0, atrial_rate_bpm=80.0, beats=two_to_one, blocked_p_correlation=blocked)
    assert status(m, "2AVB") == expected and status(m, "3AVB") == ABSENT


def test_sinus_rhythm_with_2_to_1_block_is_no_sinus_bradycardia():
    """The sinus rate is the P-wave rate: 80/min, with 40 conducted beats a minute."""
    m = normal(heart_rate_bpm=40.0, atrial_rate_bpm=80.0, beats=av_beats([180.0] * 6), blocked_p_correlation=0.9)
    found = codes(m)
    assert {"SR", "2AVB"} <= found and "SBRAD" not in found
    (sinus,) = [s for s in evaluate(m) if s.code == "SR"]
    assert "atrial_rate_bpm" in [e.measure for e in sinus.evidence]


@pytest.mark.parametrize("atrial, expected", [(43.9, ABSENT), (44.0, PRESENT), (None, UNDETERMINED)])
def test_av_block_needs_the_atrial_rate_above_the_ventricular_one(atrial, expected):
    m = normal(heart_rate_bpm=40.0, atrial_rate_bpm=atrial, beats=av_beats([180.0] * 6), blocked_p_correlation=0.9)
    assert status(m, "2AVB") == expected


@pytest.mark.parametrize("atrial, fixed_ratio", [(80.0, "2AVB_2TO1"), (99.0, "2AVB_2TO1"), (100.0, "AVB_HIGH_GRADE"),
                                                  (120.0, "AVB_HIGH_GRADE"), (160.0, "AVB_HIGH_GRADE")])
def test_fixed_ratio_block_is_typed_2_to_1_or_high_grade_and_its_mobitz_type_is_not_told(atrial, fixed_ratio):
    m = normal(heart_rate_bpm=40.0, atrial_rate_bpm=atrial, beats=av_beats([180.0] * 6), blocked_p_correlation=0.9)
    assessed = evaluate_all(m)
    assert {code for code in ("2AVB_2TO1", "AVB_HIGH_GRADE") if assessed[code].status == PRESENT} == {fixed_ratio}
    for code in ("2AVB_MOBITZ1", "2AVB_MOBITZ2"):
        assert assessed[code].status == UNDETERMINED and "2:1 (or higher) conduction" in assessed[code].reason


def grouped_beating(shortening: float | None, dropped: float = 0.9) -> Measurements:
    """Sinus P waves at 75/min with every fourth one not conducted (4:3), RRs in groups."""
    rrs = [900.0, 1000.0, 1500.0] * 3
    beats = [replace(beat, rr_ms=rr, pr_ms=None, p_wave=False)
             for beat, rr in zip(sinus_beats(n=len(rrs), rr_ms=1000.0), rrs)]
    return normal(heart_rate_bpm=56.0, atrial_rate_bpm=75.0, beats=beats, p_wave_present_share=0.0,
                  pr_interval_ms=None, dropped_p_correlation=dropped, pr_shortening_after_pause_ms=shortening)


@pytest.mark.parametrize("shortening, mobitz_1, mobitz_2", [
    (120.0, PRESENT, ABSENT), (40.0, PRESENT, ABSENT), (20.0, ABSENT, PRESENT), (0.0, ABSENT, PRESENT),
    (-20.0, ABSENT, PRESENT), (39.0, UNDETERMINED, UNDETERMINED), (-21.0, UNDETERMINED, UNDETERMINED),
    (None, UNDETERMINED, UNDETERMINED)])
def test_dropped_beats_are_typed_by_how_much_the_pr_shortens_across_the_pauses(shortening, mobitz_1, mobitz_2):
    assessed = evaluate_all(grouped_beating(shortening))
    assert assessed["2AVB"].status == PRESENT
    assert assessed["2AVB_2TO1"].status == assessed["AVB_HIGH_GRADE"].status == ABSENT
    assert (assessed["2AVB_MOBITZ1"].status, assessed["2AVB_MOBITZ2"].status) == (mobitz_1, mobitz_2)
    if shortening is None:
        assert assessed["2AVB_MOBITZ1"].missing == ("pr_shortening_after_pause_ms",)
    if mobitz_1 == PRESENT:
        (typed,) = assessed["2AVB_MOBITZ1"].statements
        assert typed.evidence[-1].threshold == "mobitz_i_min_pr_shortening_ms"


def test_grouped_beating_in_step_is_sinus_rhythm_at_the_p_wave_rate():
    """Wenckebach block: the PR changes from beat to beat, but the P waves march through the pauses."""
    found = codes(grouped_beating(120.0))
    assert {"SR", "2AVB", "2AVB_MOBITZ1"} <= found and not found & {"SBRAD", "SARRH", "AFIB"}
    assert not codes(grouped_beating(120.0, dropped=0.5)) & {"SR", "2AVB", "2AVB_MOBITZ1"}


def test_sinus_rhythm_has_no_av_block():
    assert not codes(normal()) & {"2AVB", "3AVB", "2AVB_2TO1", "AVB_HIGH_GRADE", "2AVB_MOBITZ1", "2AVB_MOBITZ2"}
    assert status(normal(), "3AVB") == ABSENT


# --- pre-excitation -------------------------------------------------------------------------------

@pytest.mark.parametrize("pr, qrs, expected", [
    (100.0, 130.0, PRESENT), (119.9, 110.0, PRESENT), (120.0, 130.0, ABSENT), (100.0, 109.9, ABSENT),
    (None, 130.0, UNDETERMINED)])
def test_wpw_pattern_is_a_short_pr_with_a_wide_qrs(pr, qrs, expected):
    assert status(normal(pr_interval_ms=pr, qrs_duration_median_lead_ms=qrs), "WPW") == expected


# --- right ventricular hypertrophy ----------------------------------------------------------------

@pytest.mark.parametrize("axis, qrs, v1, v5, expected", [
    (110.0, 90.0, {"r_amplitude_mv": 0.7, "s_amplitude_mv": -0.8}, {}, PRESENT),       # tall R in V1
    (110.0, 90.0, {"r_amplitude_mv": 0.69, "s_amplitude_mv": -0.8}, {}, ABSENT),
    (110.0, 90.0, {"r_amplitude_mv": 0.5, "s_amplitude_mv": -0.4}, {}, PRESENT),       # R/S 1.25
    (110.0, 90.0, {"r_amplitude_mv": 0.5, "s_amplitude_mv": 0.0}, {}, PRESENT),        # no S at all
    (110.0, 90.0, {"r_amplitude_mv": 0.3, "s_amplitude_mv": -0.6}, {"s_amplitude_mv": -0.75}, PRESENT),  # 1.05
    (90.0, 90.0, {"r_amplitude_mv": 1.0, "s_amplitude_mv": -0.2}, {}, ABSENT),          # axis not right
    (110.0, 120.0, {"r_amplitude_mv": 1.0, "s_amplitude_mv": -0.2}, {}, ABSENT),        # RBBB-wide QRS
    (110.0, 90.0, {"r_amplitude_mv": None}, {}, UNDETERMINED),
])
def test_right_ventricular_hypertrophy(axis, qrs, v1, v5, expected):
    m = normal({"V1": v1, "V5": v5, "V6": v5}, qrs_axis_deg=axis, qrs_duration_median_lead_ms=qrs)
    assert status(m, "RVH") == expected


# --- pathological Q waves -------------------------------------------------------------------------

def q(duration: float = 40.0, depth: float = -0.2) -> dict:
    return {"q_duration_ms": duration, "q_amplitude_mv": depth}


@pytest.mark.parametrize("leads, expected", [
    ({"II": q(), "aVF": q()}, {"IMI", "QWAVE"}),
    ({"II": q(30.0, -0.1), "III": q()}, {"IMI", "QWAVE"}),
    ({"II": q(29.9), "aVF": q()}, set()),
    ({"II": q(depth=-0.09), "aVF": q()}, set()),
    ({"II": q(), "V5": q()}, set()),                                           # not contiguous
    ({"V2": q(20.0, -0.06), "V3": q(20.0, -0.06)}, {"ASMI", "QWAVE"}),          # V2-V3: 20 ms is enough
    ({"V2": q(19.9, -0.3), "V3": q(25.0, -0.3)}, set()),
    ({"V3": q(), "V4": q()}, {"AMI", "QWAVE"}),
    ({"V4": q(), "V5": q()}, {"ALMI", "QWAVE"}),
    ({"I": q(), "aVL": q()}, {"LMI", "QWAVE"}),
    ({"I": q(), "aVL": q(), "V3": q(), "V4": q()}, {"AMI", "LMI", "ALMI", "QWAVE"}),
    ({"II": q(), "III": q(), "V5": q(), "V6": q()}, {"IMI", "LMI", "ILMI", "QWAVE"}),
])
def test_q_wave_infarction_by_territory(leads, expected):
    assert codes(normal(leads)) & MI == expected


def test_q_wave_evidence_names_duration_depth_leads_and_the_universal_definition():
    (found,) = [s for s in evaluate(normal({"II": q(), "aVF": q(36.0, -0.3)})) if s.code == "IMI"]
    assert found.name == "myocardial infarction in inferior leads"
    assert [(e.measure, e.value) for e in found.evidence] == [
        ("per_lead.II.q_duration_ms", 40.0), ("per_lead.II.q_amplitude_mv", -0.2),
        ("per_lead.aVF.q_duration_ms", 36.0), ("per_lead.aVF.q_amplitude_mv", -0.3)]
    assert all("Fourth universal definition of myocardial infarction" in e.source for e in found.evidence)


def test_q_waves_are_undetermined_with_a_wide_qrs_or_a_missing_lead():
    wide = normal({"II": q(), "aVF": q()}, qrs_duration_median_lead_ms=130.0)
    assert status(wide, "IMI") == UNDETERMINED and "confounds Q waves" in evaluate_all(wide)["IMI"].reason
    m = normal({"II": q()})
    del m.per_lead["aVF"], m.per_lead["III"]
    assert status(m, "IMI") == UNDETERMINED and status(m, "LMI") == ABSENT


# --- the Q duration each lead reports -------------------------------------------------------------

def one_lead_beat(*waves: tuple[float, int]) -> tuple[np.ndarray, Fiducials]:
    """100 ms of baseline, then consecutive raised-cosine waves (amplitude mV, samples), then 200 ms."""
    qrs = np.concatenate([amplitude * hann_pulse(n) for amplitude, n in waves])
    beat = np.concatenate([np.zeros(50), qrs, np.zeros(100)])[None, :]
    return beat, Fiducials(qrs_onset=50, qrs_offset=50 + qrs.size - 1)


@pytest.mark.parametrize("waves, expected_ms", [
    (((-0.3, 20), (1.0, 20), (-0.2, 10)), 40.0),     # qRs: a 40 ms Q
    (((-0.8, 45),), 90.0),                           # QS complex: all of it
    (((0.1, 10), (-0.8, 30)), 0.0),                  # rS: the negative wave is an S
    (((1.0, 30), (-0.3, 15)), 0.0),                  # Rs
])
def test_q_duration_per_lead(waves, expected_ms):
    beat, fiducials = one_lead_beat(*waves)
    (values,) = lead_measurements(beat, fiducials, 500.0)
    assert values.q_duration_ms == pytest.approx(expected_ms)


def test_each_lead_reports_its_own_qrs_inside_the_global_one():
    """A 60 ms R-s in the middle of a 120 ms global QRS (30 ms of flat lead on each side)."""
    own = np.concatenate([np.zeros(15), hann_pulse(20), -0.3 * hann_pulse(10), np.zeros(15)])
    beat = np.concatenate([np.zeros(50), own, np.zeros(100)])
    fiducials = Fiducials(qrs_onset=50, qrs_offset=50 + own.size - 1)
    wide, flat = lead_measurements(np.stack([beat, np.zeros_like(beat)]), fiducials, 500.0)
    assert wide.qrs_duration_ms == pytest.approx(60.0, abs=6.0) and flat.qrs_duration_ms == 0.0


# --- end to end: a synthetic 12-lead ECG with inferior Q waves ------------------------------------

def record_with_q_waves(q_leads: tuple[str, ...], fs: float = 500.0):
    """Ten beats at 60 bpm: P, then a 40 ms Q wave 0.5 mV deep in ``q_leads`` (a flat start in the
    others), a 30 ms R, a 20 ms S and T with the gains of tests/ecg/synthetic_waves.py."""
    from ecg.record import make_record
    from tests.ecg.synthetic_waves import LEADS, P_GAIN, R_GAIN, S_GAIN, T_GAIN

    q_gain = np.array([0.5 if lead in q_leads else 0.0 for lead in LEADS])
    n = lambda ms: int(ms * fs / 1000)  # noqa: E731
    parts = [(P_GAIN * 0.15, n(100)), (np.zeros(12), n(60)), (-q_gain, n(40)), (R_GAIN * 1.2, n(30)),
             (-S_GAIN * 0.8, n(20)), (np.zeros(12), n(80)), (T_GAIN * 0.3, n(180))]
    beat = np.concatenate([gain[:, None] * hann_pulse(length) for gain, length in parts], axis=1)
    signal = np.zeros((12, int(10 * fs)))
    for start in range(n(300), signal.shape[1] - beat.shape[1], n(1000)):
        signal[:, start:start + beat.shape[1]] += beat
    signal += np.random.default_rng(0).normal(0.0, 0.005, signal.shape)
    return make_record(signal.astype(np.float32), fs, list(LEADS), source="q-waves.npy", format="npy")


def test_measured_inferior_q_waves_make_an_inferior_infarction_statement():
    from ecg.measure import measure

    m = measure(record_with_q_waves(("II", "III", "aVF")))
    assert m.per_lead["II"].q_duration_ms >= 30.0 and m.per_lead["II"].q_amplitude_mv <= -0.3
    assert codes(m) & MI == {"IMI", "QWAVE"}
    assert not codes(measure(record_with_q_waves(()))) & MI

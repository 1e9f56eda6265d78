"""Signal quality: each synthetic defect is flagged on its lead, clean and real ECGs pass."""

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecg import make_record, read_ecg
from ecg.leads import STANDARD_LEADS
from ecg.preprocess import resample
from ecg.quality import assess_quality, swap_electrodes
from tests.conftest import synthetic_12lead

FS = 500
SETTLE_S = 2  # NeuroKit's simulator settles from a ~1 mV start transient in its first second


@pytest.fixture(scope="module")
def clean_ecg() -> np.ndarray:
    """10 s of a clean simulated 12-lead ECG in mV, in standard lead order."""
    signal, leads = synthetic_12lead(duration_s=10 + SETTLE_S)
    assert tuple(leads) == STANDARD_LEADS
    return signal[:, SETTLE_S * FS:].astype(np.float64)


def _record(signal: np.ndarray, leads=STANDARD_LEADS, fs=FS):
    return make_record(signal, fs, list(leads), source="synthetic.npy", format="npy")


def _time(n: int) -> np.ndarray:
    return np.arange(n) / FS


def _drift(x):
    return x + 1.5 * np.sin(2 * np.pi * 0.3 * _time(x.size))


def _hum_50(x):
    return x + 0.1 * np.sin(2 * np.pi * 50 * _time(x.size))


def _hum_60(x):
    return x + 0.05 * np.sin(2 * np.pi * 60 * _time(x.size))


def _burst(x):
    y = x.copy()
    y[2000:2300] += np.random.default_rng(3).normal(0, 0.3, 300)  # 0.6 s at 4 s
    return y


def _white_noise(x):
    return x + np.random.default_rng(4).normal(0, 0.08, x.size)


def _muscle_noise(x):
    """Electromyographic noise: white noise band-limited to 20-150 Hz, 0.05 mV RMS."""
    from scipy.signal import butter, sosfiltfilt

    band = sosfiltfilt(butter(4, (20, 150), "bandpass", fs=FS, output="sos"),
                       np.random.default_rng(8).standard_normal(x.size))
    return x + 0.05 * band / band.std()


def _flat(x):
    y = x.copy()
    y[1000:4000] = 0.0  # 6 s of a lost electrode
    return y


def _clipped(x):
    return np.clip(x, None, x.min() + 0.6 * np.ptp(x))


def _gap(x):
    y = x.copy()
    y[1500:2000] = np.nan
    return y


@pytest.mark.parametrize("defect, lead, problem", [
    (_drift, "V2", "baseline drift"),
    (_hum_50, "III", "power-line interference"),
    (_hum_60, "V6", "power-line interference"),
    (_burst, "aVL", "burst noise"),
    (_white_noise, "V4", "static noise"),
    (_muscle_noise, "V3", "static noise"),
    (_flat, "V5", "flat line"),
    (_clipped, "II", "clipping"),
    (_gap, "V1", "missing samples"),
])
def test_each_defect_is_flagged_on_its_lead(clean_ecg, defect, lead, problem):
    signal = clean_ecg.copy()
    row = STANDARD_LEADS.index(lead)
    signal[row] = defect(signal[row])
    report = assess_quality(_record(signal))
    flagged = [q.lead for q in report.leads if problem in [p.name for p in q.problems]]
    assert flagged == [lead]
    assert report.lead(lead).verdict in ("acceptable", "unusable")
    assert all(q.verdict == "good" for q in report.leads if q.lead != lead)
    assert report.verdict == "acceptable"


def test_clean_ecg_is_good(clean_ecg):
    report = assess_quality(_record(clean_ecg))
    assert report.verdict == "good"
    assert report.usable_leads == STANDARD_LEADS
    assert report.suspected_reversal is None


def test_line_frequency_is_reported(clean_ecg):
    signal = clean_ecg.copy()
    signal[2] = _hum_50(signal[2])
    report = assess_quality(_record(signal))
    assert report.line_frequency_hz == 50.0
    problem = next(p for p in report.lead("III").problems if p.name == "power-line interference")
    assert problem.value == pytest.approx(0.1, rel=0.15)  # the hum's amplitude in mV
    assert problem.ecgqa_attribute == "static noise"


def test_static_noise_grows_to_unusable(clean_ecg):
    signal = clean_ecg.copy()
    signal[9] += np.random.default_rng(5).normal(0, 0.4, signal.shape[1])
    report = assess_quality(_record(signal))
    assert report.lead("V4").verdict == "unusable"
    assert "V4" not in report.usable_leads and len(report.usable_leads) == 11


def test_flat_line_over_most_of_the_lead_is_unusable(clean_ecg):
    signal = clean_ecg.copy()
    signal[10] = 0.002 * np.random.default_rng(6).standard_normal(signal.shape[1])  # amplifier noise
    report = assess_quality(_record(signal))
    assert report.lead("V5").verdict == "unusable"
    assert report.lead("V5").ecgqa_attributes == ("electrodes problems",)


def test_baseline_drift_amplitude_is_measured(clean_ecg):
    signal = clean_ecg.copy()
    signal[7] = _drift(signal[7])
    problem = next(p for p in assess_quality(_record(signal)).lead("V2").problems)
    assert problem.name == "baseline drift" and problem.value == pytest.approx(3.0, rel=0.1)


def test_clipping_share_is_measured(clean_ecg):
    signal = clean_ecg.copy()
    signal[1] = _clipped(signal[1])
    problem = next(p for p in assess_quality(_record(signal)).lead("II").problems)
    clipped = np.isclose(signal[1], signal[1].max()).mean()
    assert problem.name == "clipping" and problem.value == pytest.approx(clipped, rel=0.2)


def test_all_leads_unusable_makes_the_record_unusable(clean_ecg):
    noisy = clean_ecg + np.random.default_rng(7).normal(0, 0.5, clean_ecg.shape)
    report = assess_quality(_record(noisy))
    assert report.verdict == "unusable" and report.usable_leads == ()


def _dipole_12lead(axis_deg: float = 45.0) -> np.ndarray:
    """A physiologically oriented 12-lead ECG: one simulated lead projected on leads I and II
    (P, QRS and T share the axis), the other limb leads by Einthoven's and Goldberger's laws."""
    import neurokit2 as nk

    wave = nk.ecg_simulate(duration=10 + SETTLE_S, sampling_rate=FS, heart_rate=70, method="ecgsyn",
                           noise=0.0, random_state=2)[SETTLE_S * FS:]
    lead_i, lead_ii = (np.cos(np.radians(angle - axis_deg)) * wave for angle in (0, 60))
    limb = [lead_i, lead_ii, lead_ii - lead_i, -(lead_i + lead_ii) / 2, lead_i - lead_ii / 2,
            lead_ii - lead_i / 2]
    precordial = [scale * wave for scale in (-0.6, -0.2, 0.5, 1.0, 1.0, 0.8)]
    return np.stack(limb + precordial)


@pytest.mark.parametrize("pair", ["LA/RA", "RA/LL"])
def test_limb_electrode_reversal_is_suspected(pair):
    signal = _dipole_12lead()
    assert assess_quality(_record(signal)).suspected_reversal is None
    report = assess_quality(_record(swap_electrodes(signal, STANDARD_LEADS, pair)))
    assert report.suspected_reversal == pair
    assert report.verdict == "acceptable"
    untouched = {"LA/RA": "aVF", "RA/LL": "aVL"}[pair]
    for lead in ("I", "II", "III", "aVR", "aVL", "aVF"):
        names = [p.name for p in report.lead(lead).problems]
        assert ("suspected electrode reversal" in names) == (lead != untouched)


def test_swapping_electrodes_twice_restores_the_leads():
    signal = _dipole_12lead()
    for pair in ("LA/RA", "RA/LL", "LA/LL"):
        twice = swap_electrodes(swap_electrodes(signal, STANDARD_LEADS, pair), STANDARD_LEADS, pair)
        np.testing.assert_allclose(twice, signal, atol=1e-9)
    la_ra = swap_electrodes(signal, STANDARD_LEADS, "LA/RA")
    np.testing.assert_allclose(la_ra[0], -signal[0], atol=1e-9)      # lead I inverted
    np.testing.assert_allclose(la_ra[3], signal[4], atol=1e-9)       # aVR and aVL exchanged


def test_real_example_is_usable_and_its_reversal_is_found(example_hea):
    record = read_ecg(example_hea)
    report = assess_quality(record)
    assert report.verdict in ("good", "acceptable")
    assert len(report.usable_leads) == 12
    assert report.suspected_reversal is None
    swapped = record.with_signal(swap_electrodes(record.signal, record.leads, "LA/RA"))
    assert assess_quality(swapped).suspected_reversal == "LA/RA"


def test_report_is_json_ready(clean_ecg):
    signal = clean_ecg.copy()
    signal[0] = _gap(_hum_50(signal[0]))
    data = json.loads(json.dumps(assess_quality(_record(signal)).to_dict()))
    assert data["verdict"] == "acceptable" and data["line_frequency_hz"] == 50.0
    lead_i = data["leads"]["I"]
    assert {p["name"] for p in lead_i["problems"]} == {"missing samples", "power-line interference"}
    assert lead_i["ecgqa_noise"] == ["static noise"]
    assert set(lead_i["measures"]) >= {"missing_share", "baseline_drift_mv", "noise_mv", "clipped_share"}


def test_short_and_few_lead_records_are_assessed(clean_ecg):
    report = assess_quality(_record(clean_ecg[6:8, :FS], leads=("V1", "V2")))
    assert [q.lead for q in report.leads] == ["V1", "V2"]
    assert report.suspected_reversal is None


@pytest.mark.parametrize("fs", [50, 100, 250, 1000])
def test_clean_ecg_is_good_at_other_sampling_rates(clean_ecg, fs):
    signal, new_fs = resample(clean_ecg, FS, fs)
    report = assess_quality(_record(signal, fs=new_fs))
    assert report.verdict == "good", report.to_dict()


def test_a_record_without_any_signal_is_unusable_without_error():
    flat = np.full((12, 10 * FS), 0.2)
    report = assess_quality(_record(flat))
    assert report.verdict == "unusable" and report.suspected_reversal is None
    assert all(q.problems[0].name == "flat line" for q in report.leads)


def test_drift_is_measured_within_ten_second_stretches(clean_ecg):
    signal = np.tile(clean_ecg[:2], 6)  # 60 s of two leads
    t = np.arange(signal.shape[1]) / FS
    signal[0] += 0.04 * t                                   # slow 2.4 mV climb: 0.4 mV per 10 s
    signal[1, 40 * FS: 50 * FS] += 1.0 * np.sin(2 * np.pi * 0.1 * t[: 10 * FS])  # one bump
    report = assess_quality(_record(signal, leads=("I", "II")))
    assert report.lead("I").measures["baseline_drift_mv"] == pytest.approx(0.4, abs=0.1)
    assert report.lead("I").verdict == "good"
    assert report.lead("II").measures["baseline_drift_mv"] == pytest.approx(2.0, rel=0.15)


def test_long_records_are_judged_on_their_first_minutes(clean_ecg):
    signal = np.tile(clean_ecg[6:8], 40)  # 400 s of V1, V2
    report = assess_quality(_record(signal, leads=("V1", "V2")))
    assert report.assessed_s == 300.0 and report.to_dict()["assessed_s"] == 300.0
    assert report.verdict == "good"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(fs=st.sampled_from([50.0, 128.0, 360.0, 500.0]), seconds=st.floats(1.0, 12.0),
       n_leads=st.integers(1, 12), scale=st.floats(0.0, 5.0), gap=st.floats(0.0, 0.45),
       seed=st.integers(0, 2**16))
def test_any_valid_record_gets_a_report(fs, seconds, n_leads, scale, gap, seed):
    rng = np.random.default_rng(seed)
    n = int(seconds * fs)
    signal = scale * rng.standard_normal((n_leads, n)).cumsum(axis=1) / np.sqrt(n)
    signal[:, : int(gap * n)] = np.nan
    signal[0, -1] = 0.0  # every lead keeps a sample
    record = _record(signal, STANDARD_LEADS[:n_leads], fs)  # I and II bring the other limb leads
    report = assess_quality(record)
    assert report.verdict in ("good", "acceptable", "unusable")
    assert tuple(q.lead for q in report.leads) == record.leads
    json.dumps(report.to_dict(), allow_nan=False)


@pytest.mark.parametrize("burst_rms_mv, unusable", [(0.08, False), (0.4, True)])
def test_bursts_over_a_third_of_the_record_make_a_lead_unusable_only_when_loud(clean_ecg, burst_rms_mv, unusable):
    """A lead with muscle-noise bursts of 0.08 mV RMS over 40 % of it was called unusable (LUDB
    records with such bursts on every lead had no beats at all); its QRS and most P waves are
    still readable. Bursts as loud as unusable static noise still make it unusable."""
    signal = clean_ecg.copy()
    t = _time(signal.shape[1])
    on = t < 0.4 * t[-1]
    signal[3] += on * np.random.default_rng(6).normal(0, burst_rms_mv, signal.shape[1])
    report = assess_quality(_record(signal))
    assert "burst noise" in [p.name for p in report.lead("aVR").problems]
    assert ("aVR" not in report.usable_leads) is unusable

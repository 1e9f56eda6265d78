"""Preprocessing: gap filling, resampling, baseline removal, power-line notch, clean()."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ecg import ECGError, make_record
from ecg.preprocess import (MAX_FILLED_GAP_S, CleanOptions, bandpass, clean, clean_signal,
                            detect_line_frequency, fill_gaps, notch_line, remove_baseline, resample)
from tests.conftest import synthetic_12lead

FS = 500


def _dominant_frequency(x: np.ndarray, fs: float) -> float:
    spectrum = np.abs(np.fft.rfft(x - x.mean()))
    return float(np.fft.rfftfreq(x.size, 1 / fs)[np.argmax(spectrum)])


def _sine(frequency, fs=FS, seconds=10.0, amplitude=1.0):
    t = np.arange(int(seconds * fs)) / fs
    return amplitude * np.sin(2 * np.pi * frequency * t)


@pytest.fixture(scope="module")
def ecg():
    signal, _ = synthetic_12lead()
    return signal.astype(np.float64)


@pytest.mark.parametrize("target", [100.0, 250.0, 360.0, 1000.0, 257.3])
def test_resampling_keeps_duration_and_frequency(target):
    x = np.stack([_sine(7.0), _sine(11.0)])
    y, fs = resample(x, FS, target)
    assert fs == pytest.approx(target, rel=1e-3)
    assert y.shape[1] / fs == pytest.approx(10.0, abs=1.5 / fs)
    assert _dominant_frequency(y[0], fs) == pytest.approx(7.0, abs=0.11)
    assert _dominant_frequency(y[1], fs) == pytest.approx(11.0, abs=0.11)
    middle = slice(y.shape[1] // 4, 3 * y.shape[1] // 4)
    assert np.abs(y[0, middle]).max() == pytest.approx(1.0, abs=0.02)


def test_resampling_keeps_gaps_in_place():
    x = _sine(5.0)[None, :]
    x[0, 2000:2500] = np.nan  # 4.0-5.0 s
    y, fs = resample(x, FS, 250.0)
    missing = np.flatnonzero(np.isnan(y[0])) / fs
    assert missing.min() == pytest.approx(4.0, abs=0.01) and missing.max() == pytest.approx(5.0, abs=0.01)


def test_resampling_to_a_nonsense_rate_is_an_ecg_error():
    with pytest.raises(ECGError, match="resample"):
        resample(np.zeros((1, 1000)), FS, 0)


def test_fill_gaps_bridges_short_runs_and_keeps_long_ones():
    x = np.arange(2000, dtype=float)[None, :]
    x[0, 100:150] = np.nan    # 0.1 s: bridged
    x[0, 500:1000] = np.nan   # 1 s: kept
    x[0, :3] = np.nan         # leading gap: nearest value
    y = fill_gaps(x, FS)
    np.testing.assert_allclose(y[0, 100:150], np.arange(100, 150))
    assert np.isnan(y[0, 500:1000]).all()
    np.testing.assert_allclose(y[0, :3], 3.0)
    assert np.isnan(x[0, 100])  # the input is left alone


def test_filters_keep_nan_where_it_was(ecg):
    x = ecg.copy()
    x[3, 1000:1800] = np.nan
    for y in (remove_baseline(x, FS), bandpass(x, FS), notch_line(x, FS, 50.0)):
        np.testing.assert_array_equal(np.isnan(y), np.isnan(x))


def test_baseline_removal_kills_drift_and_keeps_qrs_amplitude():
    n = 10 * FS
    spikes = np.zeros(n)
    t = np.arange(-25, 26) / FS
    for beat in range(250, n - 250, 430):  # 1 mV QRS-like Gaussians, 8 ms wide, at 70 bpm
        spikes[beat - 25: beat + 26] += np.exp(-0.5 * (t / 0.008) ** 2)
    drift = 1.0 * np.sin(2 * np.pi * 0.2 * np.arange(n) / FS + 0.3)
    cleaned = remove_baseline((spikes + drift)[None, :], FS)[0]
    residual = cleaned - remove_baseline(spikes[None, :], FS)[0]
    assert np.abs(residual[FS:-FS]).max() < 0.05  # the 1 mV drift is cut below 5 %
    amplitudes = [cleaned[b] - np.median(cleaned[b - 100: b + 100]) for b in range(250, n - 250, 430)]
    assert np.abs(np.array(amplitudes) - 1.0).max() < 0.03  # QRS above its local baseline within 3 %


@pytest.mark.parametrize("line_hz", [50.0, 60.0])
def test_line_frequency_is_detected_and_notched(ecg, line_hz):
    hum = 0.1 * np.sin(2 * np.pi * line_hz * np.arange(ecg.shape[1]) / FS)
    noisy = ecg + hum
    assert detect_line_frequency(noisy, FS) == line_hz
    removed = notch_line(noisy, FS) - ecg
    assert np.abs(removed[:, FS:-FS]).max() < 0.01   # 0.1 mV hum down to < 10 uV


def test_line_frequency_is_none_without_interference_or_below_nyquist(ecg):
    assert detect_line_frequency(ecg, FS) is None
    np.testing.assert_allclose(notch_line(ecg, FS), ecg)
    low_rate = ecg[:, ::5] + _sine(50.0, fs=100)[None, :] * 0.1
    assert detect_line_frequency(low_rate, 100) is None


def test_harmonics_are_notched_when_they_stand_out(ecg):
    t = np.arange(ecg.shape[1]) / FS
    noisy = ecg + 0.1 * np.sin(2 * np.pi * 50 * t) + 0.05 * np.sin(2 * np.pi * 150 * t)
    removed = notch_line(noisy, FS) - ecg
    assert np.abs(removed[:, FS:-FS]).max() < 0.01


def test_clean_returns_a_new_record(ecg):
    signal = ecg.copy()
    signal[0, 100:120] = np.nan  # 40 ms: bridged
    record = make_record(signal, FS, ["I", "II", "III", "aVR", "aVL", "aVF",
                                      "V1", "V2", "V3", "V4", "V5", "V6"], source="x.npy", format="npy")
    cleaned = clean(record)
    assert cleaned.leads == record.leads and cleaned.fs == FS and cleaned.source == "x.npy"
    assert cleaned.signal.dtype == np.float32 and not np.isnan(cleaned.signal).any()
    assert np.isnan(record.signal[0, 110])
    resampled = clean(record, CleanOptions(target_fs=250, lowpass_hz=100.0))
    assert resampled.fs == 250 and resampled.n_samples == record.n_samples // 2


def test_cutoff_above_nyquist_is_an_ecg_error(ecg):
    with pytest.raises(ECGError, match="outside 0-50 Hz"):
        bandpass(ecg[:, ::5], 100, 0.5, 60.0)


def _beats_with_st(st_mv: float, n: int = 10 * FS, rr: int = 428) -> tuple[np.ndarray, list[int]]:
    """P, QRS, a flat ST segment shifted by ``st_mv`` from J to 200 ms, and T, at 70 bpm."""
    x = np.zeros(n)
    beats = list(range(FS // 2, n - FS // 2, rr))
    for beat in beats:
        t = (np.arange(n) - beat) / FS
        x += 0.15 * np.exp(-0.5 * ((t + 0.16) / 0.02) ** 2)
        x += 1.2 * np.exp(-0.5 * (t / 0.01) ** 2) - 0.2 * np.exp(-0.5 * ((t - 0.025) / 0.008) ** 2)
        x[(t > 0.04) & (t < 0.20)] += st_mv
        x += 0.3 * np.exp(-0.5 * ((t - 0.28) / 0.04) ** 2)
    return x, beats


@pytest.mark.parametrize("st_mv", [0.0, 0.2, -0.2])
def test_baseline_removal_keeps_the_st_level(st_mv):
    x, beats = _beats_with_st(st_mv)
    y = remove_baseline(x[None, :], FS)[0]

    def st_level(s, beat):  # J+60 ms against the PR segment
        return s[beat + int(0.10 * FS)] - s[beat - int(0.07 * FS)]

    assert np.median([st_level(y, b) for b in beats[1:-1]]) == pytest.approx(st_mv, abs=0.01)


@settings(max_examples=30, deadline=None)
@given(fs=st.sampled_from([50.0, 100.0, 128.0, 250.0, 360.0, 500.0, 1000.0]),
       target=st.one_of(st.none(), st.sampled_from([100.0, 250.0, 500.0])),
       seconds=st.floats(1.0, 12.0), gap_s=st.floats(0.0, 1.0), seed=st.integers(0, 2**16))
def test_clean_signal_handles_any_rate_and_gap(fs, target, seconds, gap_s, seed):
    rng = np.random.default_rng(seed)
    n = int(seconds * fs)
    x = rng.standard_normal((3, n)).cumsum(axis=1) * 0.01
    x[1, n // 3: n // 3 + int(gap_s * fs)] = np.nan
    y, new_fs = clean_signal(x, fs, CleanOptions(target_fs=target))
    assert new_fs == (target or fs)
    assert y.shape == (3, pytest.approx(n * new_fs / fs, abs=1))
    assert np.isfinite(y[[0, 2]]).all()
    assert np.isnan(y[1]).any() == (int(gap_s * fs) > round(MAX_FILLED_GAP_S * fs))

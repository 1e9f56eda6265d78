"""R-peak detection and pacing spikes on synthetic and vendored LUDB records."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import wfdb

from ecg.beats import inside_record
from ecg.io import read_ecg
from ecg.pacing import detect_pacing_spikes, remove_pacing_spikes
from ecg.rpeaks import detect_rpeaks
from tests.conftest import synthetic_12lead
from tests.ecg.measured import measure_signal, stated_codes
from tests.ecg.synthetic_waves import LEADS, WaveTimes, synthetic_record

LUDB = Path(__file__).resolve().parents[1] / "fixtures" / "ludb"


def _matches(found: np.ndarray, truth: np.ndarray, tolerance: int) -> tuple[int, int]:
    """(true beats found within tolerance, detections that match no true beat)."""
    hits = sum(np.min(np.abs(found - t)) <= tolerance for t in truth) if found.size else 0
    extra = sum(np.min(np.abs(truth - f)) > tolerance for f in found)
    return int(hits), int(extra)


def test_every_beat_of_a_regular_record_is_found_once():
    signal, onsets = synthetic_record()
    peaks = detect_rpeaks(signal.astype(float), 500.0)
    assert _matches(peaks, onsets, tolerance=50) == (len(onsets), 0)


def test_neurokit_simulated_12_lead_rate_is_recovered():
    signal, _ = synthetic_12lead(duration_s=10.0, heart_rate=70)
    peaks = detect_rpeaks(signal.astype(float), 500.0)
    assert 60_000 / np.mean(np.diff(peaks) / 500.0 * 1000) == pytest.approx(70, abs=3)


def test_irregular_rhythm_without_p_waves_loses_no_beat():
    rng = np.random.default_rng(3)
    signal, onsets = synthetic_record(rr_s=list(rng.uniform(0.4, 1.2, 16)), with_p=False)
    assert _matches(detect_rpeaks(signal.astype(float), 500.0), onsets, 50) == (len(onsets), 0)


def test_noise_wander_and_mains_do_not_add_or_lose_beats():
    signal, onsets = synthetic_record(noise_mv=0.05, seed=2)
    t = np.arange(signal.shape[1]) / 500.0
    disturbed = signal + 0.5 * np.sin(2 * np.pi * 0.3 * t) + 0.1 * np.sin(2 * np.pi * 50 * t)
    assert _matches(detect_rpeaks(disturbed, 500.0), onsets, 50) == (len(onsets), 0)


@pytest.mark.parametrize("seed", [1, 2, 5])
def test_noise_in_a_long_pause_is_not_a_beat(seed):
    """Seeds on which search-back took a noise peak in the 3 s pause for a beat before the gap's
    own noise level was asked."""
    signal, onsets = synthetic_record(rr_s=[1.2] * 4 + [3.0] + [1.2] * 3, seed=seed)
    noisy = signal + np.random.default_rng(seed).normal(0.0, 0.08, signal.shape)
    assert _matches(detect_rpeaks(noisy, 500.0), onsets, 50) == (len(onsets), 0)


@pytest.mark.parametrize("noise_mv, seed", [(0.05, 13), (0.05, 17), (0.08, 8)])
def test_noise_seen_in_one_lead_of_a_long_pause_is_not_a_beat(noise_mv, seed):
    """Seeds on which one lead's noise stood 5-7 x above its gap while the next lead's stayed
    below 3 x: search-back took it for a beat before it asked for a second lead."""
    signal, onsets = synthetic_record(rr_s=[1.2] * 4 + [3.0] + [1.2] * 3, seed=seed)
    noisy = signal + np.random.default_rng(seed).normal(0.0, noise_mv, signal.shape)
    assert _matches(detect_rpeaks(noisy, 500.0), onsets, 50) == (len(onsets), 0)


def test_a_burst_in_the_lead_with_the_smallest_qrs_is_not_a_beat():
    signal, onsets = synthetic_record(rr_s=[1.2] * 4 + [3.0] + [1.2] * 3)
    signal = signal.astype(float)
    avl, middle = LEADS.index("aVL"), (onsets[4] + onsets[5]) // 2  # aVL's QRS is about 0.1 mV here
    signal[avl, middle:middle + 40] += 0.05 * np.sin(2 * np.pi * 25 * np.arange(40) / 500.0)
    assert _matches(detect_rpeaks(signal, 500.0), onsets, 50) == (len(onsets), 0)


def test_a_spike_in_one_lead_is_not_a_beat():
    """As PTB-XL 5516 (subset): a sharp deflection in V2 alone, between two beats, made a false
    premature ventricular beat and turned the next beat into a premature atrial one."""
    signal, onsets = synthetic_record(rr_s=[0.8] * 11)
    signal = signal.astype(float)
    v2, middle = LEADS.index("V2"), (onsets[4] + onsets[5]) // 2
    signal[v2, middle:middle + 20] -= 2.0 * np.hanning(20)
    assert _matches(detect_rpeaks(signal, 500.0), onsets, 50) == (len(onsets), 0)
    assert not stated_codes(measure_signal(signal)) & {"PVC", "PAC"}


def test_a_beat_seen_in_one_of_two_leads_is_a_beat():
    """Two-lead Holter records keep the one-lead rule (MIT-BIH 100 has 4 beats of 2,262 seen in one
    of its two leads only)."""
    signal, onsets = synthetic_record(rr_s=[0.8] * 11)
    two_leads = signal[[LEADS.index("II"), LEADS.index("V5")]].astype(float)
    two_leads[1, onsets[5] - 100:onsets[5] + 300] = 0.0   # V5 loses contact for one beat
    assert _matches(detect_rpeaks(two_leads, 500.0), onsets, 50) == (len(onsets), 0)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_search_back_finds_a_small_beat_in_a_noisy_gap(seed):
    signal, onsets = synthetic_record(rr_s=[1.0] * 11, seed=seed)
    signal = signal.astype(float)
    signal[:, onsets[5] - 100:onsets[5] + 300] *= 0.35  # below the first pass's threshold
    noisy = signal + np.random.default_rng(seed).normal(0.0, 0.05, signal.shape)
    assert _matches(detect_rpeaks(noisy, 500.0), onsets, 50) == (len(onsets), 0)


def test_search_back_finds_a_small_beat_on_a_single_lead():
    signal, onsets = synthetic_record(rr_s=[1.0] * 11)
    lead_ii = signal[1:2].astype(float)
    lead_ii[:, onsets[5] - 100:onsets[5] + 300] *= 0.35
    noisy = lead_ii + np.random.default_rng(0).normal(0.0, 0.05, lead_ii.shape)
    assert _matches(detect_rpeaks(noisy, 500.0), onsets, 50) == (len(onsets), 0)


def test_one_flat_lead_does_not_hide_the_others():
    signal, onsets = synthetic_record()
    signal = signal.astype(float)
    signal[3] = 0.0
    assert _matches(detect_rpeaks(signal, 500.0), onsets, 50) == (len(onsets), 0)


def test_a_tall_p_wave_close_before_its_qrs_is_not_a_beat():
    """LUDB 72: P waves a quarter of the QRS envelope, 220 ms before paced QRS complexes."""
    times = WaveTimes(pr=0.22)
    with_p, onsets = synthetic_record(times=times)
    without_p, _ = synthetic_record(times=times, with_p=False)
    tall_p = without_p + 8.0 * (with_p - without_p)  # P waves up to 1.2 mV
    assert _matches(detect_rpeaks(tall_p.astype(float), 500.0), onsets, 50) == (len(onsets), 0)


def test_a_flat_record_has_no_beats():
    assert detect_rpeaks(np.zeros((2, 5000)), 500.0).size == 0


def test_pacing_spikes_are_found_and_cut_out():
    signal, onsets = synthetic_record()
    signal = signal.astype(float)
    spikes = onsets - 10  # 20 ms before each QRS
    signal[:, spikes] += 3.0
    found = detect_pacing_spikes(signal, 500.0)
    np.testing.assert_array_equal(found, spikes)
    cleaned = remove_pacing_spikes(signal, found, 500.0)
    assert np.abs(cleaned[:, spikes]).max() < 0.5


def test_small_pulses_locked_before_each_qrs_are_spikes():
    signal, onsets = synthetic_record(noise_mv=0.02)
    signal = signal.astype(float)
    curvature = np.abs(np.diff(signal, n=2, axis=-1)).sum(axis=0)
    pulse = 4.0 * np.percentile(curvature, 99) / (2 * signal.shape[0])  # below the lone-spike rule
    spikes = onsets - 25  # 50 ms before each QRS
    signal[:, spikes] += pulse
    found = detect_pacing_spikes(signal, 500.0)
    assert _matches(found, spikes, tolerance=1) == (len(spikes), 0)


def test_one_small_pulse_is_not_a_pacemaker():
    signal, onsets = synthetic_record(noise_mv=0.02)
    signal = signal.astype(float)
    curvature = np.abs(np.diff(signal, n=2, axis=-1)).sum(axis=0)
    signal[:, onsets[3] - 25] += 4.0 * np.percentile(curvature, 99) / (2 * signal.shape[0])
    assert detect_pacing_spikes(signal, 500.0).size == 0


def test_no_spikes_in_a_record_without_pacemaker():
    signal, _ = synthetic_record(noise_mv=0.02)
    assert detect_pacing_spikes(signal.astype(float), 500.0).size == 0


@pytest.mark.parametrize("name", ["2", "44", "74"])
def test_ludb_beats_match_the_expert_qrs_annotations(name):
    record = read_ecg(LUDB / f"{name}.hea")
    annotation = wfdb.rdann(str(LUDB / name), "ii")
    truth = np.array([s for s, sym in zip(annotation.sample, annotation.symbol) if sym == "N"])
    found = detect_rpeaks(record.signal.astype(float), record.fs)
    annotated = found[(found > truth.min() - 100) & (found < truth.max() + 100)]
    hits, extra = _matches(annotated, truth, tolerance=50)
    assert hits == len(truth) and extra == 0


def test_low_sampling_rate_keeps_what_it_can():
    """50 Hz is the lowest rate a reader accepts; the QRS band is cut below its Nyquist rate."""
    import neurokit2 as nk

    signal = np.asarray(nk.ecg_simulate(duration=10, sampling_rate=50, heart_rate=60, random_state=3))
    peaks = detect_rpeaks(signal[None, :], 50)
    assert 8 <= len(peaks) <= 12


@pytest.mark.parametrize("seed", [0, 1, 74])
def test_white_noise_does_not_lift_the_t_waves_of_a_paced_record_into_beats(seed):
    """LUDB 74 (paced, broad T waves) with 50 uV of white noise: the noise raises the whole
    envelope, and its T waves crossed a threshold set as a fraction of the typical beat alone (6
    to 9 extra "beats" 450 ms after the paced ones); the threshold now stands that fraction of
    the way from the envelope's floor (its median) to the typical beat."""
    record = read_ecg(LUDB / "74.hea")
    n = record.signal.shape[-1]
    clean = inside_record(detect_rpeaks(record.signal.astype(float), record.fs), n, record.fs)
    noise = np.random.default_rng(seed).normal(0.0, 0.05, record.signal.shape)
    found = inside_record(detect_rpeaks(record.signal + noise, record.fs), n, record.fs)
    hits, extra = _matches(found, clean, tolerance=25)
    assert hits == len(clean) and extra == 0

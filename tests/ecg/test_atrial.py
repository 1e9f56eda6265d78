"""Atrial activity outside the QRS: flutter waves get their rate, fibrillation and sinus P do not."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ecg.atrial import atrial_activity, outside_qrs
from ecg.beats import find_beats, median_beat
from ecg.delineate import delineate
from ecg.io import read_ecg
from ecg.measure import measure
from ecg.rpeaks import detect_rpeaks
from ecg.thresholds import ATRIAL_PERIODIC_MIN_CORRELATION
from tests.ecg.measured import measure_signal, stated_codes
from tests.ecg.synthetic_waves import (LEADS, WaveTimes, fibrillation_waves, flutter_record, lead_ii_resampled,
                                       sinus_pause_record, synthetic_record)

LUDB = Path(__file__).resolve().parents[1] / "fixtures" / "ludb"
PERIODIC = ATRIAL_PERIODIC_MIN_CORRELATION.value
RHYTHMS_OF_P_WAVES = {"AFIB", "SR", "SARRH", "SBRAD", "STACH"}
VARIABLE = (4, 3, 4, 4, 5, 3, 4, 3, 4, 5, 4, 3, 4)


@pytest.mark.parametrize("rate, ratios", [
    (260.0, VARIABLE), (280.0, VARIABLE), (340.0, VARIABLE),
    (260.0, (2,) * 20), (300.0, (2,) * 20), (340.0, (2,) * 20),
    (260.0, (4,) * 12), (280.0, (4,) * 12), (260.0, (3,) * 14)])
def test_flutter_waves_give_the_atrial_rate_and_no_p_waves(rate, ratios):
    """Variable and fixed (2:1, 3:1, 4:1) conduction: F waves keep a fixed time to each QRS.
    The rate runs up to 6 % off where T waves share the signal (benchmarks/atrial.py)."""
    m = measure_signal(flutter_record(rate, ratios))
    assert m.atrial_rate_bpm == pytest.approx(rate, rel=0.07)
    assert m.atrial_periodicity >= PERIODIC
    assert m.p_wave_present_share == 0.0 and m.p_duration_ms is None and m.pr_interval_ms is None
    assert "regular atrial waves" in m.notes["pr_interval_ms"]
    found = stated_codes(m)
    assert "AFLT" in found and not found & RHYTHMS_OF_P_WAVES


def test_flutter_is_measured_on_one_lead_at_holter_rates():
    """Lead II alone carries the largest T waves: 260/min at 2:1 (periodicity 0.94) is read; 300/min
    at 2:1 (0.69) and 280/min with variable conduction (0.70) fall just short."""
    signal = flutter_record(260.0, (2,) * 20)
    for fs, lead_ii in lead_ii_resampled(signal):
        m = measure_signal(lead_ii, fs=fs, leads=["II"])
        assert m.atrial_rate_bpm == pytest.approx(260.0, rel=0.03), fs
        assert "AFLT" in stated_codes(m), fs


def test_fibrillatory_waves_are_not_regular():
    rng = np.random.default_rng(7)
    signal, _ = synthetic_record(rr_s=list(rng.uniform(0.45, 1.1, 14)), with_p=False)
    m = measure_signal(signal + fibrillation_waves(signal.shape[1], 500.0))
    assert m.atrial_periodicity < PERIODIC
    assert m.atrial_rate_bpm is None and "atrial fibrillation" in m.notes["atrial_rate_bpm"]
    found = stated_codes(m)
    assert "AFIB" in found and "AFLT" not in found


@pytest.mark.parametrize("rr_s, qt_s", [(1.0, 0.42), (0.8, 0.40), (0.6, 0.34), (0.5, 0.30)])
def test_sinus_rhythm_keeps_its_p_waves_and_rate(rr_s, qt_s):
    """Noise-free synthetic beats repeat exactly, so their periodicity can pass the threshold at
    fast rates (0.77 at 100/min); the lag must then also fit the ventricular rate, and it does not."""
    signal, _ = synthetic_record(rr_s=[rr_s] * int(9 / rr_s), times=WaveTimes(qt=qt_s))
    m = measure_signal(signal)
    assert m.p_wave_present_share == 1.0 and m.atrial_rate_bpm == pytest.approx(m.heart_rate_bpm)
    assert "AFLT" not in stated_codes(m)


def _beats_and_fiducials(signal: np.ndarray, fs: float = 500.0):
    beats = find_beats(signal, detect_rpeaks(signal, fs), fs, np.array([], dtype=int))
    template = median_beat(beats.epochs, beats.dominant)
    return beats, delineate(template, beats.r_index, fs, float(np.median(np.diff(beats.r_peaks))), None)


def test_sinus_tachycardia_is_not_read_as_flutter():
    """At 150/min the P and T waves repeat at a lag of 172 ms (349/min, periodicity 0.82); a regular
    rhythm's atrial cycle is read only at whole fractions of its RR."""
    signal, _ = synthetic_record(rr_s=[0.4] * 22, times=WaveTimes(qt=0.28))
    m = measure_signal(signal)
    assert "AFLT" not in stated_codes(m)
    assert m.atrial_periodicity is None and "whole multiple" in m.notes["atrial_periodicity"]


@pytest.mark.parametrize("sinus_bpm, cycles", [(95.0, 2.0), (95.0, 2.5), (98.0, 2.0)])
def test_a_sinus_pause_does_not_free_the_atrial_cycle(sinus_bpm, cycles):
    """One pause makes the RRs irregular, but the rhythm outside it is regular: its atrial cycle
    is read at whole fractions of that rhythm's RR. Read at any lag, these near noise-free sinus
    beats repeated at 263-273/min (periodicity 0.70-0.71) and read as flutter."""
    m = measure_signal(sinus_pause_record(sinus_bpm, cycles))
    assert "AFLT" not in stated_codes(m) and "SR" in stated_codes(m)
    assert m.atrial_periodicity < PERIODIC


def test_too_little_signal_outside_the_qrs_gives_no_atrial_activity():
    signal, _ = synthetic_record(rr_s=[0.8] * 3, noise_mv=0.0)
    signal = signal.astype(np.float64)
    beats, fiducials = _beats_and_fiducials(signal)
    assert atrial_activity(signal, list(LEADS), beats, fiducials, 500.0) is not None
    assert atrial_activity(signal[:, :700], list(LEADS), beats, fiducials, 500.0) is None


def test_the_mask_covers_every_qrs_and_the_qrs_t_of_other_beats():
    fs = 500.0
    signal, onsets = synthetic_record(rr_s=[0.8, 0.8, 0.5, 1.1, 0.8, 0.8, 0.8], wide_beats=(3,), noise_mv=0.0)
    beats, fiducials = _beats_and_fiducials(signal.astype(np.float64))
    outside = outside_qrs(signal.shape[1], beats, fiducials, fs)
    narrow_qrs = int(0.09 * fs)
    for k, onset in enumerate(onsets):
        assert not outside[onset:onset + narrow_qrs].any(), k
    wide_t = slice(onsets[3] + int(0.2 * fs), onsets[3] + int(0.4 * fs))  # its ST-T
    assert not outside[wide_t].any()
    between = slice(onsets[1] + int(0.55 * fs), onsets[2] - int(0.25 * fs))  # after T, before P
    assert outside[between].all()


def test_ludb_flutter_record():
    """LUDB 52 (typical flutter, variable conduction): F waves about 222 ms apart."""
    m = measure(read_ecg(LUDB / "52.hea"))
    assert m.atrial_rate_bpm == pytest.approx(270.0, abs=10)
    found = stated_codes(m)
    assert "AFLT" in found and not found & RHYTHMS_OF_P_WAVES


@pytest.mark.parametrize("record", ["2", "44", "62"])
def test_ludb_records_without_flutter(record):
    assert "AFLT" not in stated_codes(measure(read_ecg(LUDB / f"{record}.hea")))

"""P waves apart from the QRS: complete AV block gets its atrial rate, locked P waves and
fibrillation do not."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ecg.beats import find_beats, median_beat
from ecg.criteria import PRESENT, UNDETERMINED, evaluate_all
from ecg.delineate import delineate
from ecg.dissociation import beat_locked, cancel_qrst, dissociated_p_waves, shortest_peak
from ecg.io import read_ecg
from ecg.measure import measure
from ecg.rpeaks import detect_rpeaks
from ecg.thresholds import DISSOCIATED_P_MIN_CORRELATION
from tests.ecg.measured import measure_signal, stated_codes
from tests.ecg.synthetic_waves import (LEADS, dissociated_record, fibrillation_waves, flutter_record, lead_ii_resampled,
                                       p_waves, synthetic_record)

LUDB = Path(__file__).resolve().parents[1] / "fixtures" / "ludb"
INDEPENDENT = DISSOCIATED_P_MIN_CORRELATION.value
SINUS_RHYTHMS = {"SR", "SBRAD", "STACH", "SARRH", "AFIB", "AFLT"}


def _analysed(signal: np.ndarray, fs: float = 500.0):
    beats = find_beats(signal, detect_rpeaks(signal, fs), fs, np.array([], dtype=int))
    template = median_beat(beats.epochs, beats.dominant)
    fiducials = delineate(template, beats.r_index, fs, float(np.median(np.diff(beats.r_peaks))), None)
    return beats, template, fiducials


@pytest.mark.parametrize("atrial, ventricular, wide", [
    (60.0, 35.0, True), (75.0, 45.0, False), (75.0, 55.0, False), (90.0, 35.0, True), (110.0, 45.0, False),
    (140.0, 55.0, False)])
def test_complete_av_block_gives_the_atrial_rate(atrial, ventricular, wide):
    """P waves at their own rate beside a narrow (junctional) or wide (ventricular) escape rhythm."""
    m = measure_signal(dissociated_record(atrial, ventricular, wide))
    assert m.atrial_rate_bpm == pytest.approx(atrial, rel=0.03)
    assert m.dissociated_p_periodicity >= INDEPENDENT
    assert "independent of the QRS" in m.notes["atrial_rate_bpm"]
    assert m.p_duration_ms is None and m.pr_interval_ms is None
    found = stated_codes(m)
    assert "3AVB" in found and not found & (SINUS_RHYTHMS | {"2AVB", "1AVB"})


def test_complete_av_block_is_measured_on_one_lead_at_holter_rates():
    signal = dissociated_record(70.0, 40.0)
    for fs, lead_ii in lead_ii_resampled(signal):
        m = measure_signal(lead_ii, fs=fs, leads=["II"])
        assert m.atrial_rate_bpm == pytest.approx(70.0, rel=0.03), fs
        assert "3AVB" in stated_codes(m), fs


def test_a_p_p_cycle_near_a_fraction_of_the_rr_is_read_at_twice_its_length():
    """140/min beside 45/min: the P-P cycle (429 ms) lies 3.6 % from RR / 3, where what the
    cancellation leaves of the beats repeats too; the train is read at two cycles (70/min), still
    more P waves than QRS complexes."""
    m = measure_signal(dissociated_record(140.0, 45.0))
    assert m.atrial_rate_bpm == pytest.approx(70.0, rel=0.03)
    assert "3AVB" in stated_codes(m)


@pytest.mark.parametrize("rate", [40.0, 60.0, 80.0])
def test_a_regular_rhythm_without_p_waves_has_no_atrial_rate(rate):
    signal, _ = synthetic_record(rr_s=[60.0 / rate] * int(rate / 6 + 2), with_p=False)
    m = measure_signal(signal)
    assert m.dissociated_p_periodicity < INDEPENDENT
    assert m.atrial_rate_bpm is None and "3AVB" not in stated_codes(m)


def test_regular_ventricles_with_fibrillatory_waves_have_no_atrial_rate():
    signal, _ = synthetic_record(rr_s=[1.0] * 10, with_p=False)
    m = measure_signal(signal + fibrillation_waves(signal.shape[1], 500.0))
    assert m.dissociated_p_periodicity < INDEPENDENT and m.atrial_rate_bpm is None


def test_a_cycle_slower_than_the_beats_is_no_atrial_rate():
    """Flutter at 300/min with fixed 4:1 conduction, just under the flutter threshold (0.66): its F
    waves cancel with the QRS-T, and what is left repeats at 60/min, slower than the 75 beats."""
    m = measure_signal(flutter_record(300.0, (4,) * 12))
    assert m.dissociated_p_periodicity >= INDEPENDENT and m.atrial_rate_bpm is None
    assert "not read as P waves" in m.notes["atrial_rate_bpm"] and "3AVB" not in stated_codes(m)


def test_p_waves_before_the_beats_are_not_searched_apart_from_them():
    signal, _ = synthetic_record()
    m = measure_signal(signal)
    assert m.atrial_rate_bpm == pytest.approx(m.heart_rate_bpm)
    assert m.dissociated_p_periodicity is None and "not sought" in m.notes["dissociated_p_periodicity"]


def test_cancellation_removes_the_beats_and_keeps_the_p_waves():
    fs = 500.0
    qrst, _ = synthetic_record(rr_s=[1.4] * 7, with_p=False, noise_mv=0.0)
    starts = 0.3 + 0.8 * np.arange(12)
    atria = p_waves(starts, qrst.shape[1], fs)
    signal = (qrst + atria).astype(np.float64)
    beats, template, fiducials = _analysed(signal)
    residual = cancel_qrst(signal, beats, template, fiducials, fs)
    inner = slice(int(1.0 * fs), int(9.0 * fs))
    lead = LEADS.index("II")
    assert np.std(residual[lead, inner] - atria[lead, inner]) < 0.2 * np.std(qrst[lead, inner])
    assert np.corrcoef(residual[lead, inner], atria[lead, inner])[0, 1] > 0.8
    found = dissociated_p_waves(signal, list(LEADS), beats, template, fiducials, fs)
    assert found.rate_bpm == pytest.approx(75.0, rel=0.02) and found.leads == ("II", "III", "aVF", "V1")


def test_lags_near_whole_multiples_and_fractions_of_the_rr_are_beat_locked():
    lags = np.array([300, 330, 333, 345, 500, 951, 1000, 1049, 1100, 2000])
    assert list(beat_locked(lags, 1000.0)) == [False, True, True, True, True, True, True, True, False, True]


def test_the_shortest_peak_near_the_best_is_the_cycle_and_a_flank_is_no_peak():
    lags = np.arange(100)
    train = 0.8 * np.cos(2 * np.pi * lags / 30.0) + 0.1 * (lags / 100.0)  # peaks at 30, 60, 90
    assert shortest_peak(train) == 30
    flank = np.where(lags < 50, -np.inf, np.linspace(1.0, 0.0, 100))   # falls away from a left-out lag
    assert shortest_peak(flank) is None


def test_ludb_paced_complete_av_block():
    """LUDB 111 (complete AV block, bipolar ventricular pacing at 60/min): P waves at 74/min."""
    m = measure(read_ecg(LUDB / "111.hea"))
    assert m.atrial_rate_bpm == pytest.approx(74.0, abs=3)
    assessed = evaluate_all(m)
    assert assessed["3AVB"].status == PRESENT and assessed["PACE"].status == PRESENT
    assert assessed["CLBBB"].status == UNDETERMINED


def test_ludb_paced_record_without_visible_p_waves_stays_undetermined():
    """LUDB 74 (complete AV block by its cardiologists, ventricular pacing): no P-P cycle stands
    out (0.20), so the block is neither made nor ruled out under the pacemaker."""
    assessed = evaluate_all(measure(read_ecg(LUDB / "74.hea")))
    assert assessed["3AVB"].status == UNDETERMINED and "paced rhythm" in assessed["3AVB"].reason

"""Non-conducted P waves in the pauses of grouped beating: Mobitz I (Wenckebach) and Mobitz II
block get their atrial rate, second-degree AV block of their type and sinus rhythm instead of
atrial fibrillation or sinus arrhythmia; sinus arrhythmia, fibrillation and premature atrial beats
get none."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ecg.beats import find_beats
from ecg.dropped_beats import dropped_p_waves
from ecg.io import read_ecg
from ecg.measure import measure
from ecg.pauses import PAUSE_RATIO, pauses
from ecg.rpeaks import detect_rpeaks
from ecg.thresholds import DROPPED_P_MIN_CORRELATION
from tests.ecg.measured import measure_signal, stated_codes
from tests.ecg.synthetic_waves import (dropped_beat_record, fibrillation_waves, lead_ii_resampled,
                                       synthetic_record)

LUDB = Path(__file__).resolve().parents[1] / "fixtures" / "ludb"
DROPPED = DROPPED_P_MIN_CORRELATION.value
WENCKEBACH_4_3 = (0.16, 0.24, 0.28)
MOBITZ_II_3_2 = (0.16, 0.16)


@pytest.mark.parametrize("prs, atrial", [
    ((0.16, 0.26), 60.0), (WENCKEBACH_4_3, 75.0), ((0.16, 0.22, 0.26, 0.28), 90.0), (MOBITZ_II_3_2, 75.0),
    ((0.16, 0.16, 0.16), 90.0)])
def test_dropped_beats_give_the_atrial_rate_and_second_degree_block(prs, atrial):
    m = measure_signal(dropped_beat_record(atrial, prs))
    assert m.atrial_rate_bpm == pytest.approx(atrial, rel=0.02)
    assert m.dropped_p_correlation >= DROPPED and "in the pauses" in m.notes["atrial_rate_bpm"]
    found = stated_codes(m)
    assert "2AVB" in found and not found & {"AFIB", "SARRH", "3AVB"}


def test_wenckebach_block_says_why_it_has_no_pr_and_reads_the_post_pause_p_wave():
    m = measure_signal(dropped_beat_record(75.0, WENCKEBACH_4_3))
    assert m.pr_interval_ms is None and "change from beat to beat" in m.notes["pr_interval_ms"]
    assert m.p_duration_ms == pytest.approx(100.0, abs=20)        # the synthetic P wave lasts 100 ms
    assert 30.0 <= m.p_axis_deg <= 75.0 and "end the pauses" in m.notes["p_axis_deg"]


@pytest.mark.parametrize("prs, atrial, lengthening_ms", [
    ((0.16, 0.26), 60.0, 100.0), (WENCKEBACH_4_3, 75.0, 120.0), ((0.16, 0.22, 0.26, 0.28), 90.0, 120.0)])
def test_wenckebach_block_is_mobitz_type_1_in_sinus_rhythm(prs, atrial, lengthening_ms):
    m = measure_signal(dropped_beat_record(atrial, prs))
    assert m.pr_shortening_after_pause_ms == pytest.approx(lengthening_ms, abs=6)
    found = stated_codes(m)
    assert {"SR", "2AVB", "2AVB_MOBITZ1"} <= found and not found & {"2AVB_MOBITZ2", "2AVB_2TO1"}


@pytest.mark.parametrize("prs", [MOBITZ_II_3_2, (0.16, 0.16, 0.16)])
def test_mobitz_ii_keeps_its_sinus_rhythm_at_the_p_wave_rate(prs):
    m = measure_signal(dropped_beat_record(75.0, prs))
    assert m.pr_shortening_after_pause_ms == pytest.approx(0.0, abs=6)
    found = stated_codes(m)
    assert {"SR", "2AVB", "2AVB_MOBITZ2"} <= found and not found & {"SBRAD", "SARRH", "2AVB_MOBITZ1", "2AVB_2TO1"}


def test_the_mobitz_type_holds_with_sinus_p_p_jitter_and_noise():
    for prs, code in ((WENCKEBACH_4_3, "2AVB_MOBITZ1"), (MOBITZ_II_3_2, "2AVB_MOBITZ2")):
        signal = dropped_beat_record(75.0, prs, pp_jitter_s=0.02)
        noisy = signal + np.random.default_rng(7).normal(0.0, 0.05, signal.shape)
        assert code in stated_codes(measure_signal(noisy)), prs


def test_dropped_beats_are_found_under_noise_and_on_one_lead_at_holter_rates():
    signal = dropped_beat_record(75.0, WENCKEBACH_4_3)
    noisy = signal + np.random.default_rng(101).normal(0.0, 0.05, signal.shape)
    assert "2AVB" in stated_codes(measure_signal(noisy))
    for fs, lead_ii in lead_ii_resampled(signal):
        m = measure_signal(lead_ii, fs=fs, leads=["II"])
        assert m.atrial_rate_bpm == pytest.approx(75.0, rel=0.02), fs
        assert "2AVB" in stated_codes(m), fs


def test_the_pauses_are_the_long_rrs_between_normal_beats():
    fs = 500.0
    signal = dropped_beat_record(75.0, MOBITZ_II_3_2).astype(np.float64)
    beats = find_beats(signal, detect_rpeaks(signal, fs), fs, np.array([], dtype=int))
    rr_s = np.diff(beats.r_peaks) / fs
    found = pauses(beats)
    assert found.size >= 3 and np.all(np.diff(found) == 2)          # 3:2: every other RR is a pause
    assert rr_s[found] == pytest.approx(1.6, abs=0.01)              # two P-P cycles
    others = np.delete(rr_s, found)
    assert others == pytest.approx(0.8, abs=0.01) and 1.6 >= PAUSE_RATIO * 0.8
    found = dropped_p_waves(signal, beats, fs)
    assert found.match.pp_ms == pytest.approx(800.0, abs=10) and found.match.alike_in_size
    assert found.pr_shortening_ms == pytest.approx(0.0, abs=4)                     # Mobitz II: one PR


def test_sinus_arrhythmia_has_no_dropped_beats():
    """Slow breathing-like RR swings of +-25 %: pauses, but no P wave in them."""
    signal, _ = synthetic_record(rr_s=list(0.9 + 0.25 * np.sin(np.arange(12) / 2.0)))
    m = measure_signal(signal)
    assert (m.dropped_p_correlation or 0.0) < DROPPED and "2AVB" not in stated_codes(m)
    assert m.atrial_rate_bpm == pytest.approx(m.heart_rate_bpm)


def test_fibrillation_stays_fibrillation():
    rng = np.random.default_rng(3)
    signal, _ = synthetic_record(rr_s=list(rng.uniform(0.45, 1.2, 14)), with_p=False)
    m = measure_signal(signal + fibrillation_waves(signal.shape[1], 500.0))
    assert m.dropped_p_correlation is None and "no pause ended by a beat with a P wave" in m.notes[
        "dropped_p_correlation"]
    assert m.pr_shortening_after_pause_ms is None and m.notes["pr_shortening_after_pause_ms"]
    assert "AFIB" in stated_codes(m)


def test_ludb_atrial_fibrillation_and_sinus_records_have_no_dropped_beats():
    for record in ("2", "44", "62"):
        m = measure(read_ecg(LUDB / f"{record}.hea"))
        assert (m.dropped_p_correlation or 0.0) < DROPPED and "2AVB" not in stated_codes(m), record

"""Beats: which detections are beats at all, which beats a pacemaker spike precedes, and by how much."""

from __future__ import annotations

import numpy as np
import pytest

from ecg.beats import inside_record, stimulus_lags
from ecg.measure import measure
from ecg.record import make_record
from tests.ecg.measured import measure_signal, stated_codes
from tests.ecg.synthetic_waves import LEADS, P_GAIN, synthetic_record


def test_the_latest_spike_within_200_ms_before_r_is_the_stimulus():
    r_peaks = np.array([1000, 2000, 3000])
    spikes = np.array([900, 950, 1990, 2500, 3010])  # beat 3's spike comes after its R
    lags = stimulus_lags(r_peaks, spikes, 500.0)
    assert lags[0] == -50 and lags[1] == -10 and np.isnan(lags[2])


def test_no_spikes_no_stimuli():
    assert np.isnan(stimulus_lags(np.array([100, 600]), np.zeros(0, dtype=int), 500.0)).all()


def test_a_qrs_cut_off_by_the_record_edge_is_no_beat():
    fs = 500.0
    r_peaks = np.array([20, 30, 200, 4900, 4960, 4961])   # 60 ms before R and 80 ms after must be recorded
    assert inside_record(r_peaks, 5000, fs).tolist() == [30, 200, 4900, 4960]


def test_an_electrode_step_at_the_record_end_is_no_beat():
    """LUDB 109, 124, 129 and 134 end in a spike or step in their last 80 ms, once read as a PVC."""
    signal, _ = synthetic_record(rr_s=[1.05] * 8)
    signal = signal[:, :int(signal.shape[1] - 0.3 * 500)]
    signal[:, -8:] += 0.8 * np.sign(P_GAIN + 0.1)[:, None]
    m = measure(make_record(signal, 500.0, list(LEADS), source="synthetic", format="npy"))
    assert m.ventricular_ectopic_beats == 0 and m.n_beats == 9
    assert m.heart_rate_bpm == pytest.approx(60 / 1.05, rel=0.01)


@pytest.mark.parametrize("rate", [70.0, 90.0])
def test_ventricular_bigeminy_keeps_the_sinus_beats_dominant(rate):
    """Every other beat premature and wide: as many short RRs as long ones made the median RR a
    short one (no beat premature) and the median QRS a blend of both shapes (no beat alike), so
    every beat was of another kind and the QRS a mix of both (IVCD stated)."""
    rr = 60.0 / rate
    rr_s = [0.6 * rr if i % 2 == 0 else 1.4 * rr for i in range(int(10 / rr))]
    signal, _ = synthetic_record(rr_s=rr_s, wide_beats=tuple(range(1, len(rr_s) + 1, 2)))
    m = measure_signal(signal)
    assert "".join(b.kind for b in m.beats) == "NV" * (len(m.beats) // 2) + "N" * (len(m.beats) % 2)
    assert {"BIGU", "PVC"} <= stated_codes(m) and "IVCD" not in stated_codes(m)
    assert m.qrs_duration_median_lead_ms < 110.0


@pytest.mark.parametrize("rate", [80.0, 90.0])
def test_the_beats_on_time_in_bigeminy_keep_their_p_wave(rate):
    """Each sinus beat follows a PVC's pause and precedes the next PVC: its P wave lies further
    back than the median RR says, and its T wave ends just before the PVC. The P search started
    after a T end one median RR back (inside the P wave: no P, no PR), and the beats' own P waves
    were not measured."""
    rr = 60.0 / rate
    rr_s = [0.65 * rr if i % 2 == 0 else 1.35 * rr for i in range(int(10 / rr))]
    signal, _ = synthetic_record(rr_s=rr_s, wide_beats=tuple(range(1, len(rr_s) + 1, 2)), noise_mv=0.02)
    m = measure_signal(signal)
    assert m.pr_interval_ms == pytest.approx(160.0, abs=25.0)
    assert m.qt_interval_ms == pytest.approx(400.0, abs=40.0)
    on_time = [b for b in m.beats if b.kind == "N" and b.rr_ms is not None]
    assert all(b.p_wave and b.pr_ms == pytest.approx(160.0, abs=25.0) for b in on_time)
    assert {"SR", "BIGU", "PVC"} <= stated_codes(m)

"""Beats: which beats a pacemaker spike precedes, and by how much."""

from __future__ import annotations

import numpy as np

from ecg.beats import stimulus_lags


def test_the_latest_spike_within_200_ms_before_r_is_the_stimulus():
    r_peaks = np.array([1000, 2000, 3000])
    spikes = np.array([900, 950, 1990, 2500, 3010])  # beat 3's spike comes after its R
    lags = stimulus_lags(r_peaks, spikes, 500.0)
    assert lags[0] == -50 and lags[1] == -10 and np.isnan(lags[2])


def test_no_spikes_no_stimuli():
    assert np.isnan(stimulus_lags(np.array([100, 600]), np.zeros(0, dtype=int), 500.0)).all()

"""Pacemaker spikes: find the narrow, steep pulses of a pacemaker and cut them out of the signal."""

from __future__ import annotations

import numpy as np

# A spike's second difference dwarfs any physiological wave's: a 2 mV pulse lasting one or two
# samples against a QRS whose steepest curvature is a few percent of that at 500 Hz.
SPIKE_CURVATURE_FACTOR = 12.0  # x the 99th percentile of the summed |second difference|
SPIKE_MIN_CURVATURE_MV = 0.5   # summed over leads; below this nothing is called a spike
SPIKE_REFRACTORY_S = 0.1       # one pulse per 100 ms at most (bipolar pulses have two phases)
SPIKE_HALF_WIDTH_S = 0.008     # cut +-8 ms around a spike (pulse and its ringing through filters)


def detect_pacing_spikes(signal: np.ndarray, fs: float) -> np.ndarray:
    """Sample indices of pacemaker spikes in a (leads, samples) signal at its native rate."""
    curvature = np.abs(np.diff(signal, n=2, axis=-1)).sum(axis=0)
    if curvature.size == 0:
        return np.zeros(0, dtype=int)
    threshold = max(SPIKE_CURVATURE_FACTOR * float(np.percentile(curvature, 99)), SPIKE_MIN_CURVATURE_MV)
    candidates = np.flatnonzero(curvature > threshold)
    if candidates.size == 0:
        return np.zeros(0, dtype=int)
    # one spike per cluster of candidates, at the cluster's sharpest sample (+1: centred difference)
    groups = np.split(candidates, np.flatnonzero(np.diff(candidates) > SPIKE_REFRACTORY_S * fs) + 1)
    return np.array([g[np.argmax(curvature[g])] + 1 for g in groups], dtype=int)


def remove_pacing_spikes(signal: np.ndarray, spikes: np.ndarray, fs: float) -> np.ndarray:
    """The signal with each spike replaced by a straight line between its neighbours."""
    if spikes.size == 0:
        return signal
    cleaned = signal.copy()
    half = max(1, int(round(SPIKE_HALF_WIDTH_S * fs)))
    last = signal.shape[-1] - 1
    for spike in spikes:
        start, stop = max(0, spike - half), min(last, spike + half)
        ramp = np.linspace(0.0, 1.0, stop - start + 1)
        cleaned[:, start:stop + 1] = cleaned[:, [start]] + (cleaned[:, [stop]] - cleaned[:, [start]]) * ramp
    return cleaned

"""Pacemaker spikes: find the narrow, steep pulses of a pacemaker and cut them out of the signal.

A spike is either one pulse far steeper than anything else in the record, or a smaller pulse
that recurs shortly before most QRS complexes: recorders low-pass filter their spikes, so that
many paced records show a pulse only a few times sharper than a QRS (LUDB records 93 and 111).
"""

from __future__ import annotations

import numpy as np

from ecg.rpeaks import detect_rpeaks

# A spike's second difference dwarfs any physiological wave's: a 2 mV pulse lasting one or two
# samples against a QRS whose steepest curvature is a few percent of that at 500 Hz.
SPIKE_CURVATURE_FACTOR = 12.0  # x the 99th percentile of the summed |second difference|
SPIKE_MIN_CURVATURE_MV = 0.5   # summed over leads; below this nothing is called a spike
SPIKE_REFRACTORY_S = 0.1       # one pulse per 100 ms at most (bipolar pulses have two phases)
SPIKE_HALF_WIDTH_S = 0.008     # cut +-8 ms around a spike (pulse and its ringing through filters)
# Beat-locked spikes: the sharpest point between 200 and 20 ms before an R peak. On the odd LUDB
# records its median over the beats is at most 1.34 x the 99th percentile in the unpaced ones
# and at least 3.2 x in the paced ones (93, 111); a record whose beats mostly exceed the
# log-midpoint, 2 x, has its pulses there.
BEAT_SPIKE_WINDOW_S = (0.2, 0.02)
BEAT_SPIKE_FACTOR = 2.0
BEAT_SPIKE_SHARE = 0.5


def detect_pacing_spikes(signal: np.ndarray, fs: float) -> np.ndarray:
    """Sample indices of pacemaker spikes in a (leads, samples) signal at its native rate."""
    curvature = np.abs(np.diff(signal, n=2, axis=-1)).sum(axis=0)
    if curvature.size == 0:
        return np.zeros(0, dtype=int)
    typical = float(np.percentile(curvature, 99))
    threshold = max(SPIKE_CURVATURE_FACTOR * typical, SPIKE_MIN_CURVATURE_MV)
    candidates = np.concatenate([np.flatnonzero(curvature > threshold),
                                 _beat_locked_pulses(signal, curvature, typical, fs)])
    if candidates.size == 0:
        return np.zeros(0, dtype=int)
    candidates = np.unique(candidates)
    # one spike per cluster of candidates, at the cluster's sharpest sample (+1: centred difference)
    groups = np.split(candidates, np.flatnonzero(np.diff(candidates) > SPIKE_REFRACTORY_S * fs) + 1)
    return np.array([g[np.argmax(curvature[g])] + 1 for g in groups], dtype=int)


def _beat_locked_pulses(signal: np.ndarray, curvature: np.ndarray, typical: float, fs: float) -> np.ndarray:
    """The sharpest point before each QRS where most beats have one above ``BEAT_SPIKE_FACTOR`` x
    the typical curvature (indices into ``curvature``); none otherwise."""
    if typical <= 0:
        return np.zeros(0, dtype=int)
    r_peaks = detect_rpeaks(signal, fs)
    far, near = (int(round(s * fs)) for s in BEAT_SPIKE_WINDOW_S)
    r_peaks = r_peaks[(r_peaks - far >= 0) & (r_peaks - near <= curvature.size)]
    if r_peaks.size == 0:
        return np.zeros(0, dtype=int)
    windows = r_peaks[:, None] - far + np.arange(far - near)[None, :]
    sharpest = windows[np.arange(len(windows)), np.argmax(curvature[windows], axis=1)]
    pulse = curvature[sharpest] > BEAT_SPIKE_FACTOR * typical
    return sharpest[pulse] if pulse.mean() >= BEAT_SPIKE_SHARE else np.zeros(0, dtype=int)


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

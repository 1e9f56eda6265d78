"""The encoder's view of an ECG: 100 Hz, band-passed 0.5-40 Hz, each lead z-scored, in 10 s
windows. Z-scoring makes mV recordings and the z-scored PTB-XL training subset alike."""

from __future__ import annotations

import numpy as np

from ecg.preprocess import BANDPASS_HZ, bandpass, fill_gaps, resample
from encoders.model import ENCODER_FS

WINDOW_S = 10.0
MIN_LAST_WINDOW_S = 2.0  # a shorter tail of a long recording is left out
_FLAT_STD = 1e-6


def prepare(signal: np.ndarray, fs: float) -> np.ndarray:
    """(leads, samples) at any rate -> (leads, samples) float32 at 100 Hz, z-scored per lead."""
    x = np.nan_to_num(fill_gaps(np.atleast_2d(signal), fs, np.inf))
    x, _ = resample(x, fs, ENCODER_FS)
    x = bandpass(x, ENCODER_FS, *BANDPASS_HZ)
    std = x.std(axis=1, keepdims=True)
    return np.where(std > _FLAT_STD, (x - x.mean(axis=1, keepdims=True)) / np.maximum(std, _FLAT_STD), 0.0).astype(np.float32)


def windows(prepared: np.ndarray) -> np.ndarray:
    """(windows, leads, 1000): consecutive 10 s windows; a recording under 10 s is zero-padded."""
    size = int(WINDOW_S * ENCODER_FS)
    n = prepared.shape[1]
    if n <= size:
        return np.pad(prepared, ((0, 0), (0, size - n)))[None]
    starts = list(range(0, n - size + 1, size))
    if n - (starts[-1] + size) >= MIN_LAST_WINDOW_S * ENCODER_FS:
        starts.append(n - size)
    return np.stack([prepared[:, s: s + size] for s in starts])

"""The fixed view of an ECG the tokenizer works on: 250 Hz, band-passed 0.5-40 Hz, no gaps."""

from __future__ import annotations

import numpy as np

from ecg.preprocess import BANDPASS_HZ, bandpass, fill_gaps, resample

TOKEN_FS = 250  # Hz; every ECG is resampled to this rate before tokenizing


def prepare(signal: np.ndarray, fs: float) -> np.ndarray:
    """An ECG (leads, samples) in mV at any rate -> the tokenizer's view: gaps bridged, 250 Hz,
    zero-phase band-pass 0.5-40 Hz (the band the PTB-XL training subset came filtered to)."""
    x = np.nan_to_num(fill_gaps(np.atleast_2d(signal), fs, np.inf))
    x, _ = resample(x, fs, TOKEN_FS)
    return bandpass(x, TOKEN_FS, *BANDPASS_HZ)

"""Detections that are no heartbeat: a limb electrode that moves.

A potential added at one limb electrode reaches every chest lead through Wilson's central
terminal (the mean of RA, LA and LL) with the same size and shape, while the heart's own
activity projects differently on V1 to V6 (their QRS complexes differ in size and often in
sign). A detection whose chest-lead waveforms are nearly one and the same, unlike the record's
other detections, is the electrode's.
"""

from __future__ import annotations

import numpy as np

CHEST_LEADS = ("V1", "V2", "V3", "V4", "V5", "V6")
WINDOW_S = (-0.06, 0.1)          # around the detected peak: the QRS of a beat
# The chest leads' spread about their common waveform, over that waveform. LUDB's 1,462
# annotated beats (with four limb- or chest-electrode steps of N(0, 1 mV) per record added,
# benchmarks/noise_robustness.py): at least 0.26, 1st percentile 0.41; the beats that limb
# electrode steps made: 0.01-0.27, most below 0.1. Some real records have alike chest leads in
# every beat (PTB-XL subset 16504, z-scored per lead: 0.19-0.23), so the spread must also be far
# below the record's typical one (the median over its detections).
ALIKE_MAX_SPREAD = 0.2
ALIKE_MAX_SHARE_OF_TYPICAL = 1.0 / 3.0


def limb_electrode_artefacts(signal: np.ndarray, leads: list[str], peaks: np.ndarray, fs: float) -> np.ndarray:
    """Per detected peak of a (leads, samples) signal, whether the six chest leads show it alike:
    a limb electrode's artefact, no beat. All False without the six chest leads."""
    if not set(CHEST_LEADS) <= set(leads) or peaks.size == 0:
        return np.zeros(peaks.size, dtype=bool)
    chest = np.nan_to_num(signal[[leads.index(name) for name in CHEST_LEADS]])
    before, after = (int(round(s * fs)) for s in WINDOW_S)
    spreads = np.array([_chest_spread(chest[:, max(0, peak + before):peak + after]) for peak in peaks])
    return (spreads < ALIKE_MAX_SPREAD) & (spreads < ALIKE_MAX_SHARE_OF_TYPICAL * np.median(spreads))


def _chest_spread(window: np.ndarray) -> float:
    """How far the (chest leads, samples) waveforms lie from their mean waveform, over its size
    (infinite for a flat window)."""
    window = window - window.mean(axis=-1, keepdims=True)
    common = window.mean(axis=0)
    size = np.linalg.norm(common) * np.sqrt(window.shape[0])
    return float(np.linalg.norm(window - common) / size) if size > 0 else np.inf

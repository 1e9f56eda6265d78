"""Beats shared by all leads: aligned R peaks, each lead's representative beat, and the inverse
(placing a representative beat at every R peak to rebuild a lead).

Pure numpy; the same input always gives the same peaks.
"""

from __future__ import annotations

import numpy as np

from ecg.rpeaks import detect_rpeaks

# Alignment: each beat's QRS (+-60 ms) is matched to the median QRS within +-20 ms.
ALIGN_QRS_HALF_S = 0.06
ALIGN_S = 0.02

# The beat window around the R peak: long enough for a 300 ms PR interval before and a
# 600 ms R-to-T-end after (QT up to ~0.65 s at slow rates).
BEAT_BEFORE_S = 0.384
BEAT_AFTER_S = 0.640
# Rebuilding: the next beat takes over this share of the RR interval before its R peak
# (P wave and PR segment; the rest is the previous beat's ST-T), with a 20 ms cross-fade.
NEXT_BEAT_SHARE = 0.3
CROSSFADE_S = 0.02


def beat_window(fs: float) -> tuple[int, int]:
    """Samples before and after the R peak in a representative beat at rate ``fs``."""
    return int(round(BEAT_BEFORE_S * fs)), int(round(BEAT_AFTER_S * fs))


def find_r_peaks(signal: np.ndarray, fs: float) -> np.ndarray:
    """R peaks shared by all leads (ecg.rpeaks), each aligned on the median QRS."""
    peaks = np.asarray(detect_rpeaks(signal, fs), dtype=np.int64)
    return align_peaks(signal, peaks, fs) if len(peaks) else peaks


def align_peaks(signal: np.ndarray, peaks: np.ndarray, fs: float, rounds: int = 2) -> np.ndarray:
    """Shift each peak (by at most ``ALIGN_S``) to where its QRS best matches the median QRS.

    Energy maxima jitter by a few milliseconds from beat to beat; aligning on the median
    beat's QRS (sum over leads of the correlation) keeps the representative beat sharp.
    """
    signal = np.atleast_2d(signal)
    before, _ = beat_window(fs)
    half = int(round(ALIGN_QRS_HALF_S * fs))
    reach = int(round(ALIGN_S * fs))
    peaks = np.asarray(peaks, dtype=np.int64)
    if len(peaks) < 2:
        return peaks
    padded = np.pad(signal, ((0, 0), (half + reach, half + reach)), mode="edge")
    # offsets[s, k]: sample k of the QRS window shifted by s - reach, relative to (peak - half - reach)
    offsets = np.arange(2 * reach + 1)[:, None] + np.arange(2 * half + 1)[None, :]
    for _ in range(rounds):
        qrs = median_beats(signal, peaks, fs)[:, before - half: before + half + 1]
        qrs = qrs - qrs.mean(axis=1, keepdims=True)
        windows = padded[:, peaks[:, None, None] + offsets]  # (leads, beats, shifts, width)
        scores = np.einsum("lbsw,lw->bs", windows, qrs)
        peaks = np.clip(peaks + np.argmax(scores, axis=1) - reach, 0, signal.shape[-1] - 1)
    return np.unique(peaks)


def median_beats(signal: np.ndarray, peaks: np.ndarray, fs: float) -> np.ndarray:
    """Each lead's representative beat: the sample-wise median of the R-aligned beat windows.

    Returns (leads, window); windows that reach past the signal's ends are edge-padded.
    """
    before, after = beat_window(fs)
    padded = np.pad(np.atleast_2d(signal), ((0, 0), (before, after)), mode="edge")
    inside = [p for p in peaks if p - before >= 0 and p + after <= signal.shape[-1]]
    chosen = inside or list(peaks)
    windows = np.stack([padded[:, p: p + before + after] for p in chosen])  # (beats, leads, window)
    return np.median(windows, axis=0)


def place_beats(beats: np.ndarray, peaks: np.ndarray, n_samples: int, fs: float) -> np.ndarray:
    """Rebuild (leads, n_samples) from one beat per lead placed at every R peak.

    Each RR interval is split where the next beat's share begins (``NEXT_BEAT_SHARE`` of the
    interval before its R peak, at most the window), with a short cross-fade at the seam; where
    no beat window reaches (a long pause) the gap is joined by a straight line.
    """
    before, after = beat_window(fs)
    peaks = np.unique(np.asarray(peaks, dtype=np.int64))
    out = np.zeros((beats.shape[0], n_samples))
    weight = np.zeros(n_samples)
    fade = max(1, int(round(CROSSFADE_S * fs)))
    seams = [p_next - min(before, int(NEXT_BEAT_SHARE * (p_next - p))) for p, p_next in zip(peaks, peaks[1:])]
    for i, peak in enumerate(peaks):
        start = max(peak - before, seams[i - 1] - fade) if i > 0 else peak - before
        stop = min(peak + after, seams[i] + fade) if i < len(seams) else peak + after
        lo, hi = max(start, 0), min(stop, n_samples)
        if lo >= hi:
            continue
        t = np.arange(lo, hi)
        ramp = np.ones(hi - lo)
        if i > 0:
            ramp *= np.clip((t - (seams[i - 1] - fade)) / (2 * fade), 0, 1)
        if i < len(seams):
            ramp *= np.clip(((seams[i] + fade) - t) / (2 * fade), 0, 1)
        out[:, lo:hi] += beats[:, lo - (peak - before): hi - (peak - before)] * ramp
        weight[lo:hi] += ramp
    covered = weight > 1e-9
    if not covered.any():
        return out
    out[:, covered] /= weight[covered]
    index = np.arange(n_samples)
    for row in out:
        row[~covered] = np.interp(index[~covered], index[covered], row[covered])
    return out

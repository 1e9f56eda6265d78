"""Non-conducted P waves evenly between the conducted ones: 2:1 AV block, and 3:1 and 4:1
(high-grade) block.

In 2:1 AV block every other P wave is not conducted. Each blocked P wave keeps one time to the
beats, half an RR after the conducted P wave, so the median over the beats shows it: a second
wave like the conducted P wave and as large; in 3:1 block two of them, a third and two thirds of
an RR after it, and so on. The representative beat's P wave (with ``FLANK_S`` of baseline either
side) is slid over the median, over the dominant beats, of the signal from ``j -
SPACING_TOLERANCE`` to ``j + SPACING_TOLERANCE`` P-P cycles after it (the RR divided by the
ratio; j = 1 .. ratio - 1), but not before the representative beat's T wave has ended, and
correlated with it over all leads at once; the weakest of the ratio - 1 matches decides. Both are
first differences after a moving average of ``SMOOTHING_S``: they weigh a P wave's edges more than
a slow dome, and the smoothing keeps noise out. The best correlation and the two waves' size
ratio say whether a blocked P wave is there (``ecg.atrial_rate`` reads them against
``BLOCKED_P_MIN_CORRELATION`` and ``MAX_SIZE_RATIO``).

A search that let the wave sit on the T wave found T waves: 8 false 2:1 blocks at 55-78 beats a
minute among the 1,819 ECGs of the PTB-XL subset in ../shared (correlations 0.85-0.87), none
after the T-end rule. On the 160 LUDB records (none with AV block of the second degree) the best
correlation is at most 0.57; on synthetic 2:1 block with the blocked P wave after the T wave at
least 0.92, clean or with 50 uV of noise (benchmarks/av_block.py). A blocked P wave on or inside
the T wave is not found.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import uniform_filter1d

from ecg.atrial import qrst_end
from ecg.beats import Beats
from ecg.delineate import Fiducials

FLANK_S = 0.03              # baseline kept either side of the P wave in the pattern
SPACING_TOLERANCE = 0.15    # a blocked P wave lies within this share of a P-P cycle from its place
MAX_SIZE_RATIO = 2.0        # the blocked and the conducted P wave differ in size by at most this
SMOOTHING_S = 0.03          # moving average before the first difference


@dataclass(frozen=True)
class PWaveMatch:
    """The wave most like a P wave where a non-conducted one is sought."""

    correlation: float      # multi-lead correlation of the smoothed first differences
    size_ratio: float       # its size over the P wave's (root of the summed squares)
    pp_ms: float            # from one of the two P waves' onsets to the other's: the P-P cycle

    @property
    def alike_in_size(self) -> bool:
        return 1.0 / MAX_SIZE_RATIO <= self.size_ratio <= MAX_SIZE_RATIO


def blocked_p_wave(signal: np.ndarray, beats: Beats, template: np.ndarray, fiducials: Fiducials,
                   rr_samples: float, fs: float, ratio: int = 2) -> PWaveMatch | None:
    """The representative P wave's best matches at each j / ``ratio`` of the RR after it (j = 1 ..
    ratio - 1: the P waves of ratio:1 block) in the (leads, samples) analysed signal, and the
    weakest of them; None without a P wave, or where a search window lies before the T wave ends
    or has signal in fewer than two dominant beats."""
    found = p_pattern(template, fiducials, fs)
    if found is None:
        return None
    pattern, start = found
    cycle = rr_samples / ratio
    after_t = qrst_end(fiducials, fs) - (fiducials.p_onset - start)
    matches = []
    for j in range(1, ratio):
        first = max(int(start + (j - SPACING_TOLERANCE) * cycle), after_t)
        last = int(start + (j + SPACING_TOLERANCE) * cycle)
        if last < first:
            return None
        stop = last - beats.r_index + pattern.shape[-1] + 1
        around = median_window(signal, beats.r_peaks[beats.dominant], first - beats.r_index, stop, min_windows=2)
        if around is None:
            return None
        offset, correlation, size_ratio = best_match(pattern, slope(around, fs))
        matches.append(PWaveMatch(correlation, size_ratio, (first + offset - start) * 1000.0 / fs / j))
    return min(matches, key=lambda match: match.correlation)


def p_pattern(beat: np.ndarray, fiducials: Fiducials, fs: float) -> tuple[np.ndarray, int] | None:
    """The (leads, samples) beat's P wave with FLANK_S of baseline either side, as smoothed first
    differences, and the sample where it starts; None without a P wave or QRS end, or too near
    the beat's start."""
    if fiducials.p_onset is None or fiducials.p_offset is None or fiducials.qrs_offset is None:
        return None
    flank = int(round(FLANK_S * fs))
    start = fiducials.p_onset - flank
    if start < 0:
        return None
    return slope(beat[:, start:fiducials.p_offset + flank], fs), start


def best_match(pattern: np.ndarray, searched: np.ndarray) -> tuple[int, float, float]:
    """Where the (leads, width) pattern fits the (leads, samples) searched signal best (both mean-
    removed per window): the offset, the correlation over all leads and the size ratio there."""
    pattern = pattern - pattern.mean(axis=-1, keepdims=True)
    windows = np.lib.stride_tricks.sliding_window_view(searched, pattern.shape[-1], axis=-1)
    windows = windows - windows.mean(axis=-1, keepdims=True)          # (leads, offsets, width)
    products = np.einsum("low,lw->o", windows, pattern)
    power = np.einsum("low,low->o", windows, windows)
    pattern_power = max(float(np.sum(pattern * pattern)), 1e-30)
    correlations = products / np.sqrt(np.maximum(power * pattern_power, 1e-30))
    best = int(np.argmax(correlations))
    return best, float(correlations[best]), float(np.sqrt(power[best] / pattern_power))


def slope(signal: np.ndarray, fs: float) -> np.ndarray:
    """The first difference after a moving average of SMOOTHING_S (noise is not a P wave's edge)."""
    k = max(1, int(round(SMOOTHING_S * fs)))
    return np.diff(uniform_filter1d(signal, k, axis=-1, mode="nearest"), axis=-1)


def median_window(signal: np.ndarray, peaks: np.ndarray, start: int, stop: int,
                  min_windows: int = 1) -> np.ndarray | None:
    """The median over ``peaks`` of signal[:, peak + start : peak + stop], leaving out windows that
    leave the record; None with fewer than ``min_windows`` left."""
    peaks = peaks[(peaks + start >= 0) & (peaks + stop <= signal.shape[-1])]
    if peaks.size < min_windows:
        return None
    windows = np.stack([signal[:, peak + start:peak + stop] for peak in peaks])
    return np.median(np.nan_to_num(windows), axis=0)

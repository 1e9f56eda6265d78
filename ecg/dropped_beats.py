"""Non-conducted P waves in the pauses of grouped beating: second-degree AV block with n:(n-1)
conduction (Mobitz I, Wenckebach, and Mobitz II).

Where one P wave in every few is not conducted, the RR intervals fall into groups ended by a
pause, and each pause holds the blocked P wave one P-P cycle before the P wave of the beat that
ends the pause. That beat follows a rest, so its PR is the shortest and the same after every
pause, even in Wenckebach block where the other PRs lengthen beat by beat. So the beats that end
a pause (an RR at least ``PAUSE_RATIO`` times the median of the shorter half of the RRs) are
averaged (median) into a post-pause beat, whose P wave is delineated; the signal before each of
those beats, aligned on its R peak, is averaged the same way, and the post-pause P wave (with
``ecg.blocked_p``'s flanks and smoothed first differences) is slid over it from the end of the
previous QRS to ``MIN_PP_S`` before the post-pause P wave, and only where the pause would span
``MIN_PAUSE_CYCLES`` to ``MAX_PAUSE_CYCLES`` of the P-P cycle that the match implies (two cycles in
Mobitz II, less the PR's lengthening in Wenckebach block). The P wave before the pause must lie
one P-P cycle before the match too (``PP_TOLERANCE_S``): three P waves in step. The weaker of the
two correlations is the score (``ecg.atrial_rate`` reads it against ``DROPPED_P_MIN_CORRELATION``,
with the match's size); the match's distance to the post-pause P wave is the P-P cycle.

On the 160 LUDB records (none with second-degree block) the score is at most 0.36; on synthetic
Mobitz I and II block from 3:2 to 5:4 at 60-110 P waves a minute at least 0.72, clean or with 50
uV of noise (benchmarks/av_block.py).
"""

from __future__ import annotations

import numpy as np

from ecg.beats import Beats
from ecg.blocked_p import PWaveMatch, best_match, median_window, p_pattern, slope
from ecg.delineate import delineate

PAUSE_RATIO = 1.25          # an RR this many times the median of the shorter RRs is a pause
MIN_PP_S = 0.3              # the blocked P wave starts at least this long before the next one
AFTER_QRS_S = 0.04          # ... and this long after the previous QRS ends
PP_TOLERANCE_S = 0.04       # the P wave before the pause lies within this of one P-P before it
MIN_PAUSE_CYCLES = 1.6      # a pause spans two P-P cycles less the PR's lengthening over its group
MAX_PAUSE_CYCLES = 2.1


def pauses(beats: Beats) -> np.ndarray:
    """Indices i of the RRs from beat i to beat i + 1, both normal dominant beats, that are pauses;
    empty with fewer than three such RRs."""
    normal = beats.dominant & (beats.kinds == "N")
    rr = np.diff(beats.r_peaks).astype(float)
    both = normal[:-1] & normal[1:]
    if int(both.sum()) < 3:
        return np.array([], dtype=int)
    judged = rr[both]
    shorter = judged[judged <= np.median(judged)]
    return np.flatnonzero(both & (rr >= PAUSE_RATIO * float(np.median(shorter))))


def dropped_p_waves(signal: np.ndarray, beats: Beats, fs: float) -> PWaveMatch | None:
    """The P wave blocked in the pauses of the (leads, samples) analysed signal; None without a
    pause, without a P wave in the beats that end the pauses, or without room for a P-P cycle."""
    ending = pauses(beats) + 1
    ending = ending[beats.usable[ending]]
    if ending.size == 0:
        return None
    post = np.median(beats.epochs[ending], axis=0)
    rr = np.diff(beats.r_peaks)[ending - 1]
    pause = float(np.median(rr))
    f = delineate(post, beats.r_index, fs, pause, None)
    post_pause_p = p_pattern(post, f, fs)
    if post_pause_p is None:
        return None
    pattern, start = post_pause_p
    own = start - beats.r_index                   # the post-pause P wave, relative to its R peak
    first = max(int(np.max(f.qrs_offset - beats.r_index - rr)) + int(round(AFTER_QRS_S * fs)),
                own - int(pause / MIN_PAUSE_CYCLES))
    last = min(own - int(round(MIN_PP_S * fs)), own - int(pause / MAX_PAUSE_CYCLES))
    width = pattern.shape[-1] + 1
    peaks = beats.r_peaks[ending]
    pauses_median = median_window(signal, peaks, first, last + width) if last >= first else None
    if pauses_median is None:
        return None
    offset, correlation, size_ratio = best_match(pattern, slope(pauses_median, fs))
    dropped = first + offset
    pp = own - dropped
    tolerance = int(round(PP_TOLERANCE_S * fs))
    earlier = dropped - pp - tolerance            # the P wave before the pause, one P-P earlier still
    earlier_median = median_window(signal, peaks, earlier, earlier + 2 * tolerance + width)
    if earlier_median is None:
        return None
    _, before, _ = best_match(pattern, slope(earlier_median, fs))
    return PWaveMatch(min(correlation, before), size_ratio, pp * 1000.0 / fs)

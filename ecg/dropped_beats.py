"""Non-conducted P waves in the pauses of grouped beating: second-degree AV block with n:(n-1)
conduction (Mobitz I, Wenckebach, and Mobitz II).

Where one P wave in every few is not conducted, the RR intervals fall into groups ended by a
pause, and each pause holds the blocked P wave one P-P cycle before the P wave of the beat that
ends the pause. That beat follows a rest, so its PR is the shortest and the same after every
pause, even in Wenckebach block where the other PRs lengthen beat by beat. So the beats that end
a pause (``ecg.pauses``: an RR at least 1.25 times the median of the shorter half of the RRs) are
averaged (median) into a post-pause beat, whose P wave is delineated; the signal before each of
those beats, aligned on its R peak, is averaged the same way, and the post-pause P wave (with
``ecg.blocked_p``'s flanks and smoothed first differences) is slid over it from the end of the
previous QRS to ``MIN_PP_S`` before the post-pause P wave, and only where the pause would span
``MIN_PAUSE_CYCLES`` to ``MAX_PAUSE_CYCLES`` of the P-P cycle that the match implies (two cycles in
Mobitz II, less the PR's lengthening in Wenckebach block). The sinus cycle varies from pause to
pause, which blurs that median, so each pause's window is then fitted on its own within
``PP_TOLERANCE_S`` of the match and the windows are averaged again, each shifted to its own fit
(Woody's method). The P wave before the pause must lie one P-P cycle before the match too (within
``PP_TOLERANCE_S``, fitted the same way): three P waves in step. The weaker of the two
correlations is the score (``ecg.atrial_rate`` reads it against ``DROPPED_P_MIN_CORRELATION``, with
the match's size); the match's distance to the post-pause P wave is the P-P cycle.

The same P wave, sought before the beats that start the pauses (the last conducted ones), gives
their PR; less the post-pause PR it is ``pr_shortening_ms``: about as long as the PR's lengthening
over a group in Mobitz I block, near 0 in Mobitz II, where the PR stays constant (Kusumoto et al.
2018; ecg.criteria_conduction reads it).

On the 160 LUDB records (none with second-degree block) the score is at most 0.54 (0.36 before
the refit), on the 1,819 ECGs of the PTB-XL subset in ../shared at most 0.62; on synthetic Mobitz I
and II block from 3:2 to 5:4 at 60-110 P waves a minute at least 0.74, clean or with 50 uV of
noise (benchmarks/av_block.py). With 20 ms of P-P jitter and 50 uV of noise the refit finds 39
of 40 such blocks; the median alone found 4 and 6 of the 8 Wenckebach 4:3 and 5:4 blocks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ecg.beats import Beats
from ecg.blocked_p import PWaveMatch, best_match, median_window, p_pattern, slope
from ecg.delineate import Fiducials, delineate
from ecg.pauses import pauses

MIN_PP_S = 0.3              # the blocked P wave starts at least this long before the next one
AFTER_QRS_S = 0.04          # ... and this long after the previous QRS ends
PP_TOLERANCE_S = 0.04       # the P wave before the pause lies within this of one P-P before it
MIN_PAUSE_CYCLES = 1.6      # a pause spans two P-P cycles less the PR's lengthening over its group
MAX_PAUSE_CYCLES = 2.1


@dataclass(frozen=True)
class DroppedPWave:
    """The non-conducted P wave found in the pauses, and how the PR changes across a pause."""

    match: PWaveMatch
    pr_shortening_ms: float | None   # PR of the beat before a pause minus PR of the beat after it
    post_pause_beat: np.ndarray      # (leads, samples) median of the beats that end the pauses
    post_pause_fiducials: Fiducials  # its delineation: a P wave at the one PR that recurs


def dropped_p_waves(signal: np.ndarray, beats: Beats, fs: float) -> DroppedPWave | None:
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
    offset, _, _ = best_match(pattern, slope(pauses_median, fs))
    tolerance = int(round(PP_TOLERANCE_S * fs))
    realigned = _realigned(signal, peaks, first + offset, pattern, tolerance, fs)
    if realigned is None:
        return None
    dropped, correlation, size_ratio = realigned
    pp = own - dropped
    earlier = _realigned(signal, peaks, dropped - pp, pattern, tolerance, fs)  # the P wave before the pause
    if earlier is None:
        return None
    _, before, _ = earlier
    match = PWaveMatch(min(correlation, before), size_ratio, pp * 1000.0 / fs)
    return DroppedPWave(match, _pr_shortening(signal, beats, pattern, own, pp, fs), post, f)


def _realigned(signal: np.ndarray, peaks: np.ndarray, start: int, pattern: np.ndarray, tolerance: int,
               fs: float) -> tuple[int, float, float] | None:
    """The pattern fitted near ``start`` (relative to each peak) in each window on its own, within
    ``tolerance``, and the windows' median once each is shifted to its own fit (Woody's method: the
    P-P cycle varies from pause to pause); where it lies (median of the fits), its correlation and
    size ratio. None when no window lies inside the record."""
    width = pattern.shape[-1] + 1
    peaks = peaks[(peaks + start - tolerance >= 0) & (peaks + start + tolerance + width <= signal.shape[-1])]
    if peaks.size == 0:
        return None
    windows = [np.nan_to_num(signal[:, peak + start - tolerance:peak + start + tolerance + width]) for peak in peaks]
    fits = [best_match(pattern, slope(window, fs))[0] for window in windows]
    aligned = np.median([window[:, fit:fit + width] for window, fit in zip(windows, fits)], axis=0)
    _, correlation, size_ratio = best_match(pattern, slope(aligned, fs))
    return start - tolerance + int(np.median(fits)), correlation, size_ratio


def _pr_shortening(signal: np.ndarray, beats: Beats, pattern: np.ndarray, own: int, pp: int,
                   fs: float) -> float | None:
    """How much longer the PR of the beats that start the pauses is than the post-pause PR: the
    post-pause P wave sought before those beats, from its own PR (less a tolerance) back to the
    longest PR that a pause of MIN_PAUSE_CYCLES leaves room for; None without such beats."""
    starting = pauses(beats)
    starting = starting[beats.usable[starting]]
    tolerance = int(round(PP_TOLERANCE_S * fs))
    first = own - int((2.0 - MIN_PAUSE_CYCLES) * pp) - tolerance
    last = own + tolerance
    before = median_window(signal, beats.r_peaks[starting], first, last + pattern.shape[-1] + 1)
    if before is None:
        return None
    offset, _, _ = best_match(pattern, slope(before, fs))
    return (own - first - offset) * 1000.0 / fs

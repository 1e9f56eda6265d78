"""Premature P waves that are not conducted: pauses that blocked premature atrial beats explain.

A premature atrial beat whose P wave comes while the AV node is still refractory is not conducted:
no QRS follows it, and the sinus node, reset by it, fires about one cycle later, so the RR across
it is a pause, shorter than two sinus cycles. Its P wave lands on or after the T wave of the beat
before the pause, where the other beats have their T wave alone. The beats that start the pauses
(``ecg.pauses.pauses``) are averaged (median) from ``QRS_END_OVERLAP_S`` before their QRS
ends to where the next sinus P wave would start (one median RR of the other beats later), the
other normal beats over the same stretch, and the difference keeps what only the pre-pause beats
have. The representative P wave (``ecg.blocked_p``'s flanks and smoothed first
differences) is slid over that difference, in either polarity, since an ectopic P wave may be
inverted; its best correlation (``blocked_pac_correlation``, at least
``BLOCKED_PAC_MIN_CORRELATION``) and size (within ``ecg.blocked_p.MAX_SIZE_RATIO``) say whether a
premature P wave is there; if so, every pause counts as a blocked premature atrial beat
(``blocked_premature_beats``).

It runs only where P waves precede the beats and no atrial rate apart from them was read: the
non-conducted P waves of AV block lie one P-P cycle after the previous P wave, not early
(``ecg.dropped_beats`` looks for those first). Where every other P wave is a blocked premature
one (blocked atrial bigeminy) the RRs are all alike and there is no pause to start from: that
rhythm is not found.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ecg.beats import Beats
from ecg.blocked_p import PWaveMatch, best_match, median_window, p_pattern, slope
from ecg.delineate import Fiducials
from ecg.pauses import pauses
from ecg.measurements import Measurements
from ecg.thresholds import BLOCKED_PAC_MIN_CORRELATION

QRS_END_OVERLAP_S = 0.03    # the difference starts this long before the QRS ends (a P wave right
#                             after the QRS keeps its leading flank) and ends where the next P starts


@dataclass(frozen=True)
class BlockedPrematureP:
    """The wave most like a P wave before the pauses, and the sinus cycle outside them."""

    match: PWaveMatch         # its pp_ms is the coupling interval: from the P wave before it
    sinus_cycle_ms: float     # median RR of the other normal beats


def blocked_premature_p_wave(signal: np.ndarray, beats: Beats, template: np.ndarray, f: Fiducials,
                             fs: float) -> BlockedPrematureP | None:
    """The representative P wave's best match, either polarity, in what the beats before the pauses
    of the (leads, samples) analysed signal have after their QRS and the other normal beats have
    not. None without a pause, a P wave, other normal beats to compare with, or room between the
    QRS and the next P wave."""
    starting = pauses(beats)
    found = p_pattern(template, f, fs)
    if starting.size == 0 or found is None:
        return None
    pattern, start = found
    normal = beats.dominant & (beats.kinds == "N")
    others = np.flatnonzero(normal[:-1] & ~np.isin(np.arange(normal.size - 1), starting)
                            & (np.diff(beats.r_peaks) < np.min(np.diff(beats.r_peaks)[starting])))
    if others.size == 0:
        return None
    sinus_cycle = int(np.median(np.diff(beats.r_peaks)[others]))
    first = f.qrs_offset - beats.r_index - int(round(QRS_END_OVERLAP_S * fs))
    stop = sinus_cycle + f.p_onset - beats.r_index            # the next sinus P wave's onset
    if stop - first <= pattern.shape[-1] + 1:
        return None
    before_pause = median_window(signal, beats.r_peaks[starting], first, stop)
    reference = median_window(signal, beats.r_peaks[others], first, stop)
    if before_pause is None or reference is None:
        return None
    difference = slope(before_pause - reference, fs)
    upright, inverted = best_match(pattern, difference), best_match(-pattern, difference)
    offset, correlation, size_ratio = max(upright, inverted, key=lambda match: match[1])
    coupling_ms = (first + offset - (start - beats.r_index)) * 1000.0 / fs
    return BlockedPrematureP(PWaveMatch(correlation, size_ratio, coupling_ms), sinus_cycle * 1000.0 / fs)


def read_blocked_pacs(result: Measurements, signal: np.ndarray, beats: Beats, template: np.ndarray,
                      f: Fiducials, fs: float) -> None:
    """Set ``blocked_pac_correlation`` and ``blocked_premature_beats`` (the pauses it explains, 0
    when no premature P wave is found) where the search can run, else note why not; where the
    pauses are explained, the atrial (sinus) rate is that of the beats outside them."""
    if result.pr_interval_ms is None or result.atrial_rate_bpm != result.heart_rate_bpm:
        why = "not sought: no P wave before the beats, or the atrial rate read apart from them"
    elif (found := blocked_premature_p_wave(signal, beats, template, f, fs)) is None:
        why = "no pause between beats with a P wave, or no beat to compare with"
    else:
        match = found.match
        result.blocked_pac_correlation = match.correlation
        explained = match.correlation >= BLOCKED_PAC_MIN_CORRELATION.value and match.alike_in_size
        result.blocked_premature_beats = pauses(beats).size if explained else 0
        result.notes["blocked_premature_beats"] = (
            f"a wave {match.pp_ms:.0f} ms after the P wave before each pause, {match.size_ratio:.2f} times its size "
            f"(correlation {match.correlation:.2f})")
        if explained:
            result.atrial_rate_bpm = 60_000.0 / found.sinus_cycle_ms
            result.notes["atrial_rate_bpm"] = ("sinus P waves between the pauses, which blocked premature atrial "
                                               "beats make")
        return
    result.notes["blocked_pac_correlation"] = result.notes["blocked_premature_beats"] = why

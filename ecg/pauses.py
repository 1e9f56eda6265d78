"""Pauses: RRs between two normal beats well longer than the sinus cycle, and the longest of them.

The sinus cycle is the median of the shorter half of the RRs between two normal dominant beats
(the longer half may hold the pauses); an RR at least ``PAUSE_RATIO`` times it is a pause. What a
pause holds decides what it is: a non-conducted P wave one P-P cycle on (AV block,
``ecg.dropped_beats``), an early P wave (a blocked premature atrial beat, ``ecg.blocked_pac``), or
no P wave at all, where the sinus node fell silent (sinus pause, or sinoatrial block when the pause
is a whole number of cycles; ``ecg.criteria_rhythm`` reads ``longest_pause_ms`` and
``pause_sinus_cycles``). The sinus rate outside the pauses is the rate those statements compare
with the bradycardia and tachycardia limits.
"""

from __future__ import annotations

import numpy as np

from ecg import thresholds as t
from ecg.beats import Beats
from ecg.measurements import Measurements

PAUSE_RATIO = 1.25          # an RR this many times the sinus cycle is a pause
ONE_CYCLE_BELOW = 1.5       # an RR under this many sinus cycles spans one cycle, however irregular
MIN_NORMAL_RRS = 3          # fewer RRs between normal beats give no sinus cycle


def _normal_rrs(beats: Beats) -> tuple[np.ndarray, np.ndarray]:
    """Every RR (samples) and which of them lie between two normal dominant beats."""
    normal = beats.dominant & (beats.kinds == "N")
    return np.diff(beats.r_peaks).astype(float), normal[:-1] & normal[1:]


def sinus_cycle(beats: Beats) -> float | None:
    """The median of the shorter half of the RRs between normal beats, in samples; None with
    fewer than MIN_NORMAL_RRS of them."""
    rr, both = _normal_rrs(beats)
    if int(both.sum()) < MIN_NORMAL_RRS:
        return None
    judged = rr[both]
    return float(np.median(judged[judged <= np.median(judged)]))


def pauses(beats: Beats) -> np.ndarray:
    """Indices i of the RRs from beat i to beat i + 1, both normal dominant beats, that are pauses;
    empty without a sinus cycle."""
    cycle = sinus_cycle(beats)
    if cycle is None:
        return np.array([], dtype=int)
    rr, both = _normal_rrs(beats)
    return np.flatnonzero(both & (rr >= PAUSE_RATIO * cycle))


def _one_cycle_rrs(beats: Beats, cycle: float) -> np.ndarray:
    """The RRs (samples) between normal beats that span one sinus cycle (under ONE_CYCLE_BELOW of
    it): the rhythm outside its pauses; never empty, as the cycle is the median of the shorter RRs."""
    rr, both = _normal_rrs(beats)
    return rr[both & (rr < ONE_CYCLE_BELOW * cycle)]


def _rr_spread(one_cycle: np.ndarray, cycle: float) -> float:
    """Longest minus shortest of the RRs outside the pauses, over the sinus cycle."""
    return float(one_cycle.max() - one_cycle.min()) / cycle


def regular_rr_outside_pauses(beats: Beats) -> float | None:
    """The mean RR (samples) outside the pauses where the rhythm there is regular (spread at most
    REGULAR_OUTSIDE_PAUSES_MAX_RR_SPREAD); None otherwise or without a sinus cycle."""
    cycle = sinus_cycle(beats)
    if cycle is None:
        return None
    one_cycle = _one_cycle_rrs(beats, cycle)
    if _rr_spread(one_cycle, cycle) > t.REGULAR_OUTSIDE_PAUSES_MAX_RR_SPREAD.value:
        return None
    return float(one_cycle.mean())


def read_pauses(result: Measurements, beats: Beats, fs: float) -> None:
    """Set ``longest_pause_ms`` (the longest RR between normal beats), ``pause_sinus_cycles`` (it
    over the sinus cycle), ``sinus_rr_spread`` (``_rr_spread``: how regular the rhythm is outside its
    pauses) and ``sinus_rate_outside_pauses_bpm`` (the rate of the RRs outside the pauses), or
    note why they cannot be read."""
    cycle = sinus_cycle(beats)
    if cycle is None:
        why = f"fewer than {MIN_NORMAL_RRS} RRs between normal beats"
        for name in ("longest_pause_ms", "pause_sinus_cycles", "sinus_rr_spread", "sinus_rate_outside_pauses_bpm"):
            result.notes[name] = why
        return
    rr, both = _normal_rrs(beats)
    longest = float(rr[both].max())
    result.longest_pause_ms = longest * 1000.0 / fs
    result.pause_sinus_cycles = longest / cycle
    one_cycle = _one_cycle_rrs(beats, cycle)
    result.sinus_rr_spread = _rr_spread(one_cycle, cycle)
    result.sinus_rate_outside_pauses_bpm = 60.0 * fs / float(one_cycle.mean())

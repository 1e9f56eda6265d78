"""Global fiducials of a representative beat, taken across all its leads at once (the CSE way).

QRS onset and offset are the mean of two estimates from the leads' slopes: where the slopes,
each scaled to its own QRS and averaged, stay above a fraction of their maximum (and above their
noise); and the earliest onset and latest offset of the leads one by one, among the leads that
agree with the others (a lead vote, as the Glasgow and GE 12SL programs take); a paced QRS starts
at its pacing pulse and ends where the velocity estimate says. P and T waves are found on the
spatial magnitude (norm over leads) of the smoothed, baseline-corrected leads, their outer ends
by the trapezium method (Vazquez-Seisdedos et al. 2011, IEEE TBME 58:2867), which needs no
amplitude threshold.

Every threshold and calibration shift below was tuned on the odd-numbered LUDB records only;
benchmarks/intervals.py reports them and the held-out even-numbered records apart.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import uniform_filter1d

from ecg.pacing import SPIKE_HALF_WIDTH_S

# QRS
QRS_SEARCH_S = 0.2               # the QRS ends within this of the R peak
QRS_CORE_S = 0.06                # the steepest QRS slope lies within this of the R peak
QRS_SCALE_FLOOR = 0.5            # a lead's slope scale is at least this x the median lead's
VELOCITY_SMOOTHING_S = 0.006     # moving average of the scaled velocity
QRS_ONSET_FRACTION = 0.05        # scaled velocity / its QRS maximum at QRS onset
QRS_OFFSET_FRACTION = 0.05       # ... and at QRS offset
VELOCITY_FLOOR_PERCENTILE = 20   # ... plus the velocity's floor: this percentile of it over the beat
#                                  (noise raises the floor; a floor added to the threshold, rather
#                                  than a noise multiple that replaces it, keeps the ends steady:
#                                  odd LUDB records with 10-50 uV of added white noise, QRS SD
#                                  10.6-11.4 ms, against 14.0-16.0 with 5 x a noise estimate)
QUIET_RUN_S = 0.008              # the velocity must stay below the threshold this long
LEAD_QRS_FRACTION = 0.08         # one lead's smoothed slope / its QRS maximum at its QRS ends
LEAD_VOTE_FLOOR = 0.3            # a lead whose steepest QRS slope is below this x the median lead's
#                                  does not vote
LEAD_OUTLIER_S = 0.02            # a lead's end further than this from the leads' median is left out
# LUDB's reference takes the earliest onset and the latest offset of 12 leads annotated one by
# one; both estimates find the QRS later and end it earlier by about this:
QRS_ONSET_SHIFT_S = 0.012
QRS_OFFSET_SHIFT_S = 0.012
PR_BASELINE_S = 0.02             # isoelectric level: the mean over this span before QRS onset
# A paced QRS starts at its pacing stimulus: LUDB's experts start it just after the pulse (about
# 4 and 6 ms after it on the odd paced records 111 and 93), where the pulse, cut out over
# +-SPIKE_HALF_WIDTH_S (ecg.pacing), ends. The slope estimates cannot see this: the cut leaves a
# ramp before the QRS, and the QRS rises only some time after the pulse.

# T wave
T_SMOOTHING_S = 0.03             # moving average of each lead before the magnitude is taken
T_START_AFTER_QRS_S = 0.08       # the T wave peaks no earlier than this after QRS offset,
T_PEAK_MAX_QTC_S = 0.45          # before QRS onset + this x sqrt(RR / 1 s),
T_END_MAX_QTC_S = 0.6            # and ends before QRS onset + this x sqrt(RR / 1 s) (QTc 600 ms)
T_SEARCH_RR_SHARE = 0.8          # and before this share of the RR after QRS onset,
T_END_BEFORE_NEXT_QRS_S = 0.02   # and this long before the next beat's QRS onset where that beat
#                                  comes early (a PVC right after the T wave, as in bigeminy),
T_MIN_DESCENT_S = 0.06           # its peak at least this long before that
TRAPEZIUM_REFERENCE_S = 0.15     # trapezium reference point: this far past the steepest slope
T_END_FRACTION = 0.05            # T ends at the latest where its magnitude is within this share
T_FLOOR_SPAN_S = 0.1             # of its height above the lowest level in the span after it
T_OFFSET_SHIFT_S = 0.016         # calibration towards LUDB's latest-T-offset-of-12-leads rule
T_HALF_DOWN = 0.5                # the T wave's steepest fall lies within T_DESCENT_SPAN x the time
T_DESCENT_SPAN = 1.5             # from its peak to where it is this share down to the lowest level

# P wave
P_SEARCH_S = 0.4                 # P onset lies within this before QRS onset,
P_GAP_AFTER_T_S = 0.04           # at least this long after the previous beat's T offset;
P_END_GAP_S = 0.02               # the P peak at the latest this before QRS onset
P_EDGE_LEVEL_S = 0.01            # a lead's level at either end of the P search: mean over this
P_SMOOTHING_S = 0.04             # moving average of each lead before the magnitude is taken
P_MIN_AMPLITUDE_MV = 0.04        # spatial P magnitude for a P wave to count
P_HUMP_FRACTION = 0.5            # both humps of a notched P: its ends are sought outward from the
#                                  outermost samples around the peak above this share of it
P_ONSET_REFERENCE_S = 0.08       # trapezium reference points of the P wave's two ends
P_OFFSET_REFERENCE_S = 0.08
P_DURATION_S = (0.04, 0.2)       # a "P wave" outside this span is something else (LUDB's global
#                                  P durations reach 0.19 s)


@dataclass(frozen=True)
class Fiducials:
    """Sample indices into the representative beat; None where the wave was not found."""

    qrs_onset: int | None
    qrs_offset: int | None
    t_peak: int | None = None
    t_offset: int | None = None
    p_onset: int | None = None
    p_peak: int | None = None
    p_offset: int | None = None


def qrs_velocity(beat: np.ndarray, r_index: int, fs: float) -> np.ndarray:
    """Each lead's absolute slope scaled to its own QRS maximum (at least ``QRS_SCALE_FLOOR`` x the
    median lead's, so that a lead without QRS adds no noise), averaged over leads: a small lead's
    early or late QRS activity counts about as much as a large lead's."""
    slope = np.abs(np.gradient(beat, axis=-1))
    core = slice(max(0, r_index - int(QRS_CORE_S * fs)), r_index + int(QRS_CORE_S * fs))
    top = slope[:, core].max(axis=-1, keepdims=True)
    top = np.maximum(top, QRS_SCALE_FLOOR * np.median(top))
    if not np.all(top > 0):
        return np.zeros(beat.shape[-1])
    return uniform_filter1d((slope / top).mean(axis=0), max(1, int(round(VELOCITY_SMOOTHING_S * fs))))


def spatial_magnitude(beat: np.ndarray, baseline: np.ndarray) -> np.ndarray:
    """Norm over leads of each lead's distance from its isoelectric level (mV)."""
    centred = beat - baseline[:, None]
    return np.sqrt((centred * centred).sum(axis=0))


def qrs_bounds(beat: np.ndarray, r_index: int, fs: float,
               stimulus: int | None = None) -> tuple[int | None, int | None]:
    """QRS onset and offset: the mean of the velocity and the lead-vote estimates (the velocity
    one alone where no lead votes), moved by the calibration shifts. A paced QRS (``stimulus``:
    its pacing pulse) starts at the pulse and ends where the velocity estimate says: its leads
    are slow waves, each of whose slope falls quiet at its extremum, mid-QRS, so they cannot vote."""
    onset, offset = velocity_qrs_bounds(beat, r_index, fs)
    if onset is None or offset is None:
        return None, None
    voted_onset, voted_offset = lead_vote_qrs_bounds(beat, r_index, fs)
    if stimulus is None and voted_onset is not None and voted_offset is not None:
        onset, offset = (onset + voted_onset) // 2, (offset + voted_offset + 1) // 2
    onset -= int(round(QRS_ONSET_SHIFT_S * fs))
    if stimulus is not None:
        onset = min(stimulus + int(round(SPIKE_HALF_WIDTH_S * fs)), r_index)
    return max(0, onset), min(beat.shape[-1] - 1, offset + int(round(QRS_OFFSET_SHIFT_S * fs)))


def velocity_qrs_bounds(beat: np.ndarray, r_index: int, fs: float) -> tuple[int | None, int | None]:
    """Walking outward from the velocity peak, the first samples where the scaled velocity stays
    below a fraction of its peak plus its floor for ``QUIET_RUN_S`` (or, failing that, its lowest
    point in the search range)."""
    velocity = qrs_velocity(beat, r_index, fs)
    search = int(QRS_SEARCH_S * fs)
    lo, hi = max(0, r_index - search), min(velocity.size, r_index + search)
    core_lo = max(lo, r_index - int(QRS_CORE_S * fs))
    peak = core_lo + int(np.argmax(velocity[core_lo:r_index + int(QRS_CORE_S * fs)]))
    top = velocity[peak]
    if not np.isfinite(top) or top <= 0 or peak - lo < 2 or hi - peak < 2:
        return None, None
    run = max(1, int(round(QUIET_RUN_S * fs)))
    before = velocity[lo:peak][::-1]
    after = velocity[peak:hi]
    floor = float(np.percentile(velocity, VELOCITY_FLOOR_PERCENTILE))
    onset = _quiet_edge(before < QRS_ONSET_FRACTION * top + floor, run)
    offset = _quiet_edge(after < QRS_OFFSET_FRACTION * top + floor, run)
    onset = peak - 1 - (int(np.argmin(before)) if onset is None else onset)
    offset = peak + (int(np.argmin(after)) if offset is None else offset)
    return onset, offset


def lead_vote_qrs_bounds(beat: np.ndarray, r_index: int, fs: float) -> tuple[int | None, int | None]:
    """Each voting lead's QRS ends (where its smoothed slope stays below ``LEAD_QRS_FRACTION`` of
    its QRS maximum), then the earliest onset and the latest offset among the leads within
    ``LEAD_OUTLIER_S`` of the leads' median; Nones where no lead has both ends."""
    smoothing = max(1, int(round(VELOCITY_SMOOTHING_S * fs)))
    slope = uniform_filter1d(np.abs(np.gradient(beat, axis=-1)), smoothing, axis=-1)
    core_lo, core_hi = max(0, r_index - int(QRS_CORE_S * fs)), r_index + int(QRS_CORE_S * fs)
    lo, hi = max(0, r_index - int(QRS_SEARCH_S * fs)), min(beat.shape[-1], r_index + int(QRS_SEARCH_S * fs))
    peaks = core_lo + np.argmax(slope[:, core_lo:core_hi], axis=-1)
    tops = slope[np.arange(len(slope)), peaks]
    run = max(1, int(round(QUIET_RUN_S * fs)))
    onsets, offsets = [], []
    for lead in np.flatnonzero((tops > 0) & (tops >= LEAD_VOTE_FLOOR * np.median(tops))):
        quiet = slope[lead] < LEAD_QRS_FRACTION * tops[lead]
        onset = _quiet_edge(quiet[lo:peaks[lead]][::-1], run)
        offset = _quiet_edge(quiet[peaks[lead]:hi], run)
        if onset is not None and offset is not None:
            onsets.append(peaks[lead] - 1 - onset)
            offsets.append(peaks[lead] + offset)
    if not onsets:
        return None, None
    return _outer(onsets, LEAD_OUTLIER_S * fs, earliest=True), _outer(offsets, LEAD_OUTLIER_S * fs, earliest=False)


def isoelectric_level(beat: np.ndarray, qrs_onset: int, fs: float) -> np.ndarray:
    """Each lead's level just before QRS onset (the PR segment), the reference for amplitudes."""
    span = max(1, int(PR_BASELINE_S * fs))
    return beat[:, max(0, qrs_onset - span):qrs_onset + 1].mean(axis=-1)


def t_wave(beat: np.ndarray, baseline: np.ndarray, qrs_onset: int, qrs_offset: int, rr_samples: float,
           fs: float, rr_after: float | None = None) -> tuple[int | None, int | None]:
    """T peak (spatial magnitude maximum) and T offset (trapezium after the steepest descent),
    searched within rate-corrected limits so that the next P wave is not taken for a T wave, and
    before the next QRS where it comes early (``rr_after`` shorter than ``rr_samples``)."""
    smooth = uniform_filter1d(beat, max(1, int(T_SMOOTHING_S * fs)), axis=-1)
    magnitude = spatial_magnitude(smooth, baseline)
    rr_root = np.sqrt(rr_samples / fs)
    early = rr_after is not None and rr_after < rr_samples
    next_qrs = qrs_onset + int(rr_after - T_END_BEFORE_NEXT_QRS_S * fs) if early else magnitude.size
    start = qrs_offset + int(T_START_AFTER_QRS_S * fs)
    peak_stop = min(magnitude.size - 1, qrs_onset + int(T_PEAK_MAX_QTC_S * rr_root * fs),
                    next_qrs - int(T_MIN_DESCENT_S * fs))
    stop = min(magnitude.size - 1, qrs_onset + int(T_END_MAX_QTC_S * rr_root * fs),
               qrs_onset + int(T_SEARCH_RR_SHARE * rr_samples), next_qrs)
    if peak_stop - start < int(0.04 * fs) or stop <= peak_stop:
        return None, None
    peak = start + int(np.argmax(magnitude[start:peak_stop]))
    # the steepest fall is sought on the T wave's own descent, not on a later wave's (an f wave)
    lowest = magnitude[peak:stop].min()
    half = np.flatnonzero(magnitude[peak:stop] <= lowest + T_HALF_DOWN * (magnitude[peak] - lowest))
    descent = int(np.ceil(T_DESCENT_SPAN * half[0])) + 1 if half.size else None
    end = _trapezium_end(magnitude, peak, stop, int(TRAPEZIUM_REFERENCE_S * fs), forward=True,
                         descent=descent)
    if end is None:
        return peak, None
    # a small T on a noisy tail lets the trapezium drift late: end no later than where the
    # magnitude has come down to within T_END_FRACTION of the level that follows it
    floor = magnitude[end:end + int(T_FLOOR_SPAN_S * fs) + 1].min()
    down = np.flatnonzero(magnitude[peak:end + 1] < floor + T_END_FRACTION * (magnitude[peak] - floor))
    if down.size:
        end = peak + int(down[0])
    return peak, min(magnitude.size - 1, end + int(round(T_OFFSET_SHIFT_S * fs)))


def p_wave(beat: np.ndarray, qrs_onset: int, search_start: int,
           fs: float) -> tuple[int | None, int | None, int | None]:
    """P onset, peak and offset on the spatial magnitude before QRS onset, each lead measured
    from a straight line between its levels at the search start and at QRS onset; Nones when the
    window holds no wave that stands out (atrial fibrillation, or P hidden in the T wave)."""
    start = max(search_start, qrs_onset - int(P_SEARCH_S * fs), 0)
    stop = qrs_onset - int(P_END_GAP_S * fs)
    if stop - start < int(0.06 * fs):
        return None, None, None
    edge = max(1, int(P_EDGE_LEVEL_S * fs))
    start_level = beat[:, start:start + edge].mean(axis=-1)
    end_level = beat[:, qrs_onset - edge:qrs_onset + 1].mean(axis=-1)
    ramp = np.linspace(0.0, 1.0, qrs_onset - start + 1)
    window = beat[:, start:qrs_onset + 1] - (start_level[:, None] + (end_level - start_level)[:, None] * ramp)
    window = uniform_filter1d(window, max(1, int(P_SMOOTHING_S * fs)), axis=-1)
    magnitude = np.sqrt((window * window).sum(axis=0))
    peak = int(np.argmax(magnitude[:stop - start]))
    if magnitude[peak] < P_MIN_AMPLITUDE_MV:
        return None, None, None
    first, last = _region_above(magnitude, peak, P_HUMP_FRACTION * magnitude[peak])
    onset = _trapezium_end(magnitude, first, 0, int(P_ONSET_REFERENCE_S * fs), forward=False)
    offset = _trapezium_end(magnitude, last, magnitude.size, int(P_OFFSET_REFERENCE_S * fs), forward=True)
    if onset is None or offset is None or not P_DURATION_S[0] * fs <= offset - onset <= P_DURATION_S[1] * fs:
        return None, None, None
    return start + onset, start + peak, start + offset


def delineate(beat: np.ndarray, r_index: int, fs: float, rr_samples: float,
              stimulus: int | None = None, rr_after: float | None = None) -> Fiducials:
    """All global fiducials of a (leads, samples) representative beat whose R peak is at r_index.
    ``rr_samples``: the RR that the beat ends, which sets the rate-corrected T-wave limits and
    where the previous T wave ends (the P search starts after it); ``rr_after``: the RR to the
    next beat, whose QRS the T search stops before where it comes early (as in bigeminy);
    ``stimulus``: the sample of the pacing pulse of a paced beat, where its QRS starts."""
    qrs_onset, qrs_offset = qrs_bounds(beat, r_index, fs, stimulus)
    if qrs_onset is None or qrs_offset is None or qrs_offset <= qrs_onset:  # (a pulse after the QRS ended)
        return Fiducials(None, None)
    # the isoelectric level and the P wave lie before the ventricles' activation or its pacing pulse
    activation = qrs_onset if stimulus is None else max(0, stimulus - int(round(SPIKE_HALF_WIDTH_S * fs)))
    baseline = isoelectric_level(beat, activation, fs)
    t_peak, t_offset = t_wave(beat, baseline, qrs_onset, qrs_offset, rr_samples, fs, rr_after)
    previous_t_end = r_index - rr_samples + ((t_offset or qrs_offset) - r_index)
    p_onset, p_peak, p_offset = p_wave(beat, activation,
                                       int(previous_t_end + P_GAP_AFTER_T_S * fs), fs)
    return Fiducials(qrs_onset, qrs_offset, t_peak, t_offset, p_onset, p_peak, p_offset)


def _outer(values: list[int], outlier: float, earliest: bool) -> int:
    """The earliest (or latest) value among those within ``outlier`` of their median (at least
    the one nearest to it)."""
    array = np.asarray(values)
    distance = np.abs(array - np.median(array))
    kept = array[distance <= max(outlier, distance.min())]
    return int(kept.min() if earliest else kept.max())


def _region_above(curve: np.ndarray, peak: int, level: float) -> tuple[int, int]:
    """First and last index of the run of samples around ``peak`` that stay at or above level."""
    below = np.flatnonzero(curve < level)
    before, after = below[below < peak], below[below > peak]
    return (int(before[-1]) + 1 if before.size else 0,
            int(after[0]) - 1 if after.size else curve.size - 1)


def _quiet_edge(below: np.ndarray, run: int) -> int | None:
    """Index of the first sample that starts ``run`` consecutive True values, or None."""
    if below.size < run:
        return None
    window_sums = np.convolve(below.astype(int), np.ones(run, dtype=int), mode="valid")
    hits = np.flatnonzero(window_sums == run)
    return int(hits[0]) if hits.size else None


def _trapezium_end(curve: np.ndarray, start: int, limit: int, reference: int, forward: bool,
                   descent: int | None = None) -> int | None:
    """Where a wave on ``curve`` ends, walking from ``start`` (its peak) towards ``limit``.

    From the steepest fall between start and limit, each candidate point spans a trapezium with
    the slope point and a reference point further on; the wave ends at the largest trapezium.
    """
    step = 1 if forward else -1
    if (limit - start) * step < 3:
        return None
    path = np.arange(start, limit, step)
    values = curve[path]
    steepest = int(np.argmin(np.diff(values)[:descent]))  # steepest fall walking away from the peak
    reference_pos = min(len(path) - 1, steepest + reference)
    if reference_pos <= steepest:
        return int(path[steepest])
    candidates = np.arange(steepest, reference_pos + 1)
    areas = (values[steepest] - values[candidates]) * (2 * reference_pos - candidates - steepest)
    return int(path[candidates[np.argmax(areas)]])

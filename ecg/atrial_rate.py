"""Where the atrial rate comes from when it is not simply the heart rate.

``ecg.measure`` sets the atrial rate to the heart rate where P waves precede most beats, and
leaves it unread where they do not. ``read_atrial_rate`` then looks, in this order, for:

- regular flutter (F) waves outside the QRS well faster than the ventricles (``ecg.atrial``):
  their rate, and the wave before each QRS is an F wave, not a P wave;
- in a regular rhythm without P waves before its beats, P waves that march through apart from
  them (``ecg.dissociation``): AV dissociation;
- where P waves precede the beats, more evenly between them (``ecg.blocked_p``): 2:1 AV block, or
  3:1 and 4:1 high-grade block, that many times the ventricular rate;
- a P wave in the pauses of grouped beating (``ecg.dropped_beats``): dropped beats.

Each search's score is a Measurements field (atrial_periodicity, dissociated_p_periodicity,
blocked_p_correlation, dropped_p_correlation), null with a note where it did not run; the last
search also gives pr_shortening_after_pause_ms, which tells Mobitz I from Mobitz II block.
"""

from __future__ import annotations

import numpy as np

from ecg.atrial import AtrialActivity, atrial_activity
from ecg.beats import IRREGULAR_RHYTHM, Beats
from ecg.blocked_p import blocked_p_wave
from ecg.delineate import Fiducials
from ecg.dissociation import dissociated_p_waves
from ecg.dropped_beats import DroppedPWave, dropped_p_waves
from ecg.lead_values import axis_deg
from ecg.measurements import Measurements
from ecg.pauses import regular_rr_outside_pauses
from ecg.thresholds import (ATRIAL_PERIODIC_MIN_CORRELATION, BLOCKED_P_MIN_CORRELATION,
                            DISSOCIATED_P_MIN_CORRELATION, DROPPED_P_MIN_CORRELATION)

# Regular atrial waves (ecg.atrial) at least this many times the ventricular rate are flutter (F)
# waves, and what looked like a P wave before the QRS is one of them. In a regular ventricular
# rhythm the conduction is fixed (2:1, 3:1, ...), so the atrial cycle is read only at whole
# fractions of the RR (a sinus tachycardia's P and T waves can repeat at another lag; T waves pull
# the free best lag by up to 6 %).
FLUTTER_MIN_ATRIAL_TO_VENTRICULAR = 1.5
FIXED_CONDUCTION_RATIOS = (2, 3, 4, 5, 6)
FIXED_BLOCK_RATIOS = (2, 3, 4)      # P waves per QRS searched for non-conducted sinus P waves
POST_PAUSE_P_NOTE = "from the beats that end the pauses (dropped beats), whose P wave keeps one PR"
_NO_PAUSE_PR_PAIR = ("not sought: the atrial rate is read apart from the beats (flutter, dissociated P waves or "
                     "fixed-ratio block: no pauses to set the PR before a blocked P wave against the one after)")


def read_atrial_rate(result: Measurements, signal: np.ndarray, leads: list[str], beats: Beats,
                     template: np.ndarray, f: Fiducials, rr_samples: float, fs: float) -> None:
    """Run the searches above on the analysed (leads, samples) signal and its representative beat."""
    _flutter_waves(result, signal, leads, beats, f, fs)
    _dissociated_p_waves(result, signal, leads, beats, template, f, fs)
    _blocked_p_waves(result, signal, beats, template, f, rr_samples, fs)
    _dropped_p_waves(result, signal, leads, beats, fs)


def _flutter_waves(result: Measurements, signal: np.ndarray, leads: list[str], beats: Beats, f: Fiducials,
                   fs: float) -> None:
    """Where regular atrial waves run well faster than the ventricles, their rate is the atrial
    rate and no beat has a P wave: the wave before each QRS is one of those atrial waves."""
    activity = atrial_activity(signal, leads, beats, f, fs)
    if activity is None:
        result.notes["atrial_periodicity"] = "too little signal outside the QRS complexes"
        return
    regular_rate = _regular_ventricular_rate(result, beats, fs)
    if regular_rate is not None:
        activity = _fixed_conduction(activity, regular_rate)
        if activity is None:
            result.notes["atrial_periodicity"] = ("regular ventricular rhythm, and no whole multiple of its "
                                                  "rate is an atrial cycle that can be read")
            return
    result.atrial_periodicity = activity.periodicity
    if activity.periodicity < ATRIAL_PERIODIC_MIN_CORRELATION.value or not result.heart_rate_bpm:
        return
    if activity.rate_bpm < FLUTTER_MIN_ATRIAL_TO_VENTRICULAR * result.heart_rate_bpm:
        return
    result.drop_p_waves(f"regular atrial waves at {activity.rate_bpm:.0f}/min (periodicity "
                        f"{activity.periodicity:.2f}), not P waves")
    result.atrial_rate_bpm = activity.rate_bpm
    del result.notes["atrial_rate_bpm"]
    result.p_wave_present_share = 0.0
    for beat in result.beats:
        beat.p_wave = False


def _dissociated_p_waves(result: Measurements, signal: np.ndarray, leads: list[str], beats: Beats,
                         template: np.ndarray, f: Fiducials, fs: float) -> None:
    """In a regular rhythm whose beats have no P wave before them (and no flutter waves), P waves
    that march through at their own rate, faster than the beats, give the atrial rate: the atria
    and ventricles beat apart (AV dissociation)."""
    if not result.heart_rate_bpm:
        return
    if result.atrial_rate_bpm is not None:
        result.notes["dissociated_p_periodicity"] = ("not sought: the atrial rate is read already (P waves "
                                                     "before the beats, or flutter waves)")
        return
    if (result.rr_irregularity or 0.0) > IRREGULAR_RHYTHM:
        result.notes["dissociated_p_periodicity"] = "irregular rhythm"
        return
    found = dissociated_p_waves(signal, leads, beats, template, f, fs)
    if found is None:
        result.notes["dissociated_p_periodicity"] = "no cycle apart from the beats' own could be read"
        return
    result.dissociated_p_periodicity = found.periodicity
    if found.periodicity < DISSOCIATED_P_MIN_CORRELATION.value:
        return
    if found.rate_bpm <= result.heart_rate_bpm:
        # Flutter waves locked to the beats (fixed 4:1) cancel with the QRS-T and leave a residual
        # that repeats at some slower lag: only P waves that outnumber the beats are read.
        result.notes["atrial_rate_bpm"] = (f"a cycle of {found.rate_bpm:.0f}/min apart from the beats, no faster than "
                                           "they are: not read as P waves")
        return
    result.atrial_rate_bpm = found.rate_bpm
    result.notes["atrial_rate_bpm"] = (f"P waves independent of the QRS (periodicity {found.periodicity:.2f} after "
                                       "subtracting the mean QRS-T)")


def _blocked_p_waves(result: Measurements, signal: np.ndarray, beats: Beats, template: np.ndarray,
                     f: Fiducials, rr_samples: float, fs: float) -> None:
    """Where a P wave precedes the beats, more like it evenly between them: only every ratio-th P
    wave is conducted (2:1, or 3:1 and 4:1 high-grade AV block), and the atrial rate is that many
    times the ventricular one. The highest ratio whose blocked P waves are all found wins (4:1
    block has a P wave midway too)."""
    if result.pr_interval_ms is None or result.atrial_rate_bpm != result.heart_rate_bpm:
        result.notes["blocked_p_correlation"] = ("not sought: no P wave before the beats, or the atrial rate "
                                                 "read apart from them")
        return
    found = {ratio: match for ratio in FIXED_BLOCK_RATIOS
             if (match := blocked_p_wave(signal, beats, template, f, rr_samples, fs, ratio)) is not None}
    if not found:
        result.notes["blocked_p_correlation"] = ("nowhere to look: the P-P cycles after the P wave lie before the "
                                                 "T wave ends, or too few beats have signal there")
        return
    blocked = [ratio for ratio, match in found.items()
               if match.correlation >= BLOCKED_P_MIN_CORRELATION.value and match.alike_in_size]
    ratio = max(blocked, default=max(found, key=lambda k: found[k].correlation))
    match = found[ratio]
    result.blocked_p_correlation = match.correlation
    if not blocked:
        return
    result.atrial_rate_bpm = ratio * result.heart_rate_bpm
    result.notes["atrial_rate_bpm"] = (f"{ratio - 1} non-conducted P wave{'s' if ratio > 2 else ''} between the "
                                       f"conducted ones, {match.pp_ms:.0f} ms apart ({ratio}:1; correlation "
                                       f"{match.correlation:.2f}, size ratio {match.size_ratio:.2f})")


def _dropped_p_waves(result: Measurements, signal: np.ndarray, leads: list[str], beats: Beats, fs: float) -> None:
    """Where the beats fall into groups ended by pauses, a P wave in each pause one P-P before the
    P wave that ends it (and one after the P wave before it): dropped beats, and the atrial rate
    is that of the P waves; and how much the PR shortens across the pauses (the Mobitz type)."""
    if result.atrial_rate_bpm is not None and result.atrial_rate_bpm != result.heart_rate_bpm:
        result.notes["dropped_p_correlation"] = "not sought: the atrial rate is read apart from the beats"
        result.notes["pr_shortening_after_pause_ms"] = _NO_PAUSE_PR_PAIR
        return
    found = dropped_p_waves(signal, beats, fs)
    if found is None:
        result.notes["dropped_p_correlation"] = "no pause ended by a beat with a P wave"
        result.notes["pr_shortening_after_pause_ms"] = result.notes["dropped_p_correlation"]
        return
    match = found.match
    result.dropped_p_correlation = match.correlation
    if match.correlation < DROPPED_P_MIN_CORRELATION.value or not match.alike_in_size:
        result.notes["pr_shortening_after_pause_ms"] = "no non-conducted P wave in the pauses"
        return
    result.atrial_rate_bpm = 60_000.0 / match.pp_ms
    result.notes["atrial_rate_bpm"] = (f"a non-conducted P wave in the pauses, {match.pp_ms:.0f} ms before the P wave "
                                       f"that ends each (correlation {match.correlation:.2f})")
    result.pr_shortening_after_pause_ms = found.pr_shortening_ms
    if found.pr_shortening_ms is None:
        result.notes["pr_shortening_after_pause_ms"] = "no beat before a pause with its P wave inside the record"
    if result.pr_interval_ms is None:    # Wenckebach block: the PR changes from beat to beat
        _post_pause_p_wave(result, found, leads, fs)


def _post_pause_p_wave(result: Measurements, found: DroppedPWave, leads: list[str], fs: float) -> None:
    """Where the PR changes from beat to beat, the P duration and axis of the beats that end the
    pauses, whose P wave keeps one PR; the PR itself stays unmeasured."""
    result.notes["pr_interval_ms"] = "P waves at PRs that change from beat to beat (dropped beats): no one PR"
    f = found.post_pause_fiducials
    result.p_duration_ms = (f.p_offset - f.p_onset) * 1000.0 / fs
    result.p_axis_deg, reason = axis_deg(found.post_pause_beat, leads, f, "p", fs)
    result.notes["p_duration_ms"] = POST_PAUSE_P_NOTE
    result.notes["p_axis_deg"] = reason or POST_PAUSE_P_NOTE


def _regular_ventricular_rate(result: Measurements, beats: Beats, fs: float) -> float | None:
    """The rate of a regular ventricular rhythm: the heart rate; or, where only pauses make the
    rhythm irregular, the rate of the RRs outside them (a sinus rhythm with one pause still
    conducts 1:1); None for an irregular rhythm."""
    if not result.heart_rate_bpm:
        return None
    if (result.rr_irregularity or 0.0) <= IRREGULAR_RHYTHM:
        return result.heart_rate_bpm
    outside = regular_rr_outside_pauses(beats)
    return None if outside is None else 60.0 * fs / outside


def _fixed_conduction(activity: AtrialActivity, heart_rate_bpm: float) -> AtrialActivity | None:
    """The activity at the whole multiple of the ventricular rate where it repeats best; None when
    no multiple lies among the cycles tried."""
    readings = [reading for ratio in FIXED_CONDUCTION_RATIOS
                if (reading := activity.at_rate(ratio * heart_rate_bpm)) is not None
                and np.isfinite(reading.periodicity)]
    return max(readings, key=lambda reading: reading.periodicity, default=None)

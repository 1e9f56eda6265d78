"""Rhythm statements: sinus rhythm and its rate variants, sinus pauses and sinoatrial block,
atrial fibrillation and flutter, supraventricular tachycardia, pacing, premature complexes and
bigeminy."""

from __future__ import annotations

import math
from statistics import fmean

import numpy as np

from ecg import thresholds as t
from ecg.beats import PREMATURE_RR_RATIO, pair_irregularity
from ecg.criteria_qrs import qrs_check
from ecg.criteria_types import Criterion, Outcome, Statement, check, statement
from ecg.measurements import Beat, Measurements


def sinus_origin(m: Measurements) -> list[Criterion] | None:
    """Evidence that the beats are sinus-conducted: P waves before most beats (with dropped beats,
    where the PR changes from beat to beat: P waves in step through the pauses), a sinus P axis."""
    p_share = check("p_wave_present_share", m.p_wave_present_share, ">=", t.SINUS_P_WAVE_MIN_SHARE)
    if p_share is None and m.dropped_p_correlation is not None:
        p_share = check("dropped_p_correlation", m.dropped_p_correlation, ">=", t.DROPPED_P_MIN_CORRELATION)
    if p_share is None:
        return None
    if m.p_axis_deg is None:
        return [p_share]
    axis = [check("p_axis_deg", m.p_axis_deg, ">=", t.SINUS_P_AXIS_MIN_DEG),
            check("p_axis_deg", m.p_axis_deg, "<=", t.SINUS_P_AXIS_MAX_DEG)]
    return None if None in axis else [p_share, *axis]


def nn_runs(beats: list[Beat], kinds: tuple[str, ...] = ("N",)) -> list[list[float]]:
    """NN intervals (RR between two consecutive normal "N" beats, or beats of ``kinds``), in runs
    not broken by ectopy."""
    runs: list[list[float]] = [[]]
    for previous, beat in zip(beats, beats[1:]):
        if previous.kind in kinds and beat.kind in kinds and beat.rr_ms is not None:
            runs[-1].append(beat.rr_ms)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def sinus_cycles_ms(beats: list[Beat]) -> list[float]:
    """The NN intervals, and half of each span from a normal beat to the next across one PVC with
    a full compensatory pause: a PVC that leaves the sinus node alone is followed by a pause that
    makes that span two sinus cycles (within the prematurity ratio of two median NN intervals,
    where there are NN intervals: in ventricular bigeminy no two normal beats are in a row)."""
    nn = [rr for run in nn_runs(beats) for rr in run]
    cycle = float(np.median(nn)) if nn else None
    halves = []
    for before, ectopic, after in zip(beats, beats[1:], beats[2:]):
        if (before.kind, ectopic.kind, after.kind) != ("N", "V", "N") or None in (ectopic.rr_ms, after.rr_ms):
            continue
        half = (ectopic.rr_ms + after.rr_ms) / 2.0
        paused = ectopic.rr_ms < PREMATURE_RR_RATIO * after.rr_ms
        if paused and (cycle is None or PREMATURE_RR_RATIO < half / cycle < 1.0 / PREMATURE_RR_RATIO):
            halves.append(half)
    return nn + halves


def nn_range_ms(beats: list[Beat]) -> float | None:
    """Longest minus shortest sinus cycle (``sinus_cycles_ms``) once the most extreme ones are
    dropped; None if too few."""
    dropped = int(t.RR_RANGE_OUTLIERS_DROPPED.value)
    nn = sorted(sinus_cycles_ms(beats))
    kept = nn[dropped:len(nn) - dropped]
    return kept[-1] - kept[0] if len(kept) >= 2 else None


def nn_irregularity(beats: list[Beat], kinds: tuple[str, ...] = ("N",)) -> float | None:
    """RMSSD of successive NN intervals (``kinds`` as in nn_runs) divided by their mean; None
    without two successive ones."""
    runs = nn_runs(beats, kinds)
    steps = [later - earlier for run in runs for earlier, later in zip(run, run[1:])]
    if not steps:
        return None
    rmssd = math.sqrt(fmean(step * step for step in steps))
    return rmssd / fmean(rr for run in runs for rr in run)


def _rr_range(m: Measurements, comparison: str) -> Criterion:
    return check("beats.rr_ms (sinus cycle range)", nn_range_ms(m.beats), comparison,
                 t.SINUS_ARRHYTHMIA_MIN_RR_RANGE_MS)


def p_waves_outnumber_qrs(m: Measurements) -> bool:
    """Whether the atrial rate exceeds the ventricular one: some P waves are not conducted."""
    return m.atrial_rate_bpm is not None and bool(m.heart_rate_bpm) and m.atrial_rate_bpm > m.heart_rate_bpm


def sinus_rate(m: Measurements, comparison: str, threshold: t.Threshold) -> Criterion | list[Criterion]:
    """The sinus (P-wave) rate against a limit: the heart rate; the atrial rate where P waves
    outnumber the QRS complexes (non-conducted P waves: a sinus rhythm of 80/min with 2:1 block
    is no sinus bradycardia); the rate of the sinus cycles outside the pauses where a pause of at
    least SINUS_PAUSE_MIN_CYCLES lengthens an RR of a rhythm regular outside it (a sinus rhythm of
    60/min with one 2 s pause is no sinus bradycardia either; in an irregular rhythm the long RRs
    are its own)."""
    if p_waves_outnumber_qrs(m):
        return check("atrial_rate_bpm", m.atrial_rate_bpm, comparison, threshold)
    regular_outside = _regular_outside_pauses(m)
    if m.pause_sinus_cycles is not None and m.pause_sinus_cycles >= t.SINUS_PAUSE_MIN_CYCLES.value and regular_outside:
        return [regular_outside,
                check("sinus_rate_outside_pauses_bpm", m.sinus_rate_outside_pauses_bpm, comparison, threshold)]
    return check("heart_rate_bpm", m.heart_rate_bpm, comparison, threshold)


def _regular_outside_pauses(m: Measurements) -> Criterion:
    """The RRs outside the pauses lie within a small share of the sinus cycle of each other."""
    return check("sinus_rr_spread", m.sinus_rr_spread, "<=", t.REGULAR_OUTSIDE_PAUSES_MAX_RR_SPREAD)


def _pause_without_p_wave(m: Measurements) -> bool:
    """Whether the longest RR is a pause (at least SINUS_PAUSE_MIN_CYCLES) that nothing in it
    explains: no non-conducted P wave of AV block, no blocked premature atrial beat."""
    return (m.pause_sinus_cycles is not None and m.pause_sinus_cycles >= t.SINUS_PAUSE_MIN_CYCLES.value
            and not p_waves_outnumber_qrs(m) and not m.blocked_premature_beats)


def _whole_cycles(m: Measurements) -> list[Criterion]:
    return [check("pause_sinus_cycles", m.pause_sinus_cycles, ">=", t.SA_BLOCK_MIN_CYCLES),
            check("pause_sinus_cycles", m.pause_sinus_cycles, "<=", t.SA_BLOCK_MAX_CYCLES)]


def _no_p_wave_found(m: Measurements) -> list[Criterion]:
    """Neither search for a P wave in the pauses found one like the P wave."""
    return [check("dropped_p_correlation", m.dropped_p_correlation, "<", t.NO_P_WAVE_MAX_CORRELATION),
            check("blocked_pac_correlation", m.blocked_pac_correlation, "<", t.NO_P_WAVE_MAX_CORRELATION)]


def sinoatrial_block(m: Measurements) -> Outcome:
    """Regular sinus beats with a pause of two sinus cycles and no P wave in it: one sinus impulse
    did not leave the node (second-degree sinoatrial exit block type II)."""
    if not _pause_without_p_wave(m):
        return None
    return statement("SAB2", [sinus_origin(m), *_whole_cycles(m), *_no_p_wave_found(m), _regular_outside_pauses(m)])


def sinus_pause(m: Measurements) -> Outcome:
    """Sinus beats with a long pause, no P wave in it, other than the two cycles of sinoatrial
    block type II."""
    if not _pause_without_p_wave(m) or all(_whole_cycles(m)):
        return None
    return statement("SPAUSE", [sinus_origin(m),
                                check("longest_pause_ms", m.longest_pause_ms, ">=", t.SINUS_PAUSE_MIN_MS),
                                check("pause_sinus_cycles", m.pause_sinus_cycles, ">=", t.SINUS_PAUSE_MIN_CYCLES),
                                *_no_p_wave_found(m)])


def _pause_explained(m: Measurements) -> bool:
    """Whether the RR varies because of dropped beats, blocked premature atrial beats, or a pause of
    the sinus node: then the RR range says nothing about sinus arrhythmia."""
    return (p_waves_outnumber_qrs(m) or bool(m.blocked_premature_beats)
            or isinstance(sinoatrial_block(m), Statement) or isinstance(sinus_pause(m), Statement))


def sinus_rhythm(m: Measurements) -> Outcome:
    """Sinus beats at a normal sinus rate without sinus arrhythmia; where dropped beats or a pause
    make the RR vary, the RR range says nothing about the sinus rhythm."""
    regular = [] if _pause_explained(m) else [_rr_range(m, "<=")]
    return statement("SR", [sinus_origin(m),
                            sinus_rate(m, ">=", t.BRADYCARDIA_BELOW_BPM),
                            sinus_rate(m, "<=", t.TACHYCARDIA_ABOVE_BPM),
                            *regular])


def sinus_bradycardia(m: Measurements) -> Outcome:
    return statement("SBRAD", [sinus_origin(m), sinus_rate(m, "<", t.BRADYCARDIA_BELOW_BPM)])


def sinus_tachycardia(m: Measurements) -> Outcome:
    return statement("STACH", [sinus_origin(m), sinus_rate(m, ">", t.TACHYCARDIA_ABOVE_BPM)])


def sinus_arrhythmia(m: Measurements) -> Outcome:
    """Sinus beats whose RR varies widely, unless dropped beats, blocked premature atrial beats or
    a pause of the sinus node explain it."""
    if _pause_explained(m):
        return None
    return statement("SARRH", [sinus_origin(m), _rr_range(m, ">")])


def atrial_fibrillation(m: Measurements) -> Outcome:
    """An irregularly irregular rhythm without P waves, unless organised atrial activity explains
    it: an atrial rate read from flutter waves (flutter with variable conduction) or from P waves
    that were not conducted (dropped beats)."""
    if m.atrial_rate_bpm is not None:
        return None
    irregularity = nn_irregularity(m.beats)
    evidence = [check("beats.rr_ms (NN RMSSD / mean NN)", irregularity, ">=", t.AF_MIN_RR_IRREGULARITY),
                check("p_wave_present_share", m.p_wave_present_share, "<", t.AF_MAX_P_WAVE_SHARE)]
    pairs = pair_irregularity(np.array([b.rr_ms for b in m.beats if b.rr_ms is not None]))
    if irregularity is not None and pairs is not None:  # paced, or too few RRs to pair: as before
        evidence.append(check("beats.rr_ms (RR pair sums RMSSD / mean)", pairs, ">=", t.AF_MIN_PAIR_IRREGULARITY))
    return statement("AFIB", evidence)


def atrial_flutter(m: Measurements) -> Outcome:
    """Regular atrial (F) waves at a flutter rate."""
    return statement("AFLT", [
        check("atrial_periodicity", m.atrial_periodicity, ">=", t.ATRIAL_PERIODIC_MIN_CORRELATION),
        check("atrial_rate_bpm", m.atrial_rate_bpm, ">=", t.FLUTTER_MIN_ATRIAL_RATE_BPM),
        check("atrial_rate_bpm", m.atrial_rate_bpm, "<=", t.FLUTTER_MAX_ATRIAL_RATE_BPM)])


def supraventricular_tachycardia(m: Measurements) -> Outcome:
    """A regular narrow-QRS tachycardia without P waves before most beats."""
    return statement("SVTAC", [
        check("heart_rate_bpm", m.heart_rate_bpm, ">", t.TACHYCARDIA_ABOVE_BPM),
        qrs_check(m, "<", t.COMPLETE_BBB_MIN_QRS_MS),
        check("p_wave_present_share", m.p_wave_present_share, "<", t.AF_MAX_P_WAVE_SHARE),
        check("beats.rr_ms (NN RMSSD / mean NN)", nn_irregularity(m.beats), "<", t.AF_MIN_RR_IRREGULARITY)])


def longest_bigeminal_run(beats: list[Beat]) -> int:
    """The most normal-then-ectopic ("N" then "V" or "S") beat pairs in a row."""
    longest = run = 0
    index = 0
    while index + 1 < len(beats):
        if beats[index].kind == "N" and beats[index + 1].kind in ("V", "S"):
            run += 1
            index += 2
        else:
            run = 0
            index += 1
        longest = max(longest, run)
    return longest


def bigeminy(m: Measurements) -> Outcome:
    return statement("BIGU", [check("beats.kind (N-ectopic pairs in a row)", longest_bigeminal_run(m.beats),
                                    ">=", t.BIGEMINY_MIN_CYCLES)])


def pacemaker(m: Measurements) -> Outcome:
    return statement("PACE", [check("paced_beats", m.paced_beats, ">=", t.PACED_MIN_BEATS)])


def ventricular_premature_complexes(m: Measurements) -> Outcome:
    return statement("PVC", [check("ventricular_ectopic_beats", m.ventricular_ectopic_beats, ">=",
                                   t.ECTOPIC_MIN_BEATS)])


def atrial_premature_complexes(m: Measurements) -> Outcome:
    """Supraventricular ectopic beats, or premature atrial P waves that were not conducted (pauses
    with an early P wave), except in atrial fibrillation where prematurity means nothing."""
    if isinstance(atrial_fibrillation(m), Statement):
        return None
    conducted = check("supraventricular_ectopic_beats", m.supraventricular_ectopic_beats, ">=", t.ECTOPIC_MIN_BEATS)
    if conducted is None and m.blocked_premature_beats:
        return statement("PAC", [check("blocked_premature_beats", m.blocked_premature_beats, ">=",
                                       t.ECTOPIC_MIN_BEATS)])
    return statement("PAC", [conducted])


RULES = (sinus_rhythm, sinus_bradycardia, sinus_tachycardia, sinus_arrhythmia, sinoatrial_block, sinus_pause,
         atrial_fibrillation, atrial_flutter, supraventricular_tachycardia, pacemaker,
         ventricular_premature_complexes, atrial_premature_complexes, bigeminy)

"""Conduction statements: AV blocks (first, second and third degree; Kusumoto et al. 2018),
pre-excitation, bundle-branch and fascicular blocks, IVCD (Surawicz et al. 2009, simplified to
what the per-lead median-beat measurements carry).

Second- and third-degree AV block need the atrial rate apart from the ventricular one
(``atrial_rate_bpm``) and evidence of how the P waves relate to the QRS: each beat's P-to-QRS
time, or P waves that repeat apart from the beats (``dissociated_p_periodicity``, ecg.dissociation);
where the measurement reports neither they stay undetermined. Third-degree block reads no QRS
shape, so it is also judged under ventricular pacing (``PACED_RULES``). Second-degree block is
typed as Kusumoto et al. define it: 2:1 where every other P wave is blocked, high-grade where two
or more in a row are (3:1, 4:1; in both the Mobitz type cannot be told); with dropped beats,
Mobitz I where the PR before the pauses is longer than the one after them, Mobitz II where the
two are the same (``pr_shortening_after_pause_ms``).
"""

from __future__ import annotations

from collections.abc import Callable

from ecg import thresholds as t
from ecg.criteria_qrs import qrs_check
from ecg.criteria_types import (Criterion, Outcome, Statement, Undetermined, Unmeasured, all_of, check, first,
                                statement)
from ecg.criteria_rhythm import nn_irregularity
from ecg.measurements import Beat, Measurements


def net_qrs(m: Measurements, lead: str, comparison: str) -> Criterion:
    """Evidence that the lead's net QRS area is positive (">") or negative ("<")."""
    measured = m.per_lead.get(lead)
    value = measured.qrs_area_mvms if measured else None
    return check(f"per_lead.{lead}.qrs_area_mvms", value, comparison, t.QRS_NET_AREA_ZERO, (lead,))


def rsr_prime(m: Measurements, lead: str) -> Criterion:
    measured = m.per_lead.get(lead)
    value = measured.r_prime_present if measured else None
    return check(f"per_lead.{lead}.r_prime_present", value, "==", t.RSR_PRIME_PATTERN, (lead,))


def right_bundle_morphology(m: Measurements) -> Criterion:
    """rSR' in V1 or V2, or else a predominantly positive QRS in V1."""
    return first(rsr_prime(m, "V1"), rsr_prime(m, "V2"), net_qrs(m, "V1", ">"))


def left_bundle_morphology(m: Measurements) -> list[Criterion] | Criterion:
    """Negative QRS (rS/QS) in V1, positive in I and V6, and no rSR' in V1-V2."""
    if rsr_prime(m, "V1") or rsr_prime(m, "V2"):
        return None
    return all_of(net_qrs(m, "V1", "<"), net_qrs(m, "I", ">"), net_qrs(m, "V6", ">"))


def _incomplete_range(m: Measurements) -> list[Criterion] | Criterion:
    return all_of(qrs_check(m, ">=", t.INCOMPLETE_BBB_MIN_QRS_MS), qrs_check(m, "<", t.COMPLETE_BBB_MIN_QRS_MS))


def first_degree_av_block(m: Measurements) -> Outcome:
    """A long PR with P waves before (nearly) every beat, i.e. 1:1 conduction; undetermined
    whenever the PR is unmeasured (atrial fibrillation, ventricular pacing: AV conduction unread)."""
    pr = check("pr_interval_ms", m.pr_interval_ms, ">", t.FIRST_DEGREE_AVB_PR_ABOVE_MS)
    if isinstance(pr, Unmeasured):
        return statement("1AVB", [pr])
    return statement("1AVB", [
        check("p_wave_present_share", m.p_wave_present_share, ">=", t.SINUS_P_WAVE_MIN_SHARE), pr])


def atrial_to_ventricular_ratio(m: Measurements) -> float | None:
    if m.atrial_rate_bpm is None or not m.heart_rate_bpm:
        return None
    return m.atrial_rate_bpm / m.heart_rate_bpm


def pr_range_ms(beats: list[Beat]) -> float | None:
    """Longest minus shortest P-to-QRS time over the beats with a P wave; None with fewer than two."""
    prs = [beat.pr_ms for beat in beats if beat.pr_ms is not None]
    return max(prs) - min(prs) if len(prs) >= 2 else None


def _more_p_waves_than_qrs(m: Measurements) -> Criterion:
    return check("atrial_rate_bpm / heart_rate_bpm", atrial_to_ventricular_ratio(m), ">=",
                 t.AV_BLOCK_MIN_ATRIAL_RATIO)


def _p_waves_independent(m: Measurements) -> Criterion:
    """P-to-QRS times that vary widely where P waves were found before the beats; else P waves
    that repeat apart from the beats once the mean QRS-T is subtracted."""
    pr_range = pr_range_ms(m.beats)
    if pr_range is not None:
        return check("beats.pr_ms (range)", pr_range, ">=", t.THIRD_DEGREE_AVB_MIN_PR_RANGE_MS)
    return check("dissociated_p_periodicity", m.dissociated_p_periodicity, ">=", t.DISSOCIATED_P_MIN_CORRELATION)


def third_degree_av_block(m: Measurements) -> Outcome:
    """More P waves than QRS complexes, P waves independent of the QRS (they repeat apart from the
    beats, or their P-to-QRS times vary widely) and a regular ventricular (escape) rhythm."""
    return statement("3AVB", [
        check("atrial_rate_bpm / heart_rate_bpm", atrial_to_ventricular_ratio(m), ">=",
              t.AV_BLOCK_MIN_ATRIAL_RATIO),
        _p_waves_independent(m),
        check("beats.rr_ms (RMSSD / mean RR of normal and paced beats)", nn_irregularity(m.beats, ("N", "P")),
              "<", t.AF_MIN_RR_IRREGULARITY)])


def third_degree_av_block_under_pacing(m: Measurements) -> Outcome:
    """Under ventricular pacing, P waves faster than the paced beats and independent of them: a
    demand pacemaker paces only when no atrial beat is conducted, so the atria are blocked. The
    pacemaker pre-empts conduction, so nothing here rules the block out: otherwise undetermined."""
    found = third_degree_av_block(m)
    if isinstance(found, Statement):
        return found
    return Undetermined("3AVB", reason="paced rhythm: AV conduction is not seen, and no P waves were found "
                                       "running faster than the paced beats and apart from them")


def _non_conducted_p_waves(m: Measurements) -> Criterion:
    """A P wave in the pauses where the beats were searched for them (grouped beating); else P
    waves before the beats and a wave like them midway between (2:1)."""
    if m.dropped_p_correlation is not None:
        return check("dropped_p_correlation", m.dropped_p_correlation, ">=", t.DROPPED_P_MIN_CORRELATION)
    return all_of(check("p_wave_present_share", m.p_wave_present_share, ">=", t.SINUS_P_WAVE_MIN_SHARE),
                  check("blocked_p_correlation", m.blocked_p_correlation, ">=", t.BLOCKED_P_MIN_CORRELATION))


def _second_degree_criteria(m: Measurements) -> list[Criterion]:
    return [_more_p_waves_than_qrs(m), _non_conducted_p_waves(m),
            first(check("beats.pr_ms (range)", pr_range_ms(m.beats), "<", t.THIRD_DEGREE_AVB_MIN_PR_RANGE_MS),
                  check("beats.rr_ms (NN RMSSD / mean NN)", nn_irregularity(m.beats), ">=", t.AF_MIN_RR_IRREGULARITY))]


def second_degree_av_block(m: Measurements) -> Outcome:
    """More P waves than QRS complexes, and the non-conducted ones found: midway between the beats
    that keep their P waves (2:1), or in the pauses of grouped beating, one P-P before the P wave
    that ends each pause (Mobitz I and II); without the pattern of complete dissociation."""
    return statement("2AVB", _second_degree_criteria(m))


def _grouped_beating(m: Measurements) -> bool:
    """Whether the non-conducted P waves were found in pauses rather than midway between beats."""
    return m.dropped_p_correlation is not None and m.dropped_p_correlation >= t.DROPPED_P_MIN_CORRELATION.value


def _fixed_ratio_block(m: Measurements, code: str, comparison: str) -> Outcome:
    """Second-degree block whose non-conducted P waves lie evenly between the beats, at an
    atrial-to-ventricular ratio below (2:1) or at least (3:1 and up) HIGH_GRADE_AVB_MIN_RATIO."""
    if _grouped_beating(m):
        return None
    return statement(code, [*_second_degree_criteria(m),
                            check("atrial_rate_bpm / heart_rate_bpm", atrial_to_ventricular_ratio(m), comparison,
                                  t.HIGH_GRADE_AVB_MIN_RATIO)])


def two_to_one_av_block(m: Measurements) -> Outcome:
    """Every other P wave not conducted: one blocked P wave midway between the beats."""
    return _fixed_ratio_block(m, "2AVB_2TO1", "<")


def high_grade_av_block(m: Measurements) -> Outcome:
    """Two or more P waves in a row not conducted (3:1, 4:1), evenly between the beats."""
    return _fixed_ratio_block(m, "AVB_HIGH_GRADE", ">=")


def _mobitz_type(m: Measurements, code: str, pr_change: Callable[[float], Criterion]) -> Outcome:
    """Second-degree block by dropped beats whose PR change across the pauses meets ``pr_change``;
    undetermined in 2:1 block (no two conducted beats in a row) and where the change lies between
    the Mobitz I and Mobitz II limits."""
    block = second_degree_av_block(m)
    if not isinstance(block, Statement):
        return block if block is None else Undetermined(code, block.missing)
    if not _grouped_beating(m):
        return Undetermined(code, reason="fixed 2:1 (or higher) conduction: no two conducted beats follow each "
                                         "other, so the PR before a blocked P wave cannot be set against the one "
                                         "after it")
    shortening = m.pr_shortening_after_pause_ms
    if shortening is None:
        return Undetermined(code, (Unmeasured("pr_shortening_after_pause_ms"),))
    if not (_lengthening_pr(shortening) or _constant_pr(shortening)):
        return Undetermined(code, reason=f"the PR shortens by {shortening:.0f} ms across the pauses: neither "
                                         "constant nor clearly recovering after the pause")
    return statement(code, [*block.evidence, pr_change(shortening)])


def _lengthening_pr(shortening: float) -> Criterion:
    return check("pr_shortening_after_pause_ms", shortening, ">=", t.MOBITZ_I_MIN_PR_SHORTENING_MS)


def _constant_pr(shortening: float) -> Criterion:
    return check("pr_shortening_after_pause_ms (absolute)", abs(shortening), "<=", t.MOBITZ_II_MAX_PR_CHANGE_MS)


def mobitz_type_1(m: Measurements) -> Outcome:
    """Dropped beats after a PR that lengthens: the PR before the pauses well above the one after."""
    return _mobitz_type(m, "2AVB_MOBITZ1", _lengthening_pr)


def mobitz_type_2(m: Measurements) -> Outcome:
    """Dropped beats at a constant PR: the same before and after the pauses."""
    return _mobitz_type(m, "2AVB_MOBITZ2", _constant_pr)


def pre_excitation(m: Measurements) -> Outcome:
    """A short PR with a wide QRS in conducted (sinus) beats. The delta wave itself is not
    measured, so this is the interval pattern of WPW, not proof of an accessory pathway."""
    return statement("WPW", [
        check("p_wave_present_share", m.p_wave_present_share, ">=", t.SINUS_P_WAVE_MIN_SHARE),
        check("pr_interval_ms", m.pr_interval_ms, "<", t.WPW_PR_BELOW_MS),
        qrs_check(m, ">=", t.WPW_MIN_QRS_MS)])


def complete_rbbb(m: Measurements) -> Outcome:
    return statement("CRBBB", [qrs_check(m, ">=", t.COMPLETE_BBB_MIN_QRS_MS), right_bundle_morphology(m)])


def incomplete_rbbb(m: Measurements) -> Outcome:
    return statement("IRBBB", [_incomplete_range(m), right_bundle_morphology(m)])


def complete_lbbb(m: Measurements) -> Outcome:
    return statement("CLBBB", [qrs_check(m, ">=", t.COMPLETE_BBB_MIN_QRS_MS), left_bundle_morphology(m)])


def incomplete_lbbb(m: Measurements) -> Outcome:
    return statement("ILBBB", [_incomplete_range(m), left_bundle_morphology(m)])


def left_anterior_fascicular_block(m: Measurements) -> Outcome:
    return statement("LAFB", [
        check("qrs_axis_deg", m.qrs_axis_deg, "<=", t.LAFB_AXIS_MAX_DEG),
        check("qrs_axis_deg", m.qrs_axis_deg, ">=", t.AXIS_LEFT_MIN_DEG),
        qrs_check(m, "<", t.FASCICULAR_BLOCK_MAX_QRS_MS),
        net_qrs(m, "aVL", ">"), net_qrs(m, "III", "<")])


def left_posterior_fascicular_block(m: Measurements) -> Outcome:
    return statement("LPFB", [
        check("qrs_axis_deg", m.qrs_axis_deg, ">", t.LPFB_AXIS_MIN_DEG),
        qrs_check(m, "<", t.FASCICULAR_BLOCK_MAX_QRS_MS),
        net_qrs(m, "I", "<"), net_qrs(m, "III", ">")])


BUNDLE_BRANCH_RULES = (complete_rbbb, incomplete_rbbb, complete_lbbb, incomplete_lbbb)


def intraventricular_conduction_delay(m: Measurements) -> Outcome:
    """A wide QRS that matches no bundle-branch block."""
    if any(isinstance(rule(m), Statement) for rule in BUNDLE_BRANCH_RULES):
        return None
    return statement("IVCD", [qrs_check(m, ">", t.IVCD_QRS_ABOVE_MS)])


RULES = (first_degree_av_block, second_degree_av_block, two_to_one_av_block, high_grade_av_block, mobitz_type_1,
         mobitz_type_2, third_degree_av_block, pre_excitation,
         *BUNDLE_BRANCH_RULES, left_anterior_fascicular_block, left_posterior_fascicular_block,
         intraventricular_conduction_delay)
PACED_RULES = (third_degree_av_block_under_pacing,)
PACED_CODES = ("3AVB",)
CODES = ("1AVB", "2AVB", "2AVB_2TO1", "AVB_HIGH_GRADE", "2AVB_MOBITZ1", "2AVB_MOBITZ2", "3AVB", "WPW", "CRBBB",
         "IRBBB", "CLBBB", "ILBBB", "LAFB", "LPFB", "IVCD")

"""The statement vocabulary: codes, the names ECG-QA uses for them, and what each one means.

Codes are PTB-XL SCP-ECG statement codes where PTB-XL has one (SR, AFIB, 1AVB, CLBBB, LVOLT,
STE_, IMI, ...); the axis codes follow PTB-XL's heart_axis column (MID, LAD, RAD); EAD, the
types of second-degree AV block (2AVB_2TO1, AVB_HIGH_GRADE, 2AVB_MOBITZ1, 2AVB_MOBITZ2), the sinus
pauses (SPAUSE, SAB2) and the numeric-range codes (RR_ABOVE, QTC_WITHIN, ...) are this project's.
Names are the exact attribute strings of ECG-QA (answers.csv of its PTB-XL version, lower-cased
from its MIMIC-IV-ECG version for 2AVB, 2AVB_2TO1, AVB_HIGH_GRADE, 2AVB_MOBITZ1, 3AVB, SAB2,
SPAUSE, WPW and RVH, which the PTB-XL version does not ask about; ECG-QA has no string for Mobitz
II: ``NAMED_BY_THE_PROJECT``) so answers can be matched to its options; ``aliases`` are other
ECG-QA strings the same finding answers. ``knowledge_base()`` lists everything with its
thresholds and sources, for the retrieval index.
"""

from __future__ import annotations

from dataclasses import dataclass

from ecg import thresholds as t
from ecg.thresholds import Threshold


@dataclass(frozen=True)
class StatementDefinition:
    """One statement the criteria engine can make, and the rule behind it in words."""

    code: str
    name: str
    category: str
    definition: str
    thresholds: tuple[Threshold, ...]
    aliases: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "category": self.category,
                "definition": self.definition, "aliases": list(self.aliases),
                "thresholds": [threshold.to_dict() for threshold in self.thresholds]}


@dataclass(frozen=True)
class NumericFeature:
    """An ECG-QA numeric feature: its name there, the Measurements field and its normal range."""

    name: str
    field: str
    code: str
    low: Threshold | None
    high: Threshold


NUMERIC_FEATURES: tuple[NumericFeature, ...] = (
    NumericFeature("rr interval", "rr_ms", "RR", t.RR_NORMAL_MIN_MS, t.RR_NORMAL_MAX_MS),
    NumericFeature("p duration", "p_duration_ms", "PDUR", None, t.P_DURATION_NORMAL_MAX_MS),
    NumericFeature("pr interval", "pr_interval_ms", "PR", t.PR_NORMAL_MIN_MS, t.PR_NORMAL_MAX_MS),
    NumericFeature("qrs duration", "qrs_duration_median_lead_ms", "QRSDUR", t.QRS_NORMAL_MIN_MS, t.QRS_NORMAL_MAX_MS),
    NumericFeature("qt interval", "qt_interval_ms", "QT", t.QT_NORMAL_MIN_MS, t.QT_NORMAL_MAX_MS),
    NumericFeature("qt corrected", "qtc_bazett_ms", "QTC", t.QTC_NORMAL_MIN_MS, t.QTC_NORMAL_MAX_MS),
)
NUMERIC_RANGES = ("below", "within", "above")

_SINUS = (t.SINUS_P_WAVE_MIN_SHARE, t.SINUS_P_AXIS_MIN_DEG, t.SINUS_P_AXIS_MAX_DEG)
_SINUS_TEXT = (f"P waves before at least {t.SINUS_P_WAVE_MIN_SHARE.value:.0%} of beats "
               f"(P axis {t.SINUS_P_AXIS_MIN_DEG.value:g}..{t.SINUS_P_AXIS_MAX_DEG.value:g} deg when measured)")
_SINUS_RATE_TEXT = ("the heart rate; the atrial rate where some P waves are not conducted; the rate of the RRs "
                    f"outside the pauses where one RR lasts {t.SINUS_PAUSE_MIN_CYCLES.value:g} sinus cycles or more "
                    "and the other RRs are regular")
_LEAD_GROUP_TEXT = (f"in at least {t.LEAD_GROUP_MIN_LEADS.value:g} leads of one group (septal V1-V2, "
                    "anterior V3-V4, lateral I, aVL, V5-V6, inferior II, III, aVF); not applied when "
                    f"QRS >= {t.COMPLETE_BBB_MIN_QRS_MS.value:g} ms or paced")

_Q_WAVE_TEXT = (f"a Q wave (or QS) at least {t.Q_WAVE_MIN_MS.value:g} ms long and {-t.Q_WAVE_MIN_DEPTH_MV.value:g} mV "
                f"deep, in V2-V3 at least {t.Q_WAVE_V2_V3_MIN_MS.value:g} ms (and "
                f"{-t.Q_WAVE_VISIBLE_DEPTH_MV.value:g} mV, to be seen); contiguous: I-aVL, II-III-aVF, V1-V6 "
                f"neighbours; not applied when QRS >= {t.COMPLETE_BBB_MIN_QRS_MS.value:g} ms or paced")
_Q_WAVE_THRESHOLDS = (t.Q_WAVE_MIN_MS, t.Q_WAVE_MIN_DEPTH_MV, t.Q_WAVE_V2_V3_MIN_MS, t.Q_WAVE_VISIBLE_DEPTH_MV,
                      t.COMPLETE_BBB_MIN_QRS_MS)
_MI_TERRITORIES = (("IMI", "inferior", "II, III, aVF"), ("ASMI", "anteroseptal", "V1-V3"),
                   ("AMI", "anterior", "V3-V4"),
                   ("ALMI", "anterolateral", "V4-V5, or an anterior and a lateral pair"),
                   ("LMI", "lateral", "I-aVL or V5-V6"),
                   ("ILMI", "inferolateral", "an inferior and a lateral pair"))

_DEFINITIONS: tuple[StatementDefinition, ...] = (
    # rhythm
    StatementDefinition(
        "SR", "sinus rhythm", "rhythm",
        f"{_SINUS_TEXT}, sinus rate {t.BRADYCARDIA_BELOW_BPM.value:g}-{t.TACHYCARDIA_ABOVE_BPM.value:g} bpm "
        f"({_SINUS_RATE_TEXT}), no sinus arrhythmia",
        (*_SINUS, t.BRADYCARDIA_BELOW_BPM, t.TACHYCARDIA_ABOVE_BPM, t.SINUS_ARRHYTHMIA_MIN_RR_RANGE_MS,
         t.RR_RANGE_OUTLIERS_DROPPED, t.SINUS_PAUSE_MIN_CYCLES, t.REGULAR_OUTSIDE_PAUSES_MAX_RR_SPREAD)),
    StatementDefinition(
        "SBRAD", "sinus bradycardia", "rhythm",
        f"{_SINUS_TEXT} and sinus rate below {t.BRADYCARDIA_BELOW_BPM.value:g} bpm ({_SINUS_RATE_TEXT})",
        (*_SINUS, t.BRADYCARDIA_BELOW_BPM, t.SINUS_PAUSE_MIN_CYCLES, t.REGULAR_OUTSIDE_PAUSES_MAX_RR_SPREAD)),
    StatementDefinition(
        "STACH", "sinus tachycardia", "rhythm",
        f"{_SINUS_TEXT} and sinus rate above {t.TACHYCARDIA_ABOVE_BPM.value:g} bpm ({_SINUS_RATE_TEXT})",
        (*_SINUS, t.TACHYCARDIA_ABOVE_BPM, t.SINUS_PAUSE_MIN_CYCLES, t.REGULAR_OUTSIDE_PAUSES_MAX_RR_SPREAD)),
    StatementDefinition(
        "SARRH", "sinus arrhythmia", "rhythm",
        f"{_SINUS_TEXT} and the longest minus the shortest sinus cycle (an NN interval between two normal "
        "beats, or half the span across a PVC with a full compensatory pause; the "
        f"{t.RR_RANGE_OUTLIERS_DROPPED.value:g} most extreme at each end dropped) above "
        f"{t.SINUS_ARRHYTHMIA_MIN_RR_RANGE_MS.value:g} ms, unless dropped beats, blocked premature atrial "
        "beats, a sinus pause or sinoatrial block make the RR vary",
        (*_SINUS, t.SINUS_ARRHYTHMIA_MIN_RR_RANGE_MS, t.RR_RANGE_OUTLIERS_DROPPED)),
    StatementDefinition(
        "SAB2", "second-degree sa block type ii", "rhythm",
        f"{_SINUS_TEXT}, the other RRs within {t.REGULAR_OUTSIDE_PAUSES_MAX_RR_SPREAD.value:g} sinus cycles (median of "
        f"the shorter half of the RRs) of each other, and a pause between two normal beats of "
        f"{t.SA_BLOCK_MIN_CYCLES.value:g}-{t.SA_BLOCK_MAX_CYCLES.value:g} sinus cycles with no P wave found in "
        f"it (neither the non-conducted P wave of AV block nor a blocked premature atrial beat correlating "
        f"{t.NO_P_WAVE_MAX_CORRELATION.value:g} or more): one sinus impulse did not leave the node",
        (*_SINUS, t.SA_BLOCK_MIN_CYCLES, t.SA_BLOCK_MAX_CYCLES, t.REGULAR_OUTSIDE_PAUSES_MAX_RR_SPREAD,
         t.NO_P_WAVE_MAX_CORRELATION, t.SINUS_PAUSE_MIN_CYCLES)),
    StatementDefinition(
        "SPAUSE", "sinus pause", "rhythm",
        f"{_SINUS_TEXT}, and a pause between two normal beats of at least "
        f"{t.SINUS_PAUSE_MIN_MS.value:g} ms and {t.SINUS_PAUSE_MIN_CYCLES.value:g} sinus cycles, other than "
        f"two cycles (that is sinoatrial block type II), with no P wave found in it (correlations below "
        f"{t.NO_P_WAVE_MAX_CORRELATION.value:g})",
        (*_SINUS, t.SINUS_PAUSE_MIN_MS, t.SINUS_PAUSE_MIN_CYCLES, t.SA_BLOCK_MIN_CYCLES, t.SA_BLOCK_MAX_CYCLES,
         t.NO_P_WAVE_MAX_CORRELATION)),
    StatementDefinition(
        "AFIB", "atrial fibrillation", "rhythm",
        f"NN irregularity (RMSSD of successive NN intervals / mean NN, ectopic beats excluded) at least "
        f"{t.AF_MIN_RR_IRREGULARITY.value:g} and P waves "
        f"before fewer than {t.AF_MAX_P_WAVE_SHARE.value:.0%} of beats, irregularly irregular (RR pair sums "
        f"irregular too, at least {t.AF_MIN_PAIR_IRREGULARITY.value:g}, where there are three pairs), unless an "
        "atrial rate is read (flutter waves, or P waves that were not conducted: dropped beats)",
        (t.AF_MIN_RR_IRREGULARITY, t.AF_MAX_P_WAVE_SHARE, t.AF_MIN_PAIR_IRREGULARITY)),
    StatementDefinition(
        "AFLT", "atrial flutter", "rhythm",
        f"regular atrial (F) waves: the signal outside the QRS correlates at least "
        f"{t.ATRIAL_PERIODIC_MIN_CORRELATION.value:g} with itself one atrial cycle later, at an atrial "
        f"rate of {t.FLUTTER_MIN_ATRIAL_RATE_BPM.value:g}-{t.FLUTTER_MAX_ATRIAL_RATE_BPM.value:g} per minute",
        (t.ATRIAL_PERIODIC_MIN_CORRELATION, t.FLUTTER_MIN_ATRIAL_RATE_BPM, t.FLUTTER_MAX_ATRIAL_RATE_BPM)),
    StatementDefinition(
        "SVTAC", "supraventricular tachycardia", "rhythm",
        f"heart rate above {t.TACHYCARDIA_ABOVE_BPM.value:g} bpm, QRS below "
        f"{t.COMPLETE_BBB_MIN_QRS_MS.value:g} ms, P waves before fewer than {t.AF_MAX_P_WAVE_SHARE.value:.0%} "
        f"of beats and regular NN intervals (irregularity below {t.AF_MIN_RR_IRREGULARITY.value:g}); "
        "a narrow-QRS tachycardia without sinus P waves (Page et al. 2015 ACC/AHA/HRS SVT guideline)",
        (t.TACHYCARDIA_ABOVE_BPM, t.COMPLETE_BBB_MIN_QRS_MS, t.AF_MAX_P_WAVE_SHARE, t.AF_MIN_RR_IRREGULARITY)),
    StatementDefinition(
        "BIGU", "bigeminal pattern (unknown origin, supraventricular, or ventricular)", "ectopy",
        f"at least {t.BIGEMINY_MIN_CYCLES.value:g} normal-then-ectopic (ventricular or supraventricular) "
        "beat pairs in a row",
        (t.BIGEMINY_MIN_CYCLES,)),
    StatementDefinition(
        "PACE", "normal functioning artificial pacemaker", "rhythm",
        f"at least {t.PACED_MIN_BEATS.value:g} paced beats",
        (t.PACED_MIN_BEATS,)),
    StatementDefinition(
        "PVC", "ventricular premature complex", "ectopy",
        f"at least {t.ECTOPIC_MIN_BEATS.value:g} ventricular ectopic beat",
        (t.ECTOPIC_MIN_BEATS,), aliases=("ventricular extrasystoles", "extrasystoles")),
    StatementDefinition(
        "PAC", "atrial premature complex", "ectopy",
        f"at least {t.ECTOPIC_MIN_BEATS.value:g} supraventricular ectopic beat, outside atrial fibrillation; "
        f"or, where there is none, pauses whose first beat carries an early P wave that the other beats do "
        f"not (correlation with the P wave, either polarity, at least "
        f"{t.BLOCKED_PAC_MIN_CORRELATION.value:g}): blocked (non-conducted) premature atrial beats",
        (t.ECTOPIC_MIN_BEATS, t.BLOCKED_PAC_MIN_CORRELATION),
        aliases=("supraventricular extrasystoles", "extrasystoles")),
    # conduction
    StatementDefinition(
        "1AVB", "first degree av block", "conduction",
        f"PR interval above {t.FIRST_DEGREE_AVB_PR_ABOVE_MS.value:g} ms with P waves before at least "
        f"{t.SINUS_P_WAVE_MIN_SHARE.value:.0%} of beats (1:1 conduction)",
        (t.FIRST_DEGREE_AVB_PR_ABOVE_MS, t.SINUS_P_WAVE_MIN_SHARE), aliases=("prolonged pr interval",)),
    StatementDefinition(
        "2AVB", "second degree av block", "conduction",
        f"atrial rate at least {t.AV_BLOCK_MIN_ATRIAL_RATIO.value:g} times the ventricular rate with the "
        f"non-conducted P waves found: in the pauses of grouped beating, one P-P cycle before the P wave that "
        f"ends each pause and one after the P wave before it (Mobitz I, Wenckebach, and Mobitz II; correlation "
        f"at least {t.DROPPED_P_MIN_CORRELATION.value:g}), or, with P waves before at least "
        f"{t.SINUS_P_WAVE_MIN_SHARE.value:.0%} of the QRS complexes, midway between the beats after the T "
        f"wave (2:1; "
        f"correlation with the conducted P wave at least {t.BLOCKED_P_MIN_CORRELATION.value:g}); P-to-QRS "
        f"times varying by less than {t.THIRD_DEGREE_AVB_MIN_PR_RANGE_MS.value:g} ms or an irregular "
        "ventricular rhythm (not complete dissociation); a non-conducted P wave inside a T wave is not "
        "found; undetermined without an atrial rate",
        (t.AV_BLOCK_MIN_ATRIAL_RATIO, t.DROPPED_P_MIN_CORRELATION, t.SINUS_P_WAVE_MIN_SHARE,
         t.BLOCKED_P_MIN_CORRELATION, t.THIRD_DEGREE_AVB_MIN_PR_RANGE_MS, t.AF_MIN_RR_IRREGULARITY)),
    StatementDefinition(
        "2AVB_2TO1", "2:1 av block", "conduction",
        f"second degree av block whose non-conducted P waves lie midway between the beats: every other P "
        f"wave is blocked (atrial rate below {t.HIGH_GRADE_AVB_MIN_RATIO.value:g} times the ventricular "
        f"rate), and the Mobitz type cannot be told (no two conducted beats follow each other)",
        (t.AV_BLOCK_MIN_ATRIAL_RATIO, t.SINUS_P_WAVE_MIN_SHARE, t.BLOCKED_P_MIN_CORRELATION,
         t.HIGH_GRADE_AVB_MIN_RATIO)),
    StatementDefinition(
        "AVB_HIGH_GRADE", "high grade av block", "conduction",
        f"second degree av block with two or more P waves in a row not conducted: non-conducted P waves "
        f"evenly between the beats (each correlating with the conducted P wave at least "
        f"{t.BLOCKED_P_MIN_CORRELATION.value:g}) at an atrial rate at least "
        f"{t.HIGH_GRADE_AVB_MIN_RATIO.value:g} times the ventricular rate (3:1, 4:1); the Mobitz type "
        f"cannot be told",
        (t.HIGH_GRADE_AVB_MIN_RATIO, t.SINUS_P_WAVE_MIN_SHARE, t.BLOCKED_P_MIN_CORRELATION)),
    StatementDefinition(
        "2AVB_MOBITZ1", "mobitz type 1 second-degree av block", "conduction",
        f"second degree av block with dropped beats whose PR lengthens up to the non-conducted P wave: the "
        f"PR of the beat before the pauses at least {t.MOBITZ_I_MIN_PR_SHORTENING_MS.value:g} ms longer than "
        f"that of the beat after them (Wenckebach); undetermined in 2:1 block and where the PR changes by "
        f"more than {t.MOBITZ_II_MAX_PR_CHANGE_MS.value:g} and less than "
        f"{t.MOBITZ_I_MIN_PR_SHORTENING_MS.value:g} ms",
        (t.MOBITZ_I_MIN_PR_SHORTENING_MS, t.MOBITZ_II_MAX_PR_CHANGE_MS, t.DROPPED_P_MIN_CORRELATION)),
    StatementDefinition(
        "2AVB_MOBITZ2", "mobitz type 2 second-degree av block", "conduction",
        f"second degree av block with dropped beats at a constant PR: the PRs of the beats before and after "
        f"the pauses within {t.MOBITZ_II_MAX_PR_CHANGE_MS.value:g} ms of each other; undetermined in 2:1 block "
        f"and where the PR changes by more than {t.MOBITZ_II_MAX_PR_CHANGE_MS.value:g} and less than "
        f"{t.MOBITZ_I_MIN_PR_SHORTENING_MS.value:g} ms",
        (t.MOBITZ_II_MAX_PR_CHANGE_MS, t.MOBITZ_I_MIN_PR_SHORTENING_MS, t.DROPPED_P_MIN_CORRELATION)),
    StatementDefinition(
        "3AVB", "third degree av block", "conduction",
        f"atrial rate at least {t.AV_BLOCK_MIN_ATRIAL_RATIO.value:g} times the ventricular rate, P waves "
        f"that march through independently (P-to-QRS times varying by at least "
        f"{t.THIRD_DEGREE_AVB_MIN_PR_RANGE_MS.value:g} ms where P waves precede the beats, else P waves that "
        f"repeat apart from the beats once the mean QRS-T is subtracted, correlation at least "
        f"{t.DISSOCIATED_P_MIN_CORRELATION.value:g}) and a regular ventricular rhythm (RR irregularity of the "
        f"normal and paced beats below {t.AF_MIN_RR_IRREGULARITY.value:g}); also read under ventricular pacing "
        f"(a demand pacemaker pacing slower than independent P waves), where it is never ruled out; "
        f"undetermined without an atrial rate",
        (t.AV_BLOCK_MIN_ATRIAL_RATIO, t.THIRD_DEGREE_AVB_MIN_PR_RANGE_MS, t.DISSOCIATED_P_MIN_CORRELATION,
         t.AF_MIN_RR_IRREGULARITY)),
    StatementDefinition(
        "WPW", "wolff-parkinson-white syndrome", "conduction",
        f"PR below {t.WPW_PR_BELOW_MS.value:g} ms and QRS at least {t.WPW_MIN_QRS_MS.value:g} ms with P waves "
        f"before at least {t.SINUS_P_WAVE_MIN_SHARE.value:.0%} of beats: the interval pattern of ventricular "
        "pre-excitation; the delta wave itself is not measured",
        (t.WPW_PR_BELOW_MS, t.WPW_MIN_QRS_MS, t.SINUS_P_WAVE_MIN_SHARE)),
    StatementDefinition(
        "CRBBB", "complete right bundle branch block", "conduction",
        f"QRS at least {t.COMPLETE_BBB_MIN_QRS_MS.value:g} ms and rSR' in V1 or V2 or a predominantly "
        "positive QRS in V1",
        (t.COMPLETE_BBB_MIN_QRS_MS, t.RSR_PRIME_PATTERN, t.QRS_NET_AREA_ZERO)),
    StatementDefinition(
        "IRBBB", "incomplete right bundle branch block", "conduction",
        f"QRS at least {t.INCOMPLETE_BBB_MIN_QRS_MS.value:g} and below {t.COMPLETE_BBB_MIN_QRS_MS.value:g} ms with the "
        "right bundle-branch-block morphology",
        (t.INCOMPLETE_BBB_MIN_QRS_MS, t.COMPLETE_BBB_MIN_QRS_MS, t.RSR_PRIME_PATTERN, t.QRS_NET_AREA_ZERO)),
    StatementDefinition(
        "CLBBB", "complete left bundle branch block", "conduction",
        f"QRS at least {t.COMPLETE_BBB_MIN_QRS_MS.value:g} ms, predominantly negative QRS in V1 "
        "(rS or QS) and predominantly positive QRS in I and V6, no rSR' in V1-V2",
        (t.COMPLETE_BBB_MIN_QRS_MS, t.QRS_NET_AREA_ZERO)),
    StatementDefinition(
        "ILBBB", "incomplete left bundle branch block", "conduction",
        f"QRS at least {t.INCOMPLETE_BBB_MIN_QRS_MS.value:g} and below {t.COMPLETE_BBB_MIN_QRS_MS.value:g} ms with the "
        "left bundle-branch-block morphology",
        (t.INCOMPLETE_BBB_MIN_QRS_MS, t.COMPLETE_BBB_MIN_QRS_MS, t.QRS_NET_AREA_ZERO)),
    StatementDefinition(
        "LAFB", "left anterior fascicular block", "conduction",
        f"QRS axis between {t.AXIS_LEFT_MIN_DEG.value:g} and {t.LAFB_AXIS_MAX_DEG.value:g} deg, QRS "
        f"below {t.FASCICULAR_BLOCK_MAX_QRS_MS.value:g} ms, positive QRS (qR) in aVL and negative (rS) in III",
        (t.LAFB_AXIS_MAX_DEG, t.AXIS_LEFT_MIN_DEG, t.FASCICULAR_BLOCK_MAX_QRS_MS, t.QRS_NET_AREA_ZERO)),
    StatementDefinition(
        "LPFB", "left posterior fascicular block", "conduction",
        f"QRS axis above {t.LPFB_AXIS_MIN_DEG.value:g} deg (to 180), QRS below "
        f"{t.FASCICULAR_BLOCK_MAX_QRS_MS.value:g} ms, negative QRS (rS) in I and positive (qR) in III",
        (t.LPFB_AXIS_MIN_DEG, t.FASCICULAR_BLOCK_MAX_QRS_MS, t.QRS_NET_AREA_ZERO)),
    StatementDefinition(
        "IVCD", "non-specific intraventricular conduction disturbance (block)", "conduction",
        f"QRS above {t.IVCD_QRS_ABOVE_MS.value:g} ms without the criteria of a (complete or "
        "incomplete) bundle-branch block",
        (t.IVCD_QRS_ABOVE_MS,)),
    # axis
    StatementDefinition(
        "MID", "normal heart axis", "axis",
        f"frontal QRS axis {t.AXIS_NORMAL_MIN_DEG.value:g}..{t.AXIS_NORMAL_MAX_DEG.value:g} deg",
        (t.AXIS_NORMAL_MIN_DEG, t.AXIS_NORMAL_MAX_DEG)),
    StatementDefinition(
        "LAD", "left axis deviation", "axis",
        f"frontal QRS axis {t.AXIS_LEFT_MIN_DEG.value:g}..{t.AXIS_NORMAL_MIN_DEG.value:g} deg",
        (t.AXIS_LEFT_MIN_DEG, t.AXIS_NORMAL_MIN_DEG)),
    StatementDefinition(
        "RAD", "right axis deviation", "axis",
        f"frontal QRS axis {t.AXIS_NORMAL_MAX_DEG.value:g}..180 deg",
        (t.AXIS_NORMAL_MAX_DEG,)),
    StatementDefinition(
        "EAD", "extreme axis deviation", "axis",
        f"frontal QRS axis -180..{t.AXIS_LEFT_MIN_DEG.value:g} deg",
        (t.AXIS_LEFT_MIN_DEG,)),
    # hypertrophy, atrial abnormality, voltage
    StatementDefinition(
        "VCLVH", "voltage criteria (qrs) for left ventricular hypertrophy", "hypertrophy",
        f"Sokolow-Lyon S(V1) + max(R(V5), R(V6)) at least {t.SOKOLOW_LYON_MIN_MV.value:g} mV or "
        f"Cornell R(aVL) + S(V3) above {t.CORNELL_ABOVE_MV.value:g} mV",
        (t.SOKOLOW_LYON_MIN_MV, t.CORNELL_ABOVE_MV)),
    StatementDefinition(
        "LVH", "left ventricular hypertrophy", "hypertrophy",
        "the voltage criteria for LVH together with lateral repolarisation (strain) change: J-point "
        f"ST at or below {t.LV_STRAIN_ST_DEPRESSION_MV.value:g} mV or T at or below "
        f"{t.LV_STRAIN_T_INVERSION_MV.value:g} mV in I, aVL, V5 or V6",
        (t.SOKOLOW_LYON_MIN_MV, t.CORNELL_ABOVE_MV, t.LV_STRAIN_ST_DEPRESSION_MV, t.LV_STRAIN_T_INVERSION_MV)),
    StatementDefinition(
        "RVH", "right ventricular hypertrophy", "hypertrophy",
        f"QRS axis above {t.AXIS_NORMAL_MAX_DEG.value:g} deg and QRS below {t.COMPLETE_BBB_MIN_QRS_MS.value:g} ms "
        f"with R(V1) at least {t.RVH_R_V1_MIN_MV.value:g} mV, R/|S| in V1 above {t.RVH_R_S_V1_ABOVE.value:g}, or "
        f"Sokolow-Lyon R(V1) + max(S(V5), S(V6)) at least {t.RVH_SOKOLOW_LYON_MIN_MV.value:g} mV",
        (t.AXIS_NORMAL_MAX_DEG, t.COMPLETE_BBB_MIN_QRS_MS, t.RVH_R_V1_MIN_MV, t.RVH_R_S_V1_ABOVE,
         t.RVH_SOKOLOW_LYON_MIN_MV)),
    StatementDefinition(
        "LAO/LAE", "left atrial overload/enlargement", "hypertrophy",
        f"P duration above {t.LEFT_ATRIAL_P_DURATION_ABOVE_MS.value:g} ms",
        (t.LEFT_ATRIAL_P_DURATION_ABOVE_MS,)),
    StatementDefinition(
        "RAO/RAE", "right atrial overload/enlargement", "hypertrophy",
        f"P amplitude in lead II above {t.RIGHT_ATRIAL_P_AMPLITUDE_ABOVE_MV.value:g} mV",
        (t.RIGHT_ATRIAL_P_AMPLITUDE_ABOVE_MV,)),
    StatementDefinition(
        "LVOLT", "low qrs voltages in the frontal and horizontal leads", "hypertrophy",
        f"peak-to-peak QRS below {t.LOW_VOLTAGE_LIMB_BELOW_MV.value:g} mV in all six limb leads and "
        f"below {t.LOW_VOLTAGE_PRECORDIAL_BELOW_MV.value:g} mV in all six precordial leads",
        (t.LOW_VOLTAGE_LIMB_BELOW_MV, t.LOW_VOLTAGE_PRECORDIAL_BELOW_MV)),
    # pathological Q waves (infarction)
    *(StatementDefinition(
        code, f"myocardial infarction in {territory} leads", "infarction",
        f"pathological Q waves in two contiguous leads of the {territory} territory ({leads}); {_Q_WAVE_TEXT}",
        _Q_WAVE_THRESHOLDS) for code, territory, leads in _MI_TERRITORIES),
    StatementDefinition(
        "QWAVE", "q waves present", "infarction",
        f"pathological Q waves in two contiguous leads of any territory; {_Q_WAVE_TEXT}", _Q_WAVE_THRESHOLDS),
    # QT, ST segment and T wave
    StatementDefinition(
        "LNGQT", "long qt-interval", "repolarization",
        f"QTc at least {t.LONG_QTC_MIN_MS.value:g} ms (linear Framingham or Hodges correction first, "
        "then Fridericia, then Bazett)",
        (t.LONG_QTC_MIN_MS,)),
    StatementDefinition(
        "STE_", "non-specific st elevation", "repolarization",
        f"J-point ST elevation at least {t.ST_ELEVATION_MV.value:g} mV "
        f"({t.ST_ELEVATION_V2_V3_MV.value:g} mV in V2-V3) {_LEAD_GROUP_TEXT}",
        (t.ST_ELEVATION_MV, t.ST_ELEVATION_V2_V3_MV, t.LEAD_GROUP_MIN_LEADS)),
    StatementDefinition(
        "STD_", "non-specific st depression", "repolarization",
        f"ST at or below {t.ST_DEPRESSION_MV.value:g} mV at both J and J+60 ms {_LEAD_GROUP_TEXT}",
        (t.ST_DEPRESSION_MV, t.LEAD_GROUP_MIN_LEADS)),
    StatementDefinition(
        "INVT", "inverted t-waves", "repolarization",
        f"T at or below {t.T_INVERSION_MV.value:g} mV with a dominant R wave (R > |S|) {_LEAD_GROUP_TEXT}",
        (t.T_INVERSION_MV, t.LEAD_GROUP_MIN_LEADS)),
)


def numeric_statement_code(feature: NumericFeature, range_name: str) -> str:
    """The code of a numeric-range statement, e.g. QRSDUR_ABOVE."""
    return f"{feature.code}_{range_name.upper()}"


def numeric_statement_name(feature: NumericFeature, range_name: str) -> str:
    """ECG-QA's name of a numeric-range finding, e.g. 'above the normal range of qrs duration'."""
    return f"{range_name} the normal range of {feature.name}"


def _numeric_definitions() -> tuple[StatementDefinition, ...]:
    definitions = []
    for feature in NUMERIC_FEATURES:
        limits = tuple(x for x in (feature.low, feature.high) if x is not None)
        low = f"{feature.low.value:g}" if feature.low else "0"
        for range_name in NUMERIC_RANGES:
            if range_name == "below" and feature.low is None:
                continue
            definitions.append(StatementDefinition(
                numeric_statement_code(feature, range_name), numeric_statement_name(feature, range_name),
                "numeric",
                f"{feature.field} {range_name} the normal range {low}-{feature.high.value:g} ms "
                "(bounds inclusive)", limits))
    return tuple(definitions)


# Codes whose name is the project's own: ECG-QA has no string for the finding.
NAMED_BY_THE_PROJECT = ("2AVB_MOBITZ2",)
STATEMENTS: dict[str, StatementDefinition] = {d.code: d for d in _DEFINITIONS + _numeric_definitions()}


def definition(code: str) -> StatementDefinition:
    """The definition of a statement code; KeyError for a code the engine never makes."""
    return STATEMENTS[code]


def codes_for(answer: str) -> list[str]:
    """The codes whose statement answers an ECG-QA string (its name or an alias), e.g.
    "extrasystoles" -> ["PVC", "PAC"]; [] for a string no statement answers."""
    wanted = answer.strip().lower()
    return [d.code for d in STATEMENTS.values() if wanted == d.name or wanted in d.aliases]


def knowledge_base() -> list[dict]:
    """Every statement with its rule in words, thresholds, values, units and sources."""
    return [d.to_dict() for d in STATEMENTS.values()]

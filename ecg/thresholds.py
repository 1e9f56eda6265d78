"""Every diagnostic threshold of the criteria engine, named once with its unit and clinical source.

Rules in ``ecg.criteria_*`` refer to these objects, never to bare numbers, so a statement's
evidence can always say which limit it crossed and who set it. Where the literature gives a
sex-specific limit and the sex is not known, the more specific (higher) limit is used.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Threshold:
    """A named limit: its value in ``unit`` and the publication (or choice) it comes from."""

    name: str
    value: float
    unit: str
    source: str
    meaning: str

    def to_dict(self) -> dict:
        return {"name": self.name, "value": self.value, "unit": self.unit,
                "source": self.source, "meaning": self.meaning}


# --- Sources -------------------------------------------------------------------------------------

SURAWICZ_2009 = ("Surawicz B, Childers R, Deal BJ, Gettes LS. AHA/ACCF/HRS recommendations for the "
                 "standardization and interpretation of the electrocardiogram, part III: intraventricular "
                 "conduction disturbances. Circulation 2009;119:e235-e240")
RAUTAHARJU_2009 = ("Rautaharju PM, Surawicz B, Gettes LS. AHA/ACCF/HRS recommendations for the "
                   "standardization and interpretation of the electrocardiogram, part IV: the ST segment, "
                   "T and U waves, and the QT interval. Circulation 2009;119:e241-e250")
HANCOCK_2009 = ("Hancock EW, Deal BJ, Mirvis DM, et al. AHA/ACCF/HRS recommendations for the "
                "standardization and interpretation of the electrocardiogram, part V: electrocardiogram "
                "changes associated with cardiac chamber hypertrophy. Circulation 2009;119:e251-e261")
THYGESEN_2018 = ("Thygesen K, Alpert JS, Jaffe AS, et al. Fourth universal definition of myocardial "
                 "infarction (2018). Circulation 2018;138:e618-e651")
KUSUMOTO_2018 = ("Kusumoto FM, Schoenfeld MH, Barrett C, et al. 2018 ACC/AHA/HRS guideline on the "
                 "evaluation and management of patients with bradycardia and cardiac conduction delay. "
                 "Circulation 2019;140:e382-e482")
SOKOLOW_LYON_1949 = ("Sokolow M, Lyon TP. The ventricular complex in left ventricular hypertrophy as "
                     "obtained by unipolar precordial and limb leads. Am Heart J 1949;37:161-186")
CASALE_1987 = ("Casale PN, Devereux RB, Alonso DR, Campo E, Kligfield P. Improved sex-specific criteria "
               "of left ventricular hypertrophy for clinical and computer interpretation of "
               "electrocardiograms: validation with autopsy findings. Circulation 1987;75:565-572")
CHOU_2008 = ("Surawicz B, Knilans TK. Chou's Electrocardiography in Clinical Practice, 6th ed. "
             "Saunders 2008")
DASH_2009 = ("Dash S, Chon KH, Lu S, Raeder EA. Automatic real time detection of atrial fibrillation. "
             "Ann Biomed Eng 2009;37:1701-1709 (normalised RMSSD of RR intervals)")
TASK_FORCE_1996 = ("Task Force of the ESC and NASPE. Heart rate variability: standards of measurement, "
                   "physiological interpretation and clinical use. Circulation 1996;93:1043-1065")
ECGQA_2023 = ("Oh J, Lee G, Bae S, Kwon J, Choi E. ECG-QA: a comprehensive question answering dataset "
              "combined with electrocardiogram. NeurIPS 2023 Datasets and Benchmarks (normal ranges "
              "behind its numeric-feature and heart-axis answers)")
SOKOLOW_LYON_RVH_1949 = ("Sokolow M, Lyon TP. The ventricular complex in right ventricular hypertrophy as "
                         "obtained by unipolar precordial and limb leads. Am Heart J 1949;38:273-294")
PROJECT_CHOICE = "project choice (no published limit for this measurement; set for specificity)"

# --- Rate and rhythm -----------------------------------------------------------------------------

BRADYCARDIA_BELOW_BPM = Threshold(
    "bradycardia_below_bpm", 60.0, "bpm",
    f"conventional adult limit, the same as ECG-QA's RR upper limit of 1.0 s; {ECGQA_2023}",
    "a sinus rate below this is sinus bradycardia")
TACHYCARDIA_ABOVE_BPM = Threshold(
    "tachycardia_above_bpm", 100.0, "bpm",
    f"conventional adult limit, the same as ECG-QA's RR lower limit of 0.6 s; {ECGQA_2023}",
    "a sinus rate above this is sinus tachycardia")
SINUS_P_WAVE_MIN_SHARE = Threshold(
    "sinus_p_wave_min_share", 0.8, "fraction", PROJECT_CHOICE,
    "share of beats preceded by a P wave needed to call the rhythm sinus")
SINUS_P_AXIS_MIN_DEG = Threshold(
    "sinus_p_axis_min_deg", -30.0, "deg", CHOU_2008,
    "lowest frontal P axis of a sinus P wave: upright in I and II means -30 to +90 deg")
SINUS_P_AXIS_MAX_DEG = Threshold(
    "sinus_p_axis_max_deg", 90.0, "deg", CHOU_2008,
    "highest frontal P axis of a sinus P wave: upright in I and II means -30 to +90 deg")
SINUS_ARRHYTHMIA_MIN_RR_RANGE_MS = Threshold(
    "sinus_arrhythmia_min_rr_range_ms", 160.0, "ms", CHOU_2008,
    "longest minus shortest sinus cycle above this is sinus arrhythmia")
RR_RANGE_OUTLIERS_DROPPED = Threshold(
    "rr_range_outliers_dropped", 1.0, "intervals", PROJECT_CHOICE,
    "NN intervals dropped at each end before the sinus-arrhythmia range is taken, so that one "
    "premature beat the beat classifier missed (short cycle, then pause) does not count")
AF_MIN_RR_IRREGULARITY = Threshold(
    "af_min_rr_irregularity", 0.10, "ratio", DASH_2009,
    "RMSSD of successive NN intervals divided by their mean, at or above which the rhythm is "
    "irregular (NN: between two normal beats, ectopic beats excluded as in HRV practice, "
    f"{TASK_FORCE_1996})")
AF_MIN_PAIR_IRREGULARITY = Threshold(
    "af_min_pair_irregularity", 0.025, "ratio", PROJECT_CHOICE,
    "RMSSD of the sums of successive RR pairs divided by their mean (the lower of the two ways to "
    "pair them), at or above which an irregular rhythm is irregularly irregular: the short-long pairs "
    "of bigeminy and 3:2 block add up to within 0.1 %, LUDB's atrial fibrillations to 0.057-0.35")
AF_MAX_P_WAVE_SHARE = Threshold(
    "af_max_p_wave_share", 0.6, "fraction", PROJECT_CHOICE,
    "share of beats with a P wave below which organised atrial activity is called absent; ecg.measure "
    "reports no P wave values below it either (it was 0.5 here until 2026-12-03, which left LUDB's "
    "atrial fibrillations with P-like f waves before 50-54 % of their beats without any rhythm)")
FLUTTER_MIN_ATRIAL_RATE_BPM = Threshold(
    "flutter_min_atrial_rate_bpm", 250.0, "bpm", CHOU_2008,
    "lowest atrial (F-wave) rate of typical atrial flutter")
FLUTTER_MAX_ATRIAL_RATE_BPM = Threshold(
    "flutter_max_atrial_rate_bpm", 350.0, "bpm", CHOU_2008,
    "highest atrial (F-wave) rate of typical atrial flutter")
ATRIAL_PERIODIC_MIN_CORRELATION = Threshold(
    "atrial_periodic_min_correlation", 0.7, "correlation", PROJECT_CHOICE,
    "correlation of the 3-15 Hz signal outside the QRS with itself one atrial cycle later "
    "(ecg.atrial) at or above which the atrial activity is regular flutter waves; set on all 160 "
    "LUDB records: sinus rhythms at most 0.56, atrial fibrillation at most 0.49, the two flutters "
    "0.84 and 0.86")
DISSOCIATED_P_MIN_CORRELATION = Threshold(
    "dissociated_p_min_correlation", 0.5, "correlation", PROJECT_CHOICE,
    "correlation of the 2-15 Hz signal left after subtracting the mean QRS-T with itself one P-P "
    "cycle later (ecg.dissociation) at or above which P waves run independently of the QRS; set on "
    "the 7 LUDB records with a regular rhythm and no P waves before the beats: the two paced "
    "complete AV blocks with visible P waves 0.60 and 0.65, the others at most 0.24")
BLOCKED_P_MIN_CORRELATION = Threshold(
    "blocked_p_min_correlation", 0.85, "correlation", PROJECT_CHOICE,
    "correlation (smoothed first differences, all leads) of the conducted P wave with the wave half "
    "an RR after it and after the T wave (ecg.blocked_p) at or above which that wave is a "
    "non-conducted P wave (2:1 AV block); LUDB (no second-degree block) at most 0.57, synthetic 2:1 "
    "block at least 0.92, clean or with 50 uV of noise")
DROPPED_P_MIN_CORRELATION = Threshold(
    "dropped_p_min_correlation", 0.7, "correlation", PROJECT_CHOICE,
    "correlation (smoothed first differences, all leads) of the P wave that ends the pauses with the "
    "wave one P-P cycle before it and with the P wave one more cycle before that (ecg.dropped_beats) "
    "at or above which the pauses hold non-conducted P waves (second-degree AV block with dropped "
    "beats); LUDB (no second-degree block) at most 0.54, the PTB-XL subset at most 0.62, synthetic "
    "Mobitz I and II block at least 0.74, clean or with 50 uV of noise")
SINUS_PAUSE_MIN_MS = Threshold(
    "sinus_pause_min_ms", 2000.0, "ms", f"{PROJECT_CHOICE}; definition from {KUSUMOTO_2018}",
    "an RR between two sinus beats, with no P wave in it, at least this long is a sinus pause (the "
    "guideline's sinus arrest is over 3 s; 2 s is the usual alarm limit of ECG monitors)")
SINUS_PAUSE_MIN_CYCLES = Threshold(
    "sinus_pause_min_cycles", 1.5, "ratio", PROJECT_CHOICE,
    "the pause over the sinus cycle (median of the shorter half of the RRs) at or above which a long "
    "RR is a pause rather than a slow sinus beat (LUDB's sinus arrhythmias reach 1.5)")
SA_BLOCK_MIN_CYCLES = Threshold(
    "sa_block_min_cycles", 1.9, "ratio", f"{PROJECT_CHOICE}; definition from {KUSUMOTO_2018}",
    "a pause without a P wave from this to sa_block_max_cycles times the sinus cycle (two cycles, within "
    "the sinus rhythm's own variation) is second-degree sinoatrial exit block type II: one sinus "
    "impulse did not leave the node")
SA_BLOCK_MAX_CYCLES = Threshold(
    "sa_block_max_cycles", 2.1, "ratio", f"{PROJECT_CHOICE}; definition from {KUSUMOTO_2018}",
    "upper limit of the pause of sinoatrial block type II, in sinus cycles")
NO_P_WAVE_MAX_CORRELATION = Threshold(
    "no_p_wave_max_correlation", 0.5, "correlation", PROJECT_CHOICE,
    "a pause holds no P wave where neither the non-conducted P wave of AV block (dropped_p_correlation) "
    "nor an early one (blocked_pac_correlation) reaches this; synthetic pauses of the sinus node read at "
    "most 0.31 at two cycles and more, a PTB-XL subset pause with a P-like wave 0.70")
REGULAR_OUTSIDE_PAUSES_MAX_RR_SPREAD = Threshold(
    "regular_outside_pauses_max_rr_spread", 0.2, "ratio", PROJECT_CHOICE,
    "longest minus shortest RR outside the pauses, over the sinus cycle, at or below which the rhythm "
    "is regular outside its pauses: a pause of two cycles is then a whole multiple of its cycle "
    "(sinoatrial block) rather than a long RR of an irregular rhythm, its rate outside the pauses is "
    "the sinus rate, and its atrial cycle is read at whole fractions of its RR (ecg.atrial_rate)")
BLOCKED_PAC_MIN_CORRELATION = Threshold(
    "blocked_pac_min_correlation", 0.75, "correlation", PROJECT_CHOICE,
    "correlation (smoothed first differences, all leads, either polarity) of the P wave with what the "
    "beats before the pauses have after their QRS and the other beats have not (ecg.blocked_pac), at "
    "or above which (at a size within 2x) the pauses hold non-conducted premature P waves; LUDB at most "
    "0.71, the PTB-XL subset at most 0.72, synthetic blocked premature atrial beats of the sinus P "
    "wave's size at least 0.79, clean or with 50 uV of noise")
PACED_MIN_BEATS = Threshold(
    "paced_min_beats", 2.0, "beats", PROJECT_CHOICE,
    "paced beats needed to report a pacemaker (one misread beat is not enough)")
PACED_DOMINANT_SHARE = Threshold(
    "paced_dominant_share", 0.5, "fraction", PROJECT_CHOICE,
    "share of paced beats above which QRS, hypertrophy and ST-T criteria are not applied")
BIGEMINY_MIN_CYCLES = Threshold(
    "bigeminy_min_cycles", 3.0, "cycles", PROJECT_CHOICE,
    "normal-then-ectopic beat pairs in a row needed to call a bigeminal pattern")
ECTOPIC_MIN_BEATS = Threshold(
    "ectopic_min_beats", 1.0, "beats", CHOU_2008,
    "ectopic beats needed to report premature complexes (one premature beat is one extrasystole)")

# --- AV and intraventricular conduction ----------------------------------------------------------

FIRST_DEGREE_AVB_PR_ABOVE_MS = Threshold(
    "first_degree_avb_pr_above_ms", 200.0, "ms", KUSUMOTO_2018,
    "a PR interval above this with 1:1 conduction is first-degree AV block")
COMPLETE_BBB_MIN_QRS_MS = Threshold(
    "complete_bbb_min_qrs_ms", 120.0, "ms", SURAWICZ_2009,
    "QRS duration (median lead) at or above which a bundle-branch block is complete")
INCOMPLETE_BBB_MIN_QRS_MS = Threshold(
    "incomplete_bbb_min_qrs_ms", 110.0, "ms", SURAWICZ_2009,
    "QRS duration (median lead) at or above which (and below the complete limit) a bundle-branch "
    "block is incomplete")
IVCD_QRS_ABOVE_MS = Threshold(
    "ivcd_qrs_above_ms", 110.0, "ms", SURAWICZ_2009,
    "a QRS (median lead) above this without bundle-branch-block morphology is a non-specific "
    "conduction delay")
FASCICULAR_BLOCK_MAX_QRS_MS = Threshold(
    "fascicular_block_max_qrs_ms", 120.0, "ms", SURAWICZ_2009,
    "fascicular blocks require a QRS (median lead) shorter than this")
LAFB_AXIS_MAX_DEG = Threshold(
    "lafb_axis_max_deg", -45.0, "deg", SURAWICZ_2009,
    "LAFB needs a frontal QRS axis between -90 deg and this")
LPFB_AXIS_MIN_DEG = Threshold(
    "lpfb_axis_min_deg", 90.0, "deg", SURAWICZ_2009,
    "LPFB needs a frontal QRS axis between this and 180 deg")
QRS_NET_AREA_ZERO = Threshold(
    "qrs_net_area_zero", 0.0, "mV*ms", SURAWICZ_2009,
    "sign of the net QRS area: above zero a predominantly positive (R) QRS, below a negative (rS/QS) one")
RSR_PRIME_PATTERN = Threshold(
    "rsr_prime_pattern", 1.0, "bool", SURAWICZ_2009,
    "an rsr', rsR' or rSR' (M-shaped) QRS in V1 or V2 marks right bundle-branch block")

AV_BLOCK_MIN_ATRIAL_RATIO = Threshold(
    "av_block_min_atrial_ratio", 1.1, "ratio", f"{PROJECT_CHOICE}; definition from {KUSUMOTO_2018}",
    "atrial rate divided by ventricular rate at or above which P waves outnumber the QRS complexes: "
    "some are not conducted (2:1 gives 2, 3:2 gives 1.5, 5:4 gives 1.25; a 10 s record's rate of a "
    "5:4 block can read 1.19), or, where they run apart from the beats, the block is complete "
    "rather than the P waves running beside a faster junctional or ventricular rhythm "
    "(ecg.dissociation reads no P-P cycle within 5 % of the RR)")
THIRD_DEGREE_AVB_MIN_PR_RANGE_MS = Threshold(
    "third_degree_avb_min_pr_range_ms", 100.0, "ms", f"{PROJECT_CHOICE}; definition from {KUSUMOTO_2018}",
    "longest minus shortest P-to-QRS time at or above which P waves and QRS complexes are "
    "independent (AV dissociation) rather than conducted")
HIGH_GRADE_AVB_MIN_RATIO = Threshold(
    "high_grade_avb_min_ratio", 2.5, "ratio", f"{PROJECT_CHOICE}; definition from {KUSUMOTO_2018}",
    "atrial rate divided by ventricular rate at or above which, with the non-conducted P waves found "
    "evenly between the beats, two or more P waves in a row are blocked (3:1 gives 3, 2:1 gives 2): "
    "high-grade AV block")
MOBITZ_I_MIN_PR_SHORTENING_MS = Threshold(
    "mobitz_i_min_pr_shortening_ms", 40.0, "ms", f"{PROJECT_CHOICE}; definition from {KUSUMOTO_2018}",
    "PR of the beat before the pauses minus the PR of the beat after them at or above which the PR "
    "lengthens up to the non-conducted P wave and recovers after it: Mobitz type I (Wenckebach). "
    "Synthetic Mobitz I block (3:2 to 5:4, 100-120 ms of lengthening) reads 96-126 ms, Mobitz II "
    "reads -4 to +2 ms, clean or with 50 uV of noise and 20 ms of P-P jitter (benchmarks/av_block.py)")
MOBITZ_II_MAX_PR_CHANGE_MS = Threshold(
    "mobitz_ii_max_pr_change_ms", 20.0, "ms", f"{PROJECT_CHOICE}; definition from {KUSUMOTO_2018}",
    "largest change of the PR across the pauses (either way) at or below which the PR is constant "
    "before and after the non-conducted P wave: Mobitz type II; between this and "
    "mobitz_i_min_pr_shortening_ms the type is not told")
WPW_PR_BELOW_MS = Threshold(
    "wpw_pr_below_ms", 120.0, "ms", SURAWICZ_2009,
    "a PR interval below this in sinus rhythm is short, as in ventricular pre-excitation")
WPW_MIN_QRS_MS = Threshold(
    "wpw_min_qrs_ms", 110.0, "ms",
    f"{SURAWICZ_2009} (who give > 120 ms in adults); lowered to their incomplete-block limit as a "
    f"{PROJECT_CHOICE}, since pre-excitation is often partial",
    "QRS duration (median lead) at or above which a short PR counts as pre-excitation")

# --- Frontal QRS axis (ECG-QA's ranges) ----------------------------------------------------------

AXIS_NORMAL_MIN_DEG = Threshold(
    "axis_normal_min_deg", -30.0, "deg", ECGQA_2023,
    "lowest normal frontal QRS axis; from here down to -90 deg is left axis deviation")
AXIS_NORMAL_MAX_DEG = Threshold(
    "axis_normal_max_deg", 90.0, "deg", ECGQA_2023,
    "highest normal frontal QRS axis; from here up to 180 deg is right axis deviation")
AXIS_LEFT_MIN_DEG = Threshold(
    "axis_left_min_deg", -90.0, "deg", ECGQA_2023,
    "lowest left-deviated axis; beyond it (-90 to -180 deg) the axis is extreme")

# --- Hypertrophy, atrial abnormality and voltage -------------------------------------------------

SOKOLOW_LYON_MIN_MV = Threshold(
    "sokolow_lyon_min_mv", 3.5, "mV", SOKOLOW_LYON_1949,
    "S(V1) + max(R(V5), R(V6)) at or above this meets the voltage criterion for LVH")
CORNELL_ABOVE_MV = Threshold(
    "cornell_above_mv", 2.8, "mV", CASALE_1987,
    "R(aVL) + S(V3) above this meets the Cornell voltage criterion (men's limit; women's is 2.0 mV)")
LV_STRAIN_ST_DEPRESSION_MV = Threshold(
    "lv_strain_st_depression_mv", -0.05, "mV", HANCOCK_2009,
    "ST depression at the J point at or below this in a lateral lead is the repolarisation "
    "(strain) change that supports LVH beyond voltage")
LV_STRAIN_T_INVERSION_MV = Threshold(
    "lv_strain_t_inversion_mv", -0.1, "mV", HANCOCK_2009,
    "T amplitude at or below this in a lateral lead is the strain pattern that supports LVH")
LEFT_ATRIAL_P_DURATION_ABOVE_MS = Threshold(
    "left_atrial_p_duration_above_ms", 120.0, "ms", HANCOCK_2009,
    "a P wave longer than this suggests left atrial abnormality")
RIGHT_ATRIAL_P_AMPLITUDE_ABOVE_MV = Threshold(
    "right_atrial_p_amplitude_above_mv", 0.25, "mV", HANCOCK_2009,
    "a P wave taller than this in lead II suggests right atrial abnormality")
LOW_VOLTAGE_LIMB_BELOW_MV = Threshold(
    "low_voltage_limb_below_mv", 0.5, "mV", CHOU_2008,
    "peak-to-peak QRS below this in every limb lead is low voltage in the frontal plane")
LOW_VOLTAGE_PRECORDIAL_BELOW_MV = Threshold(
    "low_voltage_precordial_below_mv", 1.0, "mV", CHOU_2008,
    "peak-to-peak QRS below this in every precordial lead is low voltage in the horizontal plane")

RVH_R_V1_MIN_MV = Threshold(
    "rvh_r_v1_min_mv", 0.7, "mV", HANCOCK_2009,
    "an R wave in V1 at least this tall is a voltage criterion for right ventricular hypertrophy")
RVH_R_S_V1_ABOVE = Threshold(
    "rvh_r_s_v1_above", 1.0, "ratio", HANCOCK_2009,
    "R/|S| in V1 above this (a dominant R in V1) is a criterion for right ventricular hypertrophy")
RVH_SOKOLOW_LYON_MIN_MV = Threshold(
    "rvh_sokolow_lyon_min_mv", 1.05, "mV", SOKOLOW_LYON_RVH_1949,
    "R(V1) + max(S(V5), S(V6)) at least this meets the Sokolow-Lyon criterion for RVH")

# --- Pathological Q waves (infarction), Thygesen et al. 2018, in the absence of QRS confounders ---

Q_WAVE_MIN_MS = Threshold(
    "q_wave_min_ms", 30.0, "ms", THYGESEN_2018,
    "a Q wave (or QS complex) at least this long and Q_WAVE_MIN_DEPTH_MV deep is pathological "
    "(leads other than V2-V3)")
Q_WAVE_MIN_DEPTH_MV = Threshold(
    "q_wave_min_depth_mv", -0.1, "mV", THYGESEN_2018,
    "a pathological Q wave outside V2-V3 is at least 0.1 mV deep (amplitude at or below this)")
Q_WAVE_V2_V3_MIN_MS = Threshold(
    "q_wave_v2_v3_min_ms", 20.0, "ms", THYGESEN_2018,
    "in V2-V3 any Q wave (or QS complex) at least this long is pathological")
Q_WAVE_VISIBLE_DEPTH_MV = Threshold(
    "q_wave_visible_depth_mv", -0.05, "mV", PROJECT_CHOICE,
    "the shallowest negative deflection counted as a Q wave in V2-V3, so that baseline noise at the "
    "QRS onset is not one (Thygesen et al. set no depth there)")

# --- QT, ST segment and T wave -------------------------------------------------------------------

LONG_QTC_MIN_MS = Threshold(
    "long_qtc_min_ms", 460.0, "ms", RAUTAHARJU_2009,
    "QTc at or above this is prolonged (women's limit; men's is 450 ms)")
ST_ELEVATION_MV = Threshold(
    "st_elevation_mv", 0.1, "mV", THYGESEN_2018,
    "J-point elevation at or above this in two leads of a group (all leads but V2-V3)")
ST_ELEVATION_V2_V3_MV = Threshold(
    "st_elevation_v2_v3_mv", 0.2, "mV", THYGESEN_2018,
    "J-point elevation at or above this in V2-V3 (men over 40; 0.25 mV under 40, 0.15 mV in women)")
ST_DEPRESSION_MV = Threshold(
    "st_depression_mv", -0.05, "mV", THYGESEN_2018,
    "horizontal or down-sloping ST depression at or below this at J and J+60 ms in two leads of a group")
T_INVERSION_MV = Threshold(
    "t_inversion_mv", -0.1, "mV", THYGESEN_2018,
    "T amplitude at or below this in two leads of a group with a dominant R wave")
LEAD_GROUP_MIN_LEADS = Threshold(
    "lead_group_min_leads", 2.0, "leads", THYGESEN_2018,
    "ST-T changes count in a lead group when at least this many of its leads show them")

# --- ECG-QA numeric-feature normal ranges (s in the source, ms here) ------------------------------

RR_NORMAL_MIN_MS = Threshold("rr_normal_min_ms", 600.0, "ms", ECGQA_2023, "lowest normal RR interval")
RR_NORMAL_MAX_MS = Threshold("rr_normal_max_ms", 1000.0, "ms", ECGQA_2023, "highest normal RR interval")
P_DURATION_NORMAL_MAX_MS = Threshold("p_duration_normal_max_ms", 120.0, "ms", ECGQA_2023,
                                     "longest normal P wave")
PR_NORMAL_MIN_MS = Threshold("pr_normal_min_ms", 120.0, "ms", ECGQA_2023, "shortest normal PR interval")
PR_NORMAL_MAX_MS = Threshold("pr_normal_max_ms", 200.0, "ms", ECGQA_2023, "longest normal PR interval")
QRS_NORMAL_MIN_MS = Threshold("qrs_normal_min_ms", 60.0, "ms", ECGQA_2023, "shortest normal QRS (median lead)")
QRS_NORMAL_MAX_MS = Threshold("qrs_normal_max_ms", 110.0, "ms", ECGQA_2023, "longest normal QRS (median lead)")
QT_NORMAL_MIN_MS = Threshold("qt_normal_min_ms", 330.0, "ms", ECGQA_2023, "shortest normal QT interval")
QT_NORMAL_MAX_MS = Threshold("qt_normal_max_ms", 430.0, "ms", ECGQA_2023, "longest normal QT interval")
QTC_NORMAL_MIN_MS = Threshold("qtc_normal_min_ms", 330.0, "ms", ECGQA_2023,
                              "shortest normal QTc (Bazett)")
QTC_NORMAL_MAX_MS = Threshold("qtc_normal_max_ms", 555.0, "ms", ECGQA_2023,
                              "longest normal QTc (Bazett) as ECG-QA defines it")


def all_thresholds() -> list[Threshold]:
    """Every threshold defined in this module, in definition order."""
    return [value for value in globals().values() if isinstance(value, Threshold)]

"""measure(record): intervals, axes, amplitudes and beats of one ECG.

The record is cut to its first ``MAX_ANALYSED_S`` seconds, power-line interference is notched
(where a 50 or 60 Hz tone stands out: the band-pass alone leaves most of it), pacemaker spikes
are cut out, the signal is resampled to ``ANALYSIS_FS`` and band-passed; beats are detected on
all leads, aligned and classified; the dominant beats' sample-wise median is the representative
beat, whose global fiducials give the intervals and whose leads give the amplitudes. Nothing
raises for a record that ``make_record`` accepted: what cannot be measured is None with a note.
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import uniform_filter1d

from ecg.artefacts import limb_electrode_artefacts
from ecg.atrial_rate import read_atrial_rate
from ecg.blocked_pac import read_blocked_pacs
from ecg.beats import (IRREGULAR_RHYTHM, PREMATURE_RR_RATIO, Beats, RepresentativeBeat, find_beats,
                       inside_record, median_beat, rr_irregularity)
from ecg.delineate import Fiducials, delineate
from ecg.lead_values import axis_deg, lead_measurements
from ecg.measurements import Beat, Measurements
from ecg.pacing import detect_pacing_spikes, remove_pacing_spikes
from ecg.pauses import read_pauses
from ecg.preprocess import bandpass, fill_gaps, notch_line, resample
from ecg.quality import QualityReport, assess_quality
from ecg.record import ECGRecord
from ecg.rpeaks import detect_rpeaks
from ecg.thresholds import AF_MAX_P_WAVE_SHARE

ANALYSIS_FS = 500.0             # every record is measured at this rate
MAX_ANALYSED_S = 300.0          # long (Holter) records: the first five minutes
BAND_HZ = (0.5, 40.0)           # baseline wander and mains/EMG out; P/QRS/T kept
MIN_BEATS = 2                   # fewer dominant beats than this: no representative beat
RECURRING_KINDS = ("N", "S", "P")  # beats of the dominant QRS shape, or paced (ecg.beats): white noise has none
# A beat's P window correlates this well with the representative P: it has a P wave. On the odd
# LUDB records, at least 70 % of the beats of every sinus record pass, at most 15 % of an AF's.
P_BEAT_CORRELATION = 0.7
P_PRESENT_SHARE = AF_MAX_P_WAVE_SHARE.value   # below this share of beats with a P wave, P values are null
# Noise lowers a beat's P correlation even where its P wave is there: 50 uV of white noise on the
# odd LUDB records left P values on 75 % of them. A noisy beat's correlation is divided by the one
# its noise alone would leave (sqrt(S / (S + N)), S and N the representative P's and the noise's
# power), floored at P_MIN_EXPECTED_CORRELATION so that a faint representative P (AF: chance
# f-wave alignment) cannot make every beat pass. The noise is what a 20 ms moving average takes
# off the P window (the P wave's band lies below), times P_NOISE_GAIN, the in-band (0.5-40 Hz)
# over residual power of white noise at ANALYSIS_FS; beats with less than P_NOISY_UV of it are
# left as they are (clean odd LUDB records: at most 14.5 uV, median 6).
P_NOISE_SMOOTHING_S = 0.02
P_NOISE_GAIN = 7.0
P_NOISY_UV = 15.0
P_MIN_EXPECTED_CORRELATION = 0.75
# The PR note of a paced representative beat whose P wave does not precede most beats (the
# pacemaker does not track the atria). Where it does, the pacing is P-synchronous and the PR, the
# pacemaker's AV delay, is reported (LUDB 72: its experts annotate those P waves and that PR).
VENTRICULAR_PACING = "ventricular pacing"


def measure(record: ECGRecord) -> Measurements:
    """Measure one ECG; values that cannot be measured are None with a reason in ``notes``."""
    return measure_with_beat(record)[0]


def measure_with_beat(record: ECGRecord) -> tuple[Measurements, RepresentativeBeat | None]:
    """``measure(record)`` and the representative beat whose fiducials it reports (None when no
    representative beat could be formed; ``notes`` say why). The beat's leads are the usable ones."""
    result = Measurements(source=record.source, fs=record.fs, leads=list(record.leads))
    quality = assess_quality(record)
    record = _usable_leads(record, quality, result.notes)
    if record is None:
        return result, None
    signal, spikes, fs = _prepare(record, quality.line_frequency_hz, result.notes)
    filled = np.nan_to_num(signal)
    r_peaks = inside_record(detect_rpeaks(filled, fs), filled.shape[-1], fs)
    r_peaks = r_peaks[~limb_electrode_artefacts(filled, list(record.leads), r_peaks, fs)]
    if r_peaks.size == 0:
        result.notes["n_beats"] = "no QRS complexes found"
        return result, None
    beats = find_beats(signal, r_peaks, fs, spikes)
    if int(np.sum(np.isin(beats.kinds, RECURRING_KINDS) & beats.usable)) < MIN_BEATS:
        result.notes["n_beats"] = (f"no QRS shape recurs in {MIN_BEATS} or more of the {r_peaks.size} "
                                   "peaks found: noise, or no ECG in the record")
        return result, None
    _rhythm(result, beats, fs)
    if int(beats.dominant.sum()) < MIN_BEATS:
        result.notes["qrs_duration_ms"] = f"fewer than {MIN_BEATS} complete beats of one kind"
        result.notes["qrs_duration_median_lead_ms"] = result.notes["qrs_duration_ms"]
        return result, None
    template = median_beat(beats.epochs, beats.dominant)
    rr = np.diff(beats.r_peaks)
    rr_samples = float(np.median(rr)) if rr.size else 1.0 * fs
    rr_before, rr_after = _rr_around(beats, beats.dominant, rr_samples)
    fiducials = delineate(template, beats.r_index, fs, rr_before, _stimulus(beats, beats.dominant), rr_after)
    _intervals(result, fiducials, beats, fs)
    _per_beat(result, beats, template, fiducials, rr_samples, fs)
    read_atrial_rate(result, signal, list(record.leads), beats, template, fiducials, rr_samples, fs)
    read_blocked_pacs(result, signal, beats, template, fiducials, fs)
    read_pauses(result, beats, fs)
    _waves(result, template, list(record.leads), fiducials, fs)
    return result, RepresentativeBeat(template, fs, tuple(record.leads), beats.r_index)


def _usable_leads(record: ECGRecord, quality: QualityReport, notes: dict[str, str]) -> ECGRecord | None:
    """The record without the leads its quality report calls unusable (flat, clipped, swamped by
    noise); None, with the reason noted, when no lead is left."""
    usable = quality.usable_leads
    if not usable:
        problems = sorted({p.name for lead in quality.leads for p in lead.problems if p.severe})
        notes["n_beats"] = f"no usable lead (too noisy or no signal: {', '.join(problems)})"
        return None
    if len(usable) < len(record.leads):
        notes["leads"] = f"left out as unusable: {', '.join(n for n in record.leads if n not in usable)}"
        return record.select(list(usable))
    return record


def _prepare(record: ECGRecord, line_hz: float | None,
             notes: dict[str, str]) -> tuple[np.ndarray, np.ndarray, float]:
    """The analysed signal at ANALYSIS_FS (NaN kept where the record has gaps), notched at the
    power-line frequency the quality check found (``line_hz``, None for none), and spike indices."""
    signal = record.signal[:, : int(MAX_ANALYSED_S * record.fs)].astype(np.float64)
    if record.duration_s > MAX_ANALYSED_S:
        notes["n_beats"] = f"the first {MAX_ANALYSED_S:.0f} s of {record.duration_s:.0f} s were measured"
    signal = notch_line(signal, record.fs, line_hz)
    spikes = detect_pacing_spikes(fill_gaps(signal, record.fs, np.inf), record.fs)
    signal = remove_pacing_spikes(signal, spikes, record.fs)
    signal, fs = resample(signal, record.fs, ANALYSIS_FS)
    spikes = np.round(spikes * fs / record.fs).astype(int)
    return bandpass(signal, fs, *BAND_HZ), spikes, fs


def _rhythm(result: Measurements, beats: Beats, fs: float) -> None:
    rr_ms = np.diff(beats.r_peaks) / fs * 1000.0
    result.n_beats = int(beats.r_peaks.size)
    result.ventricular_ectopic_beats = int(np.sum(beats.kinds == "V"))
    result.supraventricular_ectopic_beats = int(np.sum(beats.kinds == "S"))
    result.paced_beats = int(np.sum(beats.kinds == "P"))
    if rr_ms.size == 0:
        result.notes["rr_ms"] = "one beat only"
        return
    result.rr_ms = float(np.mean(rr_ms))
    result.heart_rate_bpm = 60_000.0 / result.rr_ms
    if rr_ms.size >= 2:
        result.rr_sd_ms = float(np.std(rr_ms, ddof=1))
    result.rr_irregularity = rr_irregularity(rr_ms / 1000.0)
    if result.rr_irregularity is None:
        result.notes["rr_irregularity"] = "fewer than 3 RR intervals"


def _intervals(result: Measurements, f: Fiducials, beats: Beats, fs: float) -> None:
    """Global intervals of the representative beat and the QTc formulas."""
    ms = 1000.0 / fs
    r = beats.r_index
    names = ("p_onset", "p_offset", "qrs_onset", "qrs_offset", "t_peak", "t_offset")
    result.fiducials_ms = {name: None if getattr(f, name) is None else (getattr(f, name) - r) * ms
                           for name in names}
    if f.qrs_onset is None or f.qrs_offset is None:
        result.notes["qrs_duration_ms"] = "no QRS boundaries found on the representative beat"
        return
    result.qrs_duration_ms = (f.qrs_offset - f.qrs_onset) * ms
    if f.t_offset is None:
        result.notes["qt_interval_ms"] = "no T wave end found"
    else:
        qt = (f.t_offset - f.qrs_onset) * ms
        result.qt_interval_ms = qt
        if result.rr_ms:
            rr_s, hr = result.rr_ms / 1000.0, result.heart_rate_bpm
            result.qtc_bazett_ms = qt / np.sqrt(rr_s)
            result.qtc_fridericia_ms = qt / np.cbrt(rr_s)
            result.qtc_framingham_ms = qt + 154.0 * (1.0 - rr_s)
            result.qtc_hodges_ms = qt + 1.75 * (hr - 60.0)
    if f.p_onset is not None and f.p_offset is not None:
        result.p_duration_ms = (f.p_offset - f.p_onset) * ms
        result.pr_interval_ms = (f.qrs_onset - f.p_onset) * ms


def _rr_around(beats: Beats, chosen: np.ndarray, median_rr: float) -> tuple[float, float | None]:
    """The RR before the chosen beats (mask) and the RR after them (median over them, in samples)
    where three quarters of those RRs are longer, or shorter, than the median RR by more than a
    premature beat's: the beats on time in bigeminy follow the pause and precede the premature
    beat. Else the median RR and None (the chosen beats lie about one median RR apart)."""
    rr = np.diff(beats.r_peaks).astype(float)
    around = []
    for intervals in (np.concatenate(([np.nan], rr))[chosen], np.concatenate((rr, [np.nan]))[chosen]):
        known = intervals[np.isfinite(intervals)]
        low, high = np.percentile(known, [25, 75]) if known.size else (median_rr, median_rr)
        apart = low > median_rr / PREMATURE_RR_RATIO or high < PREMATURE_RR_RATIO * median_rr
        around.append(float(np.median(known)) if apart else None)
    return (around[0] or median_rr), around[1]


def _stimulus(beats: Beats, chosen: np.ndarray | list[int]) -> int | None:
    """The pacing stimulus of the chosen beats (mask or indices; epoch sample, median over them)
    when they are all paced; None otherwise."""
    lags = beats.stimulus_lags[chosen]
    if lags.size == 0 or not np.all(np.isfinite(lags)):
        return None
    return beats.r_index + int(round(float(np.median(lags))))


def _ventricular_paced(beats: Beats) -> bool:
    """The representative beat is made of paced beats: its QRS follows a pacemaker."""
    return bool(np.any(beats.dominant)) and bool(np.all(beats.kinds[beats.dominant] == "P"))


def _per_beat(result: Measurements, beats: Beats, template: np.ndarray, f: Fiducials, rr_samples: float,
              fs: float) -> None:
    """Per-beat kind, RR, P presence (correlation with the representative P) and each complete
    beat's own intervals, delineated like the representative beat (noisier: one beat only) within
    its own RRs before and after."""
    ms = 1000.0 / fs
    p_corr = _p_correlation(beats.epochs, template, f, fs)
    rr_before = np.diff(beats.r_peaks, prepend=np.nan)
    rr_after = np.diff(beats.r_peaks, append=np.nan)
    rr = rr_before * ms
    for i, peak in enumerate(beats.r_peaks):
        has_p = None if p_corr is None or not np.isfinite(p_corr[i]) else bool(p_corr[i] >= P_BEAT_CORRELATION)
        own = (delineate(beats.epochs[i], beats.r_index, fs, _known(rr_before[i], rr_samples),
                         _stimulus(beats, [i]), _known(rr_after[i], None)) if beats.usable[i] else None)
        result.beats.append(Beat(
            r_peak_ms=float(peak * ms),
            rr_ms=None if not np.isfinite(rr[i]) else float(rr[i]),
            kind=str(beats.kinds[i]),
            p_wave=has_p,
            pr_ms=_span_ms(own, "p_onset", "qrs_onset", ms) if has_p else None,
            qrs_ms=_span_ms(own, "qrs_onset", "qrs_offset", ms),
            qt_ms=_span_ms(own, "qrs_onset", "t_offset", ms),
        ))
    judged = [b.p_wave for b in result.beats if b.p_wave is not None and b.kind != "V"]  # a PVC has no P wave
    result.p_wave_present_share = float(np.mean(judged)) if judged else (0.0 if f.p_onset is None else None)
    share = result.p_wave_present_share
    if f.p_onset is not None and share is not None and share >= P_PRESENT_SHARE:
        result.atrial_rate_bpm = result.heart_rate_bpm
        return
    if (result.rr_irregularity or 0.0) > IRREGULAR_RHYTHM:
        reason = "no P waves (atrial fibrillation?)"
    elif f.p_onset is None:
        reason = "no P wave found before the QRS"
    else:
        reason = f"a P wave before only {share:.0%} of the beats"
    result.drop_p_waves(reason)
    if f.p_onset is not None and _ventricular_paced(beats):  # P waves the pacemaker does not track
        result.notes["pr_interval_ms"] = VENTRICULAR_PACING


def _known(value: float, otherwise: float | None) -> float | None:
    """``value`` where it is a number (an RR the record holds), else ``otherwise``."""
    return float(value) if np.isfinite(value) else otherwise


def _span_ms(f: Fiducials | None, start: str, stop: str, ms: float) -> float | None:
    """Milliseconds between two fiducials, None when either is missing."""
    if f is None or getattr(f, start) is None or getattr(f, stop) is None:
        return None
    return float((getattr(f, stop) - getattr(f, start)) * ms)


def _p_correlation(epochs: np.ndarray, template: np.ndarray, f: Fiducials, fs: float) -> np.ndarray | None:
    """Pearson correlation of each beat's multi-lead P window with the representative P wave,
    over the correlation a noisy beat's noise alone would leave (see ``P_NOISY_UV``)."""
    if f.p_onset is None or f.p_offset is None or f.p_offset - f.p_onset < 3:
        return None
    window = slice(f.p_onset, f.p_offset + 1)
    reference = template[:, window] - template[:, window].mean(axis=-1, keepdims=True)
    segment = np.nan_to_num(epochs[:, :, window])
    noise_power = _in_band_noise_power(segment, fs)
    segment = segment - segment.mean(axis=-1, keepdims=True)
    flat = segment.reshape(len(segment), -1)
    ref = reference.ravel()
    norms = np.linalg.norm(flat, axis=1) * np.linalg.norm(ref)
    complete = ~np.isnan(epochs[:, :, window]).any(axis=(1, 2)) & (norms > 0)
    correlation = (flat @ ref) / np.where(norms > 0, norms, 1.0)
    signal_power = float(np.mean(ref * ref))
    noisy = noise_power > (P_NOISY_UV / 1000.0) ** 2
    expected = np.sqrt(signal_power / np.maximum(signal_power + noise_power, 1e-12))
    expected = np.where(noisy, np.maximum(expected, P_MIN_EXPECTED_CORRELATION), 1.0)
    return np.where(complete, correlation / expected, np.nan)


def _in_band_noise_power(segment: np.ndarray, fs: float) -> np.ndarray:
    """Per beat, the white-noise power (mV^2) in the analysis band that the (beats, leads, samples)
    windows' residual above a ``P_NOISE_SMOOTHING_S`` moving average implies."""
    smoothing = max(1, int(round(P_NOISE_SMOOTHING_S * fs)))
    residual = segment - uniform_filter1d(segment, smoothing, axis=-1)
    return P_NOISE_GAIN * (residual * residual).mean(axis=(1, 2))


def _waves(result: Measurements, template: np.ndarray, leads: list[str], f: Fiducials, fs: float) -> None:
    """Per-lead amplitudes, axes and voltage criteria from the representative beat."""
    if f.qrs_onset is None or f.qrs_offset is None:
        result.notes["qrs_duration_median_lead_ms"] = result.notes["qrs_duration_ms"]
        return
    per_lead = lead_measurements(template, f, fs)
    if "p_duration_ms" in result.notes:
        for values in per_lead:
            values.p_amplitude_mv = None
    result.per_lead = dict(zip(leads, per_lead))
    result.qrs_duration_median_lead_ms = float(np.median([values.qrs_duration_ms for values in per_lead]))
    for name, wave in (("p_axis_deg", "p"), ("qrs_axis_deg", "qrs"), ("t_axis_deg", "t")):
        if name in result.notes:
            continue
        value, reason = axis_deg(template, leads, f, wave, fs)
        setattr(result, name, value)
        if reason:
            result.notes[name] = reason
    lead = result.per_lead.get
    if lead("V1") and lead("V5") and lead("V6"):
        result.sokolow_lyon_mv = -lead("V1").s_amplitude_mv + max(lead("V5").r_amplitude_mv,
                                                                 lead("V6").r_amplitude_mv)
    else:
        result.notes["sokolow_lyon_mv"] = "needs leads V1, V5 and V6"
    if lead("aVL") and lead("V3"):
        result.cornell_mv = lead("aVL").r_amplitude_mv - lead("V3").s_amplitude_mv
    else:
        result.notes["cornell_mv"] = "needs leads aVL and V3"

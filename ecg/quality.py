"""Signal quality per lead, in ECG-QA's noise vocabulary, and suspected limb-electrode reversal.

``assess_quality(record)`` measures each lead on the signal as read (before any cleaning):
missing samples, flat line, clipping, baseline drift, power-line interference, static
(continuous high-frequency) noise and burst noise. Each problem found carries its measured
value and the limit it crossed; a lead is "good" without problems, "unusable" with a severe
one, else "acceptable".

ECG-QA (Oh et al. 2023) asks about PTB-XL's four noise labels; problems map onto them as
follows (our judgement, the labels have no written definition): baseline drift -> "baseline
drift"; static noise and power-line interference -> "static noise"; burst noise -> "burst
noise"; flat line, clipping and a suspected electrode reversal -> "electrodes problems";
missing samples -> none of them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from ecg.leads import LIMB_LEADS
from ecg.preprocess import (LINE_RATIO_THRESHOLD, baseline, detect_line_frequency, fill_gaps, highpass,
                            line_interference, lowpass, notch_line, remove_baseline)
from ecg.record import ECGRecord
from ecg.rpeaks import QRS_BAND_HZ, detect_rpeaks

MAX_CUTOFF_SHARE = 0.4             # filter cut-offs of low-rate records stay below 0.4 x fs
MAX_ASSESSED_S = 300.0             # longer records (Holter) are judged on their first 5 minutes,
                                   # which bounds time and memory

# Missing samples (NaN).
MISSING_UNUSABLE_SHARE = 0.2       # chosen, not tuned: a fifth of the lead gone

# Flat line: a window this long whose range stays below FLAT_RANGE_MV holds no beat at all.
FLAT_WINDOW_S = 2.0                # one beat at 30 bpm and above
FLAT_BLOCK_S = 0.25                # the window slides in steps of this
FLAT_RANGE_MV = 0.03               # chosen: 2 s holding a beat span far more; a lost electrode's
                                   # amplifier noise less (test_flat_line_*)
FLAT_UNUSABLE_SHARE = 0.5          # chosen, not tuned: flat for over half the record

# Clipping: runs of samples stuck at the lead's extreme value.
CLIP_MIN_RUN_S = 0.01              # chosen: an R peak turns within a few ms, it stays level no 10 ms
CLIP_MIN_RUN_SAMPLES = 3
CLIP_LONG_RUN_S = 0.1              # level this long at the extreme is clipped however it got there
CLIP_EDGE_SLOPE_MV_S = 5.0         # chosen: a clipped QRS enters its run at tens of mV/s; the level
                                   # extremes of LUDB (coarse quantisation) at under 1 mV/s
CLIP_UNUSABLE_SHARE = 0.05         # chosen, not tuned: past this most R waves are cut

# Baseline drift: peak-to-peak of the wander below preprocess.BASELINE_CUTOFF_HZ, the largest
# over the record's 10 s stretches (the standard ECG's length: what a reader sees at once).
DRIFT_WINDOW_S = 10.0
DRIFT_MV = 0.5                     # chosen: about LUDB's 99th percentile (docs/BENCHMARKS.md)

# Power-line interference: the tone must stand out of the spectrum and be big enough to see.
LINE_AMPLITUDE_MV = 0.02           # chosen, not tuned: 20 uV, a fifth of a small (0.1 mV) P wave

# Noise: RMS of the signal above NOISE_BAND_HZ outside the QRS complexes, in short windows.
NOISE_BAND_HZ = 20.0               # above P and T waves, below EMG's main power
NOISE_WINDOW_S = 0.5               # short enough to localise a burst
QRS_MASK_S = (0.08, 0.10)          # masked before and after each R peak
STATIC_NOISE_MV = 0.03             # chosen: about LUDB's 99th percentile (docs/BENCHMARKS.md)
STATIC_NOISE_UNUSABLE_MV = 0.15    # chosen, not tuned: noise this loud (RMS) swamps a 0.1-0.25 mV P wave
BURST_RATIO = 4.0                  # a window this many times the lead's usual noise (chosen) ...
BURST_MIN_MV = 0.05                # ... and at least this loud is a burst; chosen: LUDB's 99th
                                   # percentile of the loudest window per lead (docs/BENCHMARKS.md)
BURST_UNUSABLE_SHARE = 0.3         # chosen, not tuned: bursts over about a third of the record
#                                    as loud as STATIC_NOISE_UNUSABLE_MV (median burst window RMS)
#                                    make a lead unusable; quieter bursts (muscle noise of 0.08 mV
#                                    RMS) leave the QRS and most P waves readable

# Limb-electrode reversal from the median beat's polarities.
REVERSAL_LOWPASS_HZ = 40.0         # P and QRS polarity need no more; muscle noise is cut
P_WINDOW_S = (-0.26, -0.08)        # relative to the R peak: PR intervals of 120-200 ms
QRS_WINDOW_S = 0.06                # +- around the R peak
BEAT_WINDOW_S = (-0.35, 0.45)      # from before the P wave to past the T wave's peak
MIN_P_MV = 0.03                    # chosen on LUDB with swapped electrodes (docs/BENCHMARKS.md)
MIN_BEATS = 3                      # fewer beats make no median beat

ECGQA_ATTRIBUTE = {
    "baseline drift": "baseline drift",
    "static noise": "static noise",
    "power-line interference": "static noise",
    "burst noise": "burst noise",
    "flat line": "electrodes problems",
    "clipping": "electrodes problems",
    "suspected electrode reversal": "electrodes problems",
    "missing samples": None,
}


@dataclass(frozen=True)
class Problem:
    """One defect of one lead: what was measured and the limit it crossed."""

    name: str
    value: float
    limit: float
    unit: str
    severe: bool = False

    @property
    def ecgqa_attribute(self) -> str | None:
        return ECGQA_ATTRIBUTE[self.name]

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "value": _round(self.value), "limit": self.limit, "unit": self.unit,
                "severe": self.severe, "ecgqa_attribute": self.ecgqa_attribute}


@dataclass(frozen=True)
class LeadQuality:
    """A lead's verdict, its problems and every measured value."""

    lead: str
    problems: tuple[Problem, ...]
    measures: dict[str, float]

    @property
    def verdict(self) -> str:
        if any(p.severe for p in self.problems):
            return "unusable"
        return "acceptable" if self.problems else "good"

    @property
    def ecgqa_attributes(self) -> tuple[str, ...]:
        return tuple(sorted({p.ecgqa_attribute for p in self.problems if p.ecgqa_attribute}))

    def to_dict(self) -> dict[str, Any]:
        return {"verdict": self.verdict, "problems": [p.to_dict() for p in self.problems],
                "ecgqa_noise": list(self.ecgqa_attributes),
                "measures": {k: _round(v) for k, v in self.measures.items()}}


@dataclass(frozen=True)
class QualityReport:
    """Quality of a whole record: per-lead results, the overall verdict and reversal findings."""

    leads: tuple[LeadQuality, ...]
    assessed_s: float
    line_frequency_hz: float | None = None
    suspected_reversal: str | None = None   # "LA/RA", "RA/LL" or None
    reversal_evidence: dict[str, float] = field(default_factory=dict)

    @property
    def verdict(self) -> str:
        verdicts = {lead.verdict for lead in self.leads}
        if verdicts <= {"unusable"}:
            return "unusable"
        return "good" if verdicts == {"good"} and not self.suspected_reversal else "acceptable"

    @property
    def usable_leads(self) -> tuple[str, ...]:
        return tuple(lead.lead for lead in self.leads if lead.verdict != "unusable")

    def lead(self, name: str) -> LeadQuality:
        return next(lead for lead in self.leads if lead.lead == name)

    def to_dict(self) -> dict[str, Any]:
        return {
            "verdict": self.verdict,
            "usable_leads": list(self.usable_leads),
            "assessed_s": _round(self.assessed_s),
            "line_frequency_hz": self.line_frequency_hz,
            "suspected_reversal": self.suspected_reversal,
            "reversal_evidence": {k: _round(v) for k, v in self.reversal_evidence.items()},
            "leads": {lead.lead: lead.to_dict() for lead in self.leads},
        }


def assess_quality(record: ECGRecord) -> QualityReport:
    """Measure every lead of ``record`` (its first MAX_ASSESSED_S) and judge it (see the
    module docstring)."""
    fs = record.fs
    raw = record.signal[:, : int(MAX_ASSESSED_S * fs)].astype(np.float64)
    missing = np.isnan(raw)
    filled = np.nan_to_num(fill_gaps(raw, fs, np.inf))
    line_hz = detect_line_frequency(filled, fs)
    flattened = remove_baseline(notch_line(filled, fs, line_hz), fs)
    rpeaks = detect_rpeaks(flattened, fs) if fs / 2 > QRS_BAND_HZ[1] else np.zeros(0, dtype=int)
    high_band = highpass(flattened, fs, min(NOISE_BAND_HZ, MAX_CUTOFF_SHARE * fs))
    measures = {
        "missing_share": missing.mean(axis=1),
        "flat_share": flat_share(raw, fs),
        "clipped_share": clipped_share(raw, fs),
        "baseline_drift_mv": baseline_drift(filled, fs),
        **_line_measures(filled, fs, line_hz),
        **noise_measures(high_band, fs, rpeaks, missing),
    }
    reversal, evidence = suspected_reversal(flattened, fs, record.leads, rpeaks)
    changed = _leads_changed_by(reversal)
    per_lead = [{key: float(values[i]) for key, values in measures.items()} for i in range(len(record.leads))]
    leads = tuple(LeadQuality(name, _problems(m, name in changed), m)
                  for name, m in zip(record.leads, per_lead))
    return QualityReport(leads, raw.shape[1] / fs, line_hz, reversal, evidence)


def baseline_drift(signal: np.ndarray, fs: float) -> np.ndarray:
    """Per lead, the largest peak-to-peak of the baseline wander within DRIFT_WINDOW_S."""
    wander = baseline(signal, fs)
    window = int(DRIFT_WINDOW_S * fs)
    last = max(0, wander.shape[1] - window)
    starts = [*range(0, last, max(1, window // 2)), last]  # half-overlapping, the last one flush
    return np.max([np.ptp(wander[:, start: start + window], axis=1) for start in starts], axis=0)


def flat_share(signal: np.ndarray, fs: float) -> np.ndarray:
    """Per lead, the share of the record inside FLAT_WINDOW_S windows whose range stays
    below FLAT_RANGE_MV (NaN samples ignored)."""
    block = max(1, int(round(FLAT_BLOCK_S * fs)))
    n_blocks = signal.shape[1] // block
    if n_blocks == 0:
        return np.zeros(signal.shape[0])
    blocks = signal[:, : n_blocks * block].reshape(signal.shape[0], n_blocks, block)
    missing = np.isnan(blocks)
    top = np.where(missing, -np.inf, blocks).max(axis=2)
    bottom = np.where(missing, np.inf, blocks).min(axis=2)
    span = min(n_blocks, max(1, int(round(FLAT_WINDOW_S / FLAT_BLOCK_S))))
    window_range = (sliding_window_view(top, span, axis=1).max(axis=2)
                    - sliding_window_view(bottom, span, axis=1).min(axis=2))
    flat = np.nan_to_num(window_range, nan=np.inf) < FLAT_RANGE_MV
    covered = np.stack([np.convolve(row.astype(float), np.ones(span))[:n_blocks] > 0 for row in flat])
    return covered.mean(axis=1)


def clipped_share(signal: np.ndarray, fs: float) -> np.ndarray:
    """Per lead, the share of samples stuck at the lead's maximum or minimum in runs that
    either last CLIP_LONG_RUN_S or last CLIP_MIN_RUN_S and are entered and left steeply (a
    rounded wave peak reads level for a few samples only at its coarse quantisation).
    A lead without range (flat) is not clipped."""
    min_run = max(CLIP_MIN_RUN_SAMPLES, int(round(CLIP_MIN_RUN_S * fs)))
    long_run = int(round(CLIP_LONG_RUN_S * fs))
    min_step = CLIP_EDGE_SLOPE_MV_S / fs
    shares = np.zeros(signal.shape[0])
    for i, row in enumerate(signal):
        valid = row[~np.isnan(row)]
        if valid.size == 0 or np.ptp(valid) < FLAT_RANGE_MV:
            continue
        tolerance = 1e-6 * max(1.0, float(np.abs(valid).max()))
        stuck = 0
        for extreme in (valid.max(), valid.min()):
            for start, stop in _runs(np.abs(row - extreme) <= tolerance):
                steep = all(np.abs(row[j] - extreme) >= min_step
                            for j in (start - 1, stop) if 0 <= j < row.size)
                if stop - start >= long_run or (stop - start >= min_run and steep):
                    stuck += stop - start
        shares[i] = stuck / valid.size
    return shares


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """(start, stop) of each run of True."""
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)))


def noise_measures(high: np.ndarray, fs: float, rpeaks: np.ndarray,
                   missing: np.ndarray) -> dict[str, np.ndarray]:
    """Static and burst noise from the high-frequency signal outside the QRS complexes:
    noise_mv is the median window RMS, burst_share the share of windows far above it and
    burst_mv their median RMS."""
    keep = ~missing
    before, after = (int(round(s * fs)) for s in QRS_MASK_S)
    qrs = np.zeros(high.shape[1], dtype=bool)
    for r in rpeaks:
        qrs[max(0, r - before): r + after] = True
    keep &= ~qrs
    window = max(1, int(round(NOISE_WINDOW_S * fs)))
    n_windows = max(1, high.shape[1] // window)
    usable = n_windows * window if high.shape[1] >= window else high.shape[1]
    power = (np.where(keep, high, 0.0) ** 2)[:, :usable].reshape(high.shape[0], n_windows, -1).sum(axis=2)
    counts = keep[:, :usable].reshape(high.shape[0], n_windows, -1).sum(axis=2)
    rms = np.sqrt(np.where(counts >= 0.25 * window, power / np.maximum(counts, 1), np.nan))
    has_windows = ~np.isnan(rms).all(axis=1)
    noise = np.zeros(high.shape[0])
    noise[has_windows] = np.nanmedian(rms[has_windows], axis=1)
    loud = rms > np.maximum(BURST_RATIO * noise, BURST_MIN_MV)[:, None]
    judged = np.maximum((~np.isnan(rms)).sum(axis=1), 1)
    burst_rms = np.where(loud, rms, np.nan)
    burst_mv = np.zeros(high.shape[0])
    burst_mv[loud.any(axis=1)] = np.nanmedian(burst_rms[loud.any(axis=1)], axis=1)
    return {"noise_mv": noise, "burst_share": loud.sum(axis=1) / judged, "burst_mv": burst_mv,
            "burst_max_mv": np.where(has_windows, np.nan_to_num(rms, nan=0.0).max(axis=1), 0.0)}


def suspected_reversal(signal: np.ndarray, fs: float, leads: tuple[str, ...],
                       rpeaks: np.ndarray) -> tuple[str | None, dict[str, float]]:
    """"LA/RA" when lead I's median beat has a negative P wave and a net negative QRS (lead I
    inverted), "RA/LL" when lead II's has (lead II inverted); the more negative P wins.
    Sinus P waves point down in I or II only with such a reversal, dextrocardia or an ectopic
    atrial rhythm. Needs a baseline-free signal without NaN; the evidence holds the deflections."""
    names = ("I", "II", "aVR")
    if not set(names) <= set(leads):
        return None, {}
    smooth = lowpass(signal[[leads.index(name) for name in names]], fs,
                     min(REVERSAL_LOWPASS_HZ, MAX_CUTOFF_SHARE * fs))
    polarity = {}
    for name, lead in zip(names, smooth):
        beat = median_beat(lead, fs, rpeaks)
        if beat is None:
            return None, {}
        polarity[name] = _polarities(beat, fs)
    evidence = {f"{part}_{lead}_mv": value for lead, parts in polarity.items()
                for part, value in parts.items()}
    candidates = [(polarity[lead]["p"], pair) for pair, lead in (("LA/RA", "I"), ("RA/LL", "II"))
                  if polarity[lead]["p"] <= -MIN_P_MV and polarity[lead]["qrs"] < 0]
    return (min(candidates)[1] if candidates else None), evidence


def median_beat(lead: np.ndarray, fs: float, rpeaks: np.ndarray) -> np.ndarray | None:
    """The median over beats of BEAT_WINDOW_S around each R peak, relative to the lead's
    median (the isoelectric level of a baseline-free lead); None with fewer than MIN_BEATS."""
    start, stop = (int(round(s * fs)) for s in BEAT_WINDOW_S)
    inside = rpeaks[(rpeaks + start >= 0) & (rpeaks + stop <= lead.size)]
    if inside.size < MIN_BEATS:
        return None
    beats = np.stack([lead[r + start: r + stop] for r in inside])
    return np.median(beats, axis=0) - np.median(lead)


def swap_electrodes(signal: np.ndarray, leads: tuple[str, ...], pair: str) -> np.ndarray:
    """The limb leads as they would read with the two electrodes of ``pair`` ("LA/RA",
    "RA/LL" or "LA/LL") swapped; swapping twice restores them. Precordial leads, referred
    to Wilson's central terminal, do not change. Needs leads I and II."""
    i, ii = signal[leads.index("I")], signal[leads.index("II")]
    right_arm = -(i + ii) / 3  # electrode potentials against Wilson's central terminal
    potential = {"RA": right_arm, "LA": right_arm + i, "LL": right_arm + ii}
    first, second = pair.split("/")
    potential[first], potential[second] = potential[second], potential[first]
    ra, la, ll = potential["RA"], potential["LA"], potential["LL"]
    limb = {"I": la - ra, "II": ll - ra, "III": ll - la,
            "aVR": ra - (la + ll) / 2, "aVL": la - (ra + ll) / 2, "aVF": ll - (ra + la) / 2}
    out = np.array(signal, dtype=np.float64)
    for name, values in limb.items():
        if name in leads:
            out[leads.index(name)] = values
    return out


def _polarities(beat: np.ndarray, fs: float) -> dict[str, float]:
    """Signed P and net QRS deflections (mV) of a median beat starting at BEAT_WINDOW_S[0].
    The P wave is measured against the chord joining the ends of its window (the TP and PR
    segments), the QRS against the PR end of that chord: both isoelectric in a sinus beat."""
    r = int(round(-BEAT_WINDOW_S[0] * fs))
    half = int(round(QRS_WINDOW_S * fs))
    p_wave = beat[r + int(round(P_WINDOW_S[0] * fs)): r + int(round(P_WINDOW_S[1] * fs)) + 1]
    p_wave = p_wave - np.linspace(p_wave[0], p_wave[-1], p_wave.size)
    qrs = beat[r - half: r + half + 1] - beat[r + int(round(P_WINDOW_S[1] * fs))]
    return {"p": float(p_wave[np.argmax(np.abs(p_wave))]), "qrs": float(qrs.max() + qrs.min())}


def _leads_changed_by(reversal: str | None) -> set[str]:
    unchanged = {"LA/RA": "aVF", "RA/LL": "aVL"}
    return set(LIMB_LEADS) - {unchanged[reversal]} if reversal else set()


def _line_measures(signal: np.ndarray, fs: float, line_hz: float | None) -> dict[str, np.ndarray]:
    found = line_interference(signal, fs)
    if not found:
        return {"line_ratio": np.zeros(signal.shape[0]), "line_amplitude_mv": np.zeros(signal.shape[0])}
    by_frequency = {f.frequency_hz: f for f in found}
    strongest = by_frequency.get(line_hz) or max(found, key=lambda f: float(f.ratio.max()))
    return {"line_ratio": strongest.ratio, "line_amplitude_mv": strongest.amplitude_mv}


def _problems(m: dict[str, float], reversed_lead: bool) -> tuple[Problem, ...]:
    found = []
    if m["missing_share"] > 0:
        found.append(Problem("missing samples", m["missing_share"], 0.0, "share",
                             m["missing_share"] > MISSING_UNUSABLE_SHARE))
    if m["flat_share"] > 0:
        found.append(Problem("flat line", m["flat_share"], 0.0, "share",
                             m["flat_share"] > FLAT_UNUSABLE_SHARE))
    if m["clipped_share"] > 0:
        found.append(Problem("clipping", m["clipped_share"], 0.0, "share",
                             m["clipped_share"] > CLIP_UNUSABLE_SHARE))
    if m["baseline_drift_mv"] > DRIFT_MV:
        found.append(Problem("baseline drift", m["baseline_drift_mv"], DRIFT_MV, "mV"))
    if m["line_ratio"] >= LINE_RATIO_THRESHOLD and m["line_amplitude_mv"] >= LINE_AMPLITUDE_MV:
        found.append(Problem("power-line interference", m["line_amplitude_mv"], LINE_AMPLITUDE_MV, "mV"))
    if m["noise_mv"] > STATIC_NOISE_MV:
        found.append(Problem("static noise", m["noise_mv"], STATIC_NOISE_MV, "mV",
                             m["noise_mv"] > STATIC_NOISE_UNUSABLE_MV))
    if m["burst_share"] > 0:
        found.append(Problem("burst noise", m["burst_share"], 0.0, "share",
                             m["burst_share"] > BURST_UNUSABLE_SHARE
                             and m["burst_mv"] > STATIC_NOISE_UNUSABLE_MV))
    if reversed_lead:
        found.append(Problem("suspected electrode reversal", 1.0, 0.0, "flag"))
    return tuple(found)


def _round(value: float) -> float:
    return float(f"{value:.4g}")

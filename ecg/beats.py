"""Beats as epochs: cut a window around every R peak, align them, sort out ectopic beats, and
take the representative (median) beat per lead from the dominant beats."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

EPOCH_BEFORE_S = 0.5            # room for a P wave after a long PR (P onset up to ~450 ms before R)
EPOCH_AFTER_S = 0.8             # room for a long QT at slow rates
ALIGN_WINDOW_S = (-0.06, 0.08)  # QRS part of the epoch used for alignment and morphology
ALIGN_MAX_SHIFT_S = 0.02        # a beat's detected peak is moved by at most this much
SAME_MORPHOLOGY_CORRELATION = 0.85  # QRS correlation with the dominant template: same morphology
PREMATURE_RR_RATIO = 0.85       # RR below this x the median RR: premature (ectopic) beat
MIN_REFERENCE_BEATS = 2         # beats on time that set the QRS template (else all beats do)
IRREGULAR_RHYTHM = 0.12         # rr_irregularity above which prematurity says nothing (AF)
PACED_SPIKE_WINDOW_S = (-0.2, 0.0)   # a pacemaker spike this close before R: a paced beat (LUDB 93: 150 ms)


@dataclass(frozen=True)
class Beats:
    """The beats of one record and their epochs (beats, leads, samples); R sits at ``r_index``."""

    r_peaks: np.ndarray   # sample indices in the analysed signal
    epochs: np.ndarray    # NaN where the window leaves the record or crosses a gap
    r_index: int
    usable: np.ndarray    # epoch complete (no NaN)
    kinds: np.ndarray     # "N", "V", "S", "P", "Q" per beat
    dominant: np.ndarray  # beats that make the representative beat
    stimulus_lags: np.ndarray  # pacing spike before each paced beat's R, in samples (< 0); NaN if none


@dataclass(frozen=True)
class RepresentativeBeat:
    """The median beat per lead that the measurement engine delineates, in mV (band-passed)."""

    signal: np.ndarray    # (leads, samples)
    fs: float
    leads: tuple[str, ...]
    r_index: int          # the sample of the R peak, where the fiducials' 0 ms lies

    def times_ms(self) -> np.ndarray:
        """Each sample's time relative to the R peak, in milliseconds."""
        return (np.arange(self.signal.shape[-1]) - self.r_index) * (1000.0 / self.fs)


def cut_epochs(signal: np.ndarray, r_peaks: np.ndarray, fs: float) -> tuple[np.ndarray, int]:
    """(beats, leads, samples) windows around each R peak, NaN beyond the record; and R's index."""
    before, after = int(EPOCH_BEFORE_S * fs), int(EPOCH_AFTER_S * fs)
    padded = np.pad(signal, ((0, 0), (before, after)), constant_values=np.nan)
    offsets = np.arange(before + after)
    index = r_peaks[:, None] + offsets[None, :]
    return np.transpose(padded[:, index], (1, 0, 2)), before


def align_rpeaks(signal: np.ndarray, r_peaks: np.ndarray, fs: float) -> np.ndarray:
    """Move each R peak by up to ``ALIGN_MAX_SHIFT_S`` so that its QRS best matches the median QRS."""
    if r_peaks.size < 2:
        return r_peaks
    lo, hi = (int(round(s * fs)) for s in ALIGN_WINDOW_S)
    max_shift = max(1, int(round(ALIGN_MAX_SHIFT_S * fs)))
    padded = np.pad(np.nan_to_num(signal), ((0, 0), (hi + max_shift, hi + max_shift)))
    base = r_peaks + hi + max_shift
    window = np.arange(lo, hi)

    def qrs_at(shift: int) -> np.ndarray:
        segment = padded[:, (base + shift)[:, None] + window[None, :]]  # (leads, beats, samples)
        return segment - segment.mean(axis=-1, keepdims=True)

    template = np.median(qrs_at(0), axis=1)  # (leads, samples)
    shifts = np.arange(-max_shift, max_shift + 1)
    scores = np.stack([np.einsum("lbs,ls->b", qrs_at(int(s)), template) for s in shifts])
    return np.clip(r_peaks + shifts[np.argmax(scores, axis=0)], 0, signal.shape[-1] - 1)


def stimulus_lags(r_peaks: np.ndarray, spikes: np.ndarray, fs: float) -> np.ndarray:
    """Per beat, the latest pacemaker spike within ``PACED_SPIKE_WINDOW_S`` of its R peak, as
    samples relative to R (the beat is paced); NaN where there is none."""
    lags = np.full(r_peaks.size, np.nan)
    if spikes.size == 0 or r_peaks.size == 0:
        return lags
    lo, hi = (int(round(s * fs)) for s in PACED_SPIKE_WINDOW_S)
    offsets = spikes[None, :] - r_peaks[:, None]
    in_window = (offsets >= lo) & (offsets <= hi)
    latest = np.where(in_window, offsets, lo - 1).max(axis=1)
    return np.where(in_window.any(axis=1), latest, np.nan)


def classify_beats(epochs: np.ndarray, r_index: int, r_peaks: np.ndarray, fs: float,
                   lags: np.ndarray) -> np.ndarray:
    """One kind per beat: "P" paced (a pacing spike lag, see ``stimulus_lags``), "V" premature with
    another QRS morphology, "S" premature with the dominant morphology in a regular rhythm, "Q"
    another morphology on time, else "N"."""
    n_beats = r_peaks.size
    kinds = np.full(n_beats, "N", dtype="<U1")
    if n_beats == 0:
        return kinds
    rr = np.diff(r_peaks, prepend=np.nan)
    premature = np.zeros(n_beats, dtype=bool)
    if n_beats >= 3:
        premature = rr < PREMATURE_RR_RATIO * _cycle_on_time(rr[1:])
    same_shape = qrs_correlation(epochs, r_index, fs, on_time=~premature) >= SAME_MORPHOLOGY_CORRELATION
    kinds[same_shape & premature & _early_against_the_rr_before(rr)
          & _regular_between_premature_beats(rr, premature, fs)] = "S"
    kinds[~same_shape & premature] = "V"
    kinds[~same_shape & ~premature] = "Q"
    kinds[np.isfinite(lags)] = "P"
    return kinds


def _cycle_on_time(rr: np.ndarray) -> float:
    """The RR of a beat on time: the median RR; but where that median is itself premature against
    the median, over successive pairs of RRs, of their mean, that pair median. A premature beat's
    short RR and the pause after it add up to about two cycles, so in bigeminy (as many short RRs
    as long ones, the plain median a short one) the pairs still give the cycle."""
    median = float(np.median(rr))
    paired = float(np.median((rr[:-1] + rr[1:]) / 2.0))
    return paired if median < PREMATURE_RR_RATIO * paired else median


def _early_against_the_rr_before(rr: np.ndarray) -> np.ndarray:
    """Whether each beat comes early against the RR before it too (the first RR has none): a
    premature atrial beat is abrupt, while sinus arrhythmia speeds up from beat to beat."""
    early = np.ones(rr.size, dtype=bool)
    early[2:] = rr[2:] < PREMATURE_RR_RATIO * rr[1:-1]
    return early


def _regular_between_premature_beats(rr: np.ndarray, premature: np.ndarray, fs: float) -> bool:
    """Whether the rhythm is regular once each premature beat's RR and the pause after it are left
    out: one premature beat in ten with its pause lifts the RMSSD of all RRs past the AF level."""
    paused = np.roll(premature, 1)
    paused[0] = False
    irregularity = rr_irregularity(rr[1:][~(premature | paused)[1:]] / fs)
    return irregularity is not None and irregularity <= IRREGULAR_RHYTHM


def qrs_correlation(epochs: np.ndarray, r_index: int, fs: float, on_time: np.ndarray | None = None) -> np.ndarray:
    """Pearson correlation of each beat's multi-lead QRS with the median QRS of the beats
    ``on_time``, whose QRS is the rhythm's own, so that in ventricular bigeminy (as many premature
    beats as conducted ones) the template is not a blend of both (all beats when fewer than
    ``MIN_REFERENCE_BEATS`` are on time)."""
    lo, hi = (r_index + int(round(s * fs)) for s in ALIGN_WINDOW_S)
    qrs = epochs[:, :, lo:hi]
    qrs = qrs - np.nanmean(qrs, axis=-1, keepdims=True)
    if on_time is None or int(on_time.sum()) < MIN_REFERENCE_BEATS:
        on_time = np.ones(len(qrs), dtype=bool)
    template = np.nanmedian(qrs[on_time], axis=0)
    flat = np.nan_to_num(qrs.reshape(qrs.shape[0], -1))
    reference = np.nan_to_num(template.ravel())
    norms = np.linalg.norm(flat, axis=1) * np.linalg.norm(reference)
    return np.divide(flat @ reference, norms, out=np.zeros(len(flat)), where=norms > 0)


def dominant_beats(kinds: np.ndarray, usable: np.ndarray) -> np.ndarray:
    """The complete beats of the commonest conducted kind: sinus "N" with the supraventricular
    premature "S" beats (their QRS is the dominant one by definition; a minority of early P waves
    leaves the median P a sinus one), or paced "P"."""
    kinds = np.where(kinds == "S", "N", kinds)
    counts = {kind: int(np.sum((kinds == kind) & usable)) for kind in ("N", "P", "Q")}
    kind = max(counts, key=counts.get)
    chosen = (kinds == kind) & usable
    return chosen if chosen.any() else usable


def median_beat(epochs: np.ndarray, chosen: np.ndarray) -> np.ndarray:
    """The representative beat per lead: the sample-wise median over the chosen epochs."""
    return np.median(epochs[chosen], axis=0)


def rr_irregularity(rr_s: np.ndarray) -> float | None:
    """RMSSD of successive RR intervals over the mean RR (dimensionless); None below 3 intervals."""
    rr_s = rr_s[np.isfinite(rr_s)]
    if rr_s.size < 3:
        return None
    return float(np.sqrt(np.mean(np.diff(rr_s) ** 2)) / np.mean(rr_s))


def pair_irregularity(rr: np.ndarray) -> float | None:
    """RMSSD of the sums of successive RR pairs over their mean, the lower of the two ways to pair
    them; None with fewer than three pairs. Near 0 where the rhythm is regularly irregular (each
    short RR followed by a long one), about as high as ``rr_irregularity`` in atrial fibrillation."""
    found = [rr_irregularity(rr[start:start + 2 * n:2] + rr[start + 1:start + 2 * n:2])
             for start in (0, 1) if (n := (rr.size - start) // 2) >= 3]
    return min(found, default=None)


def inside_record(r_peaks: np.ndarray, n_samples: int, fs: float) -> np.ndarray:
    """The R peaks whose QRS part (``ALIGN_WINDOW_S``) lies wholly inside the record. A QRS cut off
    by the record's edge cannot be classified, and what is detected there is often no QRS at all:
    LUDB 109, 124, 129 and 134 end in an electrode step or spike in their last 80 ms, which were
    counted as premature ventricular beats."""
    lo, hi = (int(round(s * fs)) for s in ALIGN_WINDOW_S)
    return r_peaks[(r_peaks + lo >= 0) & (r_peaks + hi <= n_samples)]


def find_beats(signal: np.ndarray, r_peaks: np.ndarray, fs: float, spikes: np.ndarray) -> Beats:
    """Align, epoch and classify the beats of a (leads, samples) signal without NaN gaps filled."""
    aligned = align_rpeaks(signal, r_peaks, fs)
    epochs, r_index = cut_epochs(signal, aligned, fs)
    usable = ~np.isnan(epochs).any(axis=(1, 2))
    lags = stimulus_lags(aligned, spikes, fs)
    kinds = classify_beats(epochs, r_index, aligned, fs, lags)
    return Beats(aligned, epochs, r_index, usable, kinds, dominant_beats(kinds, usable), lags)

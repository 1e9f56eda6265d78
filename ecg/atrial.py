"""Atrial activity apart from the QRS: the rate of regular atrial (flutter, F) waves.

Flutter waves repeat at one cycle length without an isoelectric line between them, so the signal
outside the QRS looks like itself one atrial cycle later; sinus P waves, T waves and fibrillatory
waves do not. The signal of the inferior leads and V1 (where F waves are seen best; every lead
when none of those is there) is band-passed to ``ATRIAL_BAND_HZ`` (F waves' fundamental and first
harmonics; T waves mostly below) and each QRS is masked (``QRS_MASK_MARGIN_S`` around the
representative beat's QRS; the whole QRS-T of the other beats). For every lag in
``CYCLE_RANGE_S``, the correlation of the signal with itself that lag later (normalised sum of
products over the sample pairs that are both unmasked; the band-passed signal has zero mean) is
taken per lead, then the median over the leads; the lag with the highest correlation is the atrial
cycle and that correlation its periodicity.

Unlike average beat subtraction (Slocum et al. 1992), this keeps F waves that have a fixed time to
every QRS (2:1 or constant 4:1 conduction), which a subtracted mean beat would cancel with the
QRS-T. The T waves left in the signal pull the cycle: on synthetic flutter the rate is up to 6 %
off (benchmarks/atrial.py), so a regular ventricular rhythm's atrial cycle is read at whole
fractions of its RR only (``ecg.atrial_rate``). On the 160 LUDB records the periodicity is at most
0.55 in the sinus rhythms and 0.49 in atrial fibrillation, and 0.84 and 0.86 in the two typical
flutters.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.fft import next_fast_len
from scipy.signal import butter, sosfiltfilt

from ecg.beats import Beats
from ecg.delineate import Fiducials

ATRIAL_LEADS = ("II", "III", "aVF", "V1")
ATRIAL_BAND_HZ = (3.0, 15.0)
FILTER_ORDER = 2
QRS_MASK_MARGIN_S = 0.04        # the band-pass rings this long around a QRS
NO_T_END_AFTER_QRS_S = 0.35     # a QRS-T ends this long after its QRS when no T end is found
CYCLE_RANGE_S = (0.16, 0.25)    # 240-375 per minute: flutter
MIN_PAIRS_S = 1.0               # unmasked sample pairs needed for a lag to count


@dataclass(frozen=True)
class AtrialActivity:
    """The dominant atrial cycle outside the QRS and how exactly the signal repeats at it."""

    rate_bpm: float
    periodicity: float          # correlation of the signal with itself one cycle later, -1 to 1
    leads: tuple[str, ...]
    cycles_s: np.ndarray        # every lag tried
    correlations: np.ndarray    # and its correlation (-inf where too few sample pairs)

    def at_rate(self, rate_bpm: float) -> AtrialActivity | None:
        """The activity read at the lag nearest 60 / rate_bpm; None outside the lags tried."""
        cycle = 60.0 / rate_bpm
        if not self.cycles_s[0] <= cycle <= self.cycles_s[-1]:
            return None
        k = int(np.argmin(np.abs(self.cycles_s - cycle)))
        return AtrialActivity(60.0 / self.cycles_s[k], float(self.correlations[k]), self.leads,
                              self.cycles_s, self.correlations)


def atrial_activity(signal: np.ndarray, leads: list[str], beats: Beats, fiducials: Fiducials,
                    fs: float) -> AtrialActivity | None:
    """The atrial cycle of the analysed (leads, samples) signal; None when the representative beat
    has no QRS boundaries or too little of the signal lies outside the QRS complexes."""
    if fiducials.qrs_onset is None or fiducials.qrs_offset is None:
        return None
    chosen = [i for i, name in enumerate(leads) if name in ATRIAL_LEADS] or list(range(len(leads)))
    sos = butter(FILTER_ORDER, ATRIAL_BAND_HZ, btype="band", fs=fs, output="sos")
    atrial = sosfiltfilt(sos, np.nan_to_num(signal[chosen]), axis=-1)
    outside = outside_qrs(atrial.shape[-1], beats, fiducials, fs)
    lags = np.arange(int(round(CYCLE_RANGE_S[0] * fs)), int(round(CYCLE_RANGE_S[1] * fs)) + 1)
    lagged = LaggedProducts.of(atrial, outside, lags)
    norms = np.sqrt(np.clip(lagged.earlier_power * lagged.later_power, 0.0, None))
    per_lead = lagged.products / np.where(norms > 0, norms, np.inf)
    correlations = np.where(lagged.pairs >= MIN_PAIRS_S * fs, np.median(per_lead, axis=0), -np.inf)
    if not np.isfinite(correlations).any():
        return None
    best = int(np.argmax(correlations))
    return AtrialActivity(rate_bpm=60.0 * fs / lags[best], periodicity=float(correlations[best]),
                          leads=tuple(leads[i] for i in chosen), cycles_s=lags / fs, correlations=correlations)


@dataclass(frozen=True)
class LaggedProducts:
    """Per lead and lag, the sum of products of a masked signal with itself that lag later, and
    the power of the samples on each side of those products; per lag, the unmasked sample pairs."""

    products: np.ndarray        # (leads, lags)
    earlier_power: np.ndarray   # (leads, lags): sum of x[t]^2 over the pairs
    later_power: np.ndarray     # (leads, lags): sum of x[t + lag]^2 over the pairs
    pairs: np.ndarray           # (lags,)

    @classmethod
    def of(cls, signal: np.ndarray, outside: np.ndarray, lags: np.ndarray) -> LaggedProducts:
        """For a (leads, samples) signal, counting only pairs where ``outside`` holds at both ends."""
        weight = outside.astype(float)[None, :]
        masked = signal * weight
        return cls(lagged_sums(masked, masked, lags), lagged_sums(masked * masked, weight, lags),
                   lagged_sums(weight, masked * masked, lags), lagged_sums(weight, weight, lags)[0])


def lagged_sums(first: np.ndarray, second: np.ndarray, lags: np.ndarray) -> np.ndarray:
    """Per row, sum over t of first[t] * second[t + lag] for each lag (by FFT; rows broadcast)."""
    size = next_fast_len(first.shape[-1] + int(lags.max()) + 1)
    spectrum = np.conj(np.fft.rfft(first, size, axis=-1)) * np.fft.rfft(second, size, axis=-1)
    return np.fft.irfft(spectrum, size, axis=-1)[..., lags]


def qrst_end(fiducials: Fiducials, fs: float) -> int:
    """The representative beat's T end, or ``NO_T_END_AFTER_QRS_S`` after its QRS where none was found."""
    if fiducials.t_offset is not None:
        return fiducials.t_offset
    return fiducials.qrs_offset + int(round(NO_T_END_AFTER_QRS_S * fs))


def outside_qrs(n_samples: int, beats: Beats, fiducials: Fiducials, fs: float) -> np.ndarray:
    """True where no QRS lies: each beat's QRS (the representative beat's, widened by
    ``QRS_MASK_MARGIN_S``) is masked, and the whole QRS-T of beats outside the representative beat
    (another kind, or cut by the record's ends)."""
    r = beats.r_index
    margin = int(round(QRS_MASK_MARGIN_S * fs))
    start = fiducials.qrs_onset - r - margin
    t_end = qrst_end(fiducials, fs)
    outside = np.ones(n_samples, dtype=bool)
    for peak, dominant in zip(beats.r_peaks, beats.dominant):
        stop = (fiducials.qrs_offset if dominant else t_end) - r + margin
        outside[max(0, peak + start):max(0, min(n_samples, peak + stop))] = False
    return outside

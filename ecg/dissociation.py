"""P waves independent of the QRS (AV dissociation): their rate where the atria and the
ventricles beat apart, as in complete AV block or under a ventricular pacemaker.

Where each QRS follows its P wave, the P wave is part of the mean beat; where P waves march
through at their own rate, they fall at a different time in every beat and the sample-wise median
beat keeps little of them. So the representative (median) beat is subtracted from every dominant
beat over its QRS-T (QRS-T cancellation, Slocum et al. 1992), each QRS and every other beat's
QRS-T are masked (``ecg.atrial.outside_qrs``: a QRS's amplitude varies from beat to beat), and the
residual of the leads where P waves are seen best is band-passed to ``P_BAND_HZ``. For every lag
in ``CYCLE_RANGE_S`` its correlation with itself that lag later is taken over all those leads at
once (each lead weighs by its power, so the leads without P waves add little). Lags within
``BEAT_LOCKED_TOLERANCE`` of a whole multiple or fraction of the RR are left out: what the
cancellation leaves of the QRS-T repeats with the beats. The shortest lag whose correlation
peaks within ``SUBHARMONIC_SHARE`` of the best is the P-P cycle (a train of P waves also repeats
at twice its cycle) and that correlation its periodicity.

On the 160 LUDB records, in the regular rhythms without P waves before their beats (7 records),
the two ventricular-paced complete AV blocks with visible P waves reach 0.60 and 0.65 (73 and
74/min against 60 paced beats per minute); paced atrial fibrillation and sinus rhythms whose P
waves were not found stay at or below 0.24 (benchmarks/av_block.py).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.signal import butter, sosfiltfilt

from ecg.atrial import ATRIAL_LEADS, LaggedProducts, outside_qrs, qrst_end
from ecg.beats import Beats
from ecg.delineate import Fiducials

P_BAND_HZ = (2.0, 15.0)
FILTER_ORDER = 2
CANCEL_MARGIN_S = 0.04          # the mean beat is subtracted from this long before its QRS onset
TAPER_S = 0.02                  # ... to this long after its T end, faded in and out over this
CYCLE_RANGE_S = (0.3, 1.5)      # 40-200 per minute: P waves, not flutter waves
BEAT_LOCKED_MULTIPLES = (1, 2, 3)
BEAT_LOCKED_TOLERANCE = 0.05    # lags this close (relative) to RR x k or RR / k are left out
SUBHARMONIC_SHARE = 0.9
MIN_PAIRS_S = 1.0               # unmasked sample pairs needed for a lag to count


@dataclass(frozen=True)
class DissociatedP:
    """The cycle of the P waves left after QRS-T cancellation and how exactly they repeat."""

    rate_bpm: float
    periodicity: float          # pooled correlation of the residual with itself one cycle later
    leads: tuple[str, ...]


def dissociated_p_waves(signal: np.ndarray, leads: list[str], beats: Beats, template: np.ndarray,
                        fiducials: Fiducials, fs: float) -> DissociatedP | None:
    """The P-P cycle of the (leads, samples) signal apart from its beats; None without QRS
    boundaries, with fewer than two RR intervals, or when every lag is beat-locked or too short
    of unmasked signal."""
    if fiducials.qrs_onset is None or fiducials.qrs_offset is None or beats.r_peaks.size < 3:
        return None
    chosen = [i for i, name in enumerate(leads) if name in ATRIAL_LEADS] or list(range(len(leads)))
    residual = cancel_qrst(np.nan_to_num(signal[chosen]), beats, template[chosen], fiducials, fs)
    sos = butter(FILTER_ORDER, P_BAND_HZ, btype="band", fs=fs, output="sos")
    residual = sosfiltfilt(sos, residual, axis=-1)
    outside = outside_qrs(residual.shape[-1], beats, fiducials, fs)
    lags = np.arange(int(round(CYCLE_RANGE_S[0] * fs)), int(round(CYCLE_RANGE_S[1] * fs)) + 1)
    lagged = LaggedProducts.of(residual, outside, lags)
    norm = np.sqrt(np.clip(lagged.earlier_power.sum(axis=0) * lagged.later_power.sum(axis=0), 0.0, None))
    correlations = lagged.products.sum(axis=0) / np.where(norm > 0, norm, np.inf)
    usable = (lagged.pairs >= MIN_PAIRS_S * fs) & ~beat_locked(lags, float(np.mean(np.diff(beats.r_peaks))))
    correlations = np.where(usable, correlations, -np.inf)
    k = shortest_peak(correlations)
    if k is None:
        return None
    return DissociatedP(60.0 * fs / lags[k], float(correlations[k]), tuple(leads[i] for i in chosen))


def cancel_qrst(signal: np.ndarray, beats: Beats, template: np.ndarray, fiducials: Fiducials,
                fs: float) -> np.ndarray:
    """The signal minus the representative beat's QRS-T at every dominant beat (tapered ends)."""
    margin = int(round(CANCEL_MARGIN_S * fs))
    t_end = qrst_end(fiducials, fs)
    start, stop = max(0, fiducials.qrs_onset - margin), min(template.shape[-1], t_end + margin)
    taper = np.ones(stop - start)
    ramp = np.sin(np.linspace(0.0, np.pi / 2, min(int(round(TAPER_S * fs)), taper.size // 2))) ** 2
    taper[:ramp.size], taper[taper.size - ramp.size:] = ramp, ramp[::-1]
    qrst = template[:, start:stop] * taper
    residual = signal.copy()
    n = signal.shape[-1]
    for peak in beats.r_peaks[beats.dominant]:
        first = peak - beats.r_index + start
        lo, hi = max(0, first), min(n, first + qrst.shape[-1])
        if lo < hi:
            residual[:, lo:hi] -= qrst[:, lo - first:hi - first]
    return residual


def beat_locked(lags: np.ndarray, rr_samples: float) -> np.ndarray:
    """True for lags within BEAT_LOCKED_TOLERANCE of RR x k or RR / k (k in BEAT_LOCKED_MULTIPLES)."""
    locked = np.zeros(lags.size, dtype=bool)
    for k in BEAT_LOCKED_MULTIPLES:
        for cycle in (rr_samples * k, rr_samples / k):
            locked |= np.abs(lags - cycle) <= BEAT_LOCKED_TOLERANCE * cycle
    return locked


def shortest_peak(correlations: np.ndarray) -> int | None:
    """The first local maximum within SUBHARMONIC_SHARE of the highest one; None without any.
    A maximum needs usable lags on both sides: the flank of a left-out beat-locked peak is none."""
    inner = correlations[1:-1]
    is_peak = ((inner >= correlations[:-2]) & (inner >= correlations[2:])
               & np.isfinite(correlations[:-2]) & np.isfinite(correlations[2:]))
    peaks = np.flatnonzero(is_peak) + 1
    if peaks.size == 0:
        return None
    best = float(np.max(correlations[peaks]))
    return int(peaks[np.argmax(correlations[peaks] >= SUBHARMONIC_SHARE * best)])

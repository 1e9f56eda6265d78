"""R-peak detection on all leads at once.

Each lead's slope in the QRS band is scaled to its own typical QRS slope and the squares are
averaged over leads (a noisy or flat lead cannot dominate), then integrated over a QRS-long
window (Pan & Tompkins 1985). Peaks of that envelope a fraction of the way from its floor (its
median: what noise lifts) to its typical beat height, at least a refractory period apart and
seen so in more than one lead, are beats; long gaps are searched again with a lower threshold,
for a peak that stands out of the gap's own noise in more than one lead. Of two peaks closer
than a QRS and its T wave can be, one far smaller than the other is that beat's P or T wave (Pan
& Tompkins' T-wave discrimination, both ways round).
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from scipy.ndimage import maximum_filter1d, uniform_filter1d
from scipy.signal import butter, find_peaks, sosfiltfilt

QRS_BAND_HZ = (5.0, 30.0)       # QRS energy; Pan-Tompkins' 5-15 Hz widened for wide and paced QRS
NYQUIST_SHARE = 0.9             # the band's upper edge stays below this share of the Nyquist rate
INTEGRATION_WINDOW_S = 0.08     # about one QRS width
REFRACTORY_S = 0.22             # no two beats closer than this (270 bpm)
TYPICAL_BLOCK_S = 2.0           # each block this long holds at least one beat above 30 bpm
DETECTION_FRACTION = 0.2        # a beat's envelope peak lies this far from the envelope's median to
#                                 the typical beat peak (until stop 19 this fraction of the typical
#                                 peak alone: 50 uV of white noise lifted LUDB 74's broad paced T
#                                 waves into 6-9 extra beats)
DETECTION_LEADS = 2             # ... reached in this many leads' own envelopes (one in a 1-2 lead record): a
#                                 spike in one lead is no beat (PTB-XL subset: 15 such detections, most a
#                                 false PVC and PAC; every LUDB beat is seen in 3 leads or more)
SEARCHBACK_FRACTION = 0.08      # lower threshold inside a gap the rhythm says holds a missed beat
SEARCHBACK_GAP = 1.6            # gap / median RR that triggers search-back
SEARCHBACK_ABOVE_GAP = 4.0      # a search-back peak stands at least this x the gap's median envelope:
#                                 80 uV of white noise made a beat in 12 of 30 synthetic 3 s pauses
#                                 (3 with this rule, 0 with 5 x); a beat at 0.35 x the QRS amplitude
#                                 under 50 uV is found in 30 of 30 (27 with 5 x)
SEARCHBACK_LEADS = 2            # ... in this many leads' own envelopes (all leads when fewer): a noise
#                                 burst in one lead is not a beat (synthetic pauses under 50-80 uV:
#                                 second-best lead at most 2.9 x its gap's median; small beats 83 x)
ARTEFACT_CLIP = 4.0             # one lead's scaled energy is clipped at this x its typical QRS peak
NEIGHBOUR_WINDOW_S = 0.36       # two peaks closer than this (Pan & Tompkins' T-wave window) ...
NEIGHBOUR_FRACTION = 0.5        # ... and one below this x the other's envelope: it is a P or T wave
#                                 (LUDB 72: tall P waves of a P-synchronous pacemaker at 0.22-0.25)


@lru_cache(maxsize=8)
def qrs_band_filter(fs: float) -> np.ndarray:
    """The QRS band-pass (second-order sections) at rate fs; designing it costs about a millisecond,
    and a record asks for it up to three times (quality, pacing, beats)."""
    low, high = QRS_BAND_HZ
    band = (low, min(high, NYQUIST_SHARE * fs / 2))  # low rates (50 Hz) keep what they can
    return butter(2, band, btype="bandpass", fs=fs, output="sos")


def lead_envelopes(signal: np.ndarray, fs: float) -> np.ndarray:
    """A (leads, samples) envelope per lead with a QRS slope, each in units of its typical QRS peak;
    flat leads are left out."""
    filtered = sosfiltfilt(qrs_band_filter(float(fs)), signal, axis=-1)
    slope = np.diff(filtered, axis=-1, prepend=filtered[:, :1])
    energy = slope * slope
    block = max(1, int(TYPICAL_BLOCK_S * fs))
    typical = np.array([_typical_block_peak(row, block) for row in energy])
    usable = typical > 0
    scaled = np.minimum(energy[usable] / typical[usable, None], ARTEFACT_CLIP)
    return uniform_filter1d(scaled, max(1, int(INTEGRATION_WINDOW_S * fs)), axis=-1)


def detect_rpeaks(signal: np.ndarray, fs: float) -> np.ndarray:
    """Sample indices of the QRS complexes in a (leads, samples) signal without NaN."""
    per_lead = lead_envelopes(signal, fs)
    if not per_lead.shape[0]:
        return np.zeros(0, dtype=int)
    envelope = per_lead.mean(axis=0)
    typical = _typical_block_peak(envelope, max(1, int(TYPICAL_BLOCK_S * fs)))
    if typical <= 0:
        return np.zeros(0, dtype=int)
    distance = max(1, int(REFRACTORY_S * fs))
    peaks, _ = find_peaks(envelope, height=_detection_level(envelope, typical), distance=distance)
    peaks = _drop_small_neighbours(envelope, peaks, int(NEIGHBOUR_WINDOW_S * fs))
    peaks = peaks[_seen_in_leads(per_lead, peaks, int(INTEGRATION_WINDOW_S * fs / 2), fs)]
    return _search_back(envelope, per_lead, peaks, typical, distance, fs)


def _seen_in_leads(per_lead: np.ndarray, peaks: np.ndarray, half_width: int, fs: float) -> np.ndarray:
    """Which peaks reach ``DETECTION_FRACTION`` of the way from each lead's envelope median to its
    typical beat within half_width in at least ``DETECTION_LEADS`` leads' own envelopes (in one
    lead of a one- or two-lead record)."""
    needed = DETECTION_LEADS if per_lead.shape[0] > DETECTION_LEADS else 1
    block = max(1, int(TYPICAL_BLOCK_S * fs))
    typical = np.array([_typical_block_peak(row, block) for row in per_lead])
    level = _detection_level(per_lead, typical)
    seen = [int(np.sum(_lead_maxima(per_lead, p, half_width, 0, per_lead.shape[-1]) >= level)) for p in peaks]
    return np.asarray(seen, dtype=int) >= needed


def _detection_level(envelope: np.ndarray, typical: float | np.ndarray) -> float | np.ndarray:
    """``DETECTION_FRACTION`` of the way from the envelope's median (per row) to its typical beat."""
    floor = np.median(envelope, axis=-1)
    return floor + DETECTION_FRACTION * (typical - floor)


def _drop_small_neighbours(envelope: np.ndarray, peaks: np.ndarray, window: int) -> np.ndarray:
    """The peaks without those below ``NEIGHBOUR_FRACTION`` x a neighbour within ``window``."""
    if peaks.size < 2:
        return peaks
    heights = envelope[peaks]
    close = np.diff(peaks) < window
    smaller_than_next = np.append(close & (heights[:-1] < NEIGHBOUR_FRACTION * heights[1:]), False)
    smaller_than_previous = np.insert(close & (heights[1:] < NEIGHBOUR_FRACTION * heights[:-1]), 0, False)
    return peaks[~(smaller_than_next | smaller_than_previous)]


def _typical_block_peak(values: np.ndarray, block: int) -> float:
    """Median of the per-block maxima: the height of a typical beat, robust to a few artefacts."""
    n_blocks = max(1, values.size // block)
    maxima = values[: n_blocks * block].reshape(n_blocks, -1).max(axis=1) if values.size >= block \
        else np.array([values.max(initial=0.0)])
    return float(np.median(maxima))


def _search_back(envelope: np.ndarray, per_lead: np.ndarray, peaks: np.ndarray, typical: float,
                 distance: int, fs: float) -> np.ndarray:
    """Add the highest lower-threshold peak in each gap much longer than the median RR, if it
    stands out of the gap's noise, in the mean envelope and in ``SEARCHBACK_LEADS`` leads'."""
    if peaks.size < 3:
        return peaks
    median_rr = float(np.median(np.diff(peaks)))
    local_max = maximum_filter1d(envelope, size=distance)
    found = [peaks]
    for start, stop in zip(peaks[:-1], peaks[1:]):
        if stop - start <= SEARCHBACK_GAP * median_rr:
            continue
        lo, hi = start + distance, stop - distance
        if hi <= lo:
            continue
        segment = envelope[lo:hi]
        threshold = max(SEARCHBACK_FRACTION * typical, SEARCHBACK_ABOVE_GAP * float(np.median(segment)))
        candidates = np.flatnonzero((segment >= threshold) & (segment == local_max[lo:hi]))
        if candidates.size:
            peak = lo + candidates[np.argmax(segment[candidates])]
            if _stands_out_in_leads(per_lead, peak, lo, hi, int(INTEGRATION_WINDOW_S * fs / 2)):
                found.append(np.array([peak]))
    return np.unique(np.concatenate(found))


def _stands_out_in_leads(per_lead: np.ndarray, peak: int, lo: int, hi: int, half_width: int) -> bool:
    """Whether enough leads' envelopes within half_width of the peak reach ``SEARCHBACK_ABOVE_GAP``
    x their own median over the gap [lo, hi)."""
    near = _lead_maxima(per_lead, peak, half_width, lo, hi)
    ratios = near / np.maximum(np.median(per_lead[:, lo:hi], axis=1), np.finfo(float).tiny)
    return int(np.sum(ratios >= SEARCHBACK_ABOVE_GAP)) >= min(SEARCHBACK_LEADS, per_lead.shape[0])


def _lead_maxima(per_lead: np.ndarray, peak: int, half_width: int, lo: int, hi: int) -> np.ndarray:
    """Each lead's envelope maximum within half_width of the peak, inside [lo, hi)."""
    return per_lead[:, max(lo, peak - half_width):min(hi, peak + half_width + 1)].max(axis=1)

"""Preprocessing: gap filling, resampling, baseline removal, power-line notch, band-pass.

Every function is pure: it takes a float signal shaped (leads, samples) and its sampling rate
in Hz, and returns a new float64 array (or a value). Filters run zero-phase (``sosfiltfilt``)
on all leads at once, so waves keep their timing. NaN marks missing samples: the filters fill
the gaps to run and put NaN back where it was; ``fill_gaps`` is what removes short gaps.

Baseline wander is removed with a zero-phase 0.5 Hz high-pass Butterworth filter, not a
median filter: a bidirectional linear filter leaves the ST segment undistorted up to a
0.67 Hz cut-off (Kligfield et al., AHA/ACCF/HRS recommendations for the standardization of
the ECG, part I, Circulation 2007;115:1306-24), whereas a median filter is non-linear, so its
effect on the ST level depends on each complex's shape, and it costs far more time.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy.signal import butter, iirnotch, resample_poly, sosfiltfilt, tf2sos

from ecg.errors import ECGError
from ecg.record import ECGRecord

BASELINE_CUTOFF_HZ = 0.5   # below the 0.67 Hz that zero-phase filters may use (Kligfield 2007)
BASELINE_ORDER = 2         # doubled by the forward-backward pass: 80 dB/decade
BANDPASS_HZ = (0.5, 40.0)  # the monitoring band; the shared PTB-XL subset came filtered to it
DIAGNOSTIC_LOWPASS_HZ = 150.0  # AHA diagnostic upper limit for adults (Kligfield 2007)
LOWPASS_ORDER = 4
MAX_FILLED_GAP_S = 0.2     # chosen: shorter than the shortest RR (0.22 s at 270 bpm), so a
                           # bridge hides at most part of one beat
MAX_RESAMPLE_DENOMINATOR = 1000  # rational approximation of target_fs / fs

LINE_FREQUENCIES_HZ = (50.0, 60.0)
LINE_HALF_BAND_HZ = 1.0           # mains stay within 1 % of nominal (EN 50160): +-1 Hz has margin
LINE_NEIGHBOUR_HZ = (2.0, 6.0)    # reference bands this far either side of the line frequency
LINE_RATIO_THRESHOLD = 4.0        # line band / neighbours power: chosen on synthetic data,
                                  # see tests/ecg/test_preprocess.py::test_line_frequency_*
NOTCH_Q = 30.0                    # -3 dB width f0/Q: about 1.7 Hz at 50 Hz
MAX_HARMONIC = 3                  # notch 2x and 3x the line frequency too when they stand out


def fill_gaps(signal: np.ndarray, fs: float, max_gap_s: float = MAX_FILLED_GAP_S) -> np.ndarray:
    """Bridge NaN runs up to ``max_gap_s`` long by linear interpolation (``np.inf``: all runs).

    Runs at the start or end take the nearest valid value; longer runs stay NaN.
    """
    out = np.array(signal, dtype=np.float64)
    max_run = np.inf if np.isinf(max_gap_s) else int(round(max_gap_s * fs))
    for row in out.reshape(-1, out.shape[-1]):
        missing = np.isnan(row)
        if not missing.any() or missing.all():
            continue
        fill = missing & (_run_lengths(missing) <= max_run)
        positions = np.flatnonzero(~missing)
        row[fill] = np.interp(np.flatnonzero(fill), positions, row[positions])
    return out


def resample(signal: np.ndarray, fs: float, target_fs: float) -> tuple[np.ndarray, float]:
    """Polyphase resampling to ``target_fs`` (or the nearest rate with a ratio up/down,
    down <= 1000). Returns the signal and its exact new rate; the duration is kept."""
    if not np.isfinite(target_fs) or target_fs <= 0:
        raise ECGError(None, f"cannot resample to {target_fs!r} Hz")
    ratio = Fraction(float(target_fs) / float(fs)).limit_denominator(MAX_RESAMPLE_DENOMINATOR)
    up, down = ratio.numerator, ratio.denominator
    x = np.asarray(signal, dtype=np.float64)
    if up == down:
        return x.copy(), float(fs)
    missing = np.isnan(x)
    out = resample_poly(fill_gaps(x, fs, np.inf) if missing.any() else x, up, down, axis=-1,
                        padtype="line")
    if missing.any():
        source_index = np.minimum((np.arange(out.shape[-1]) * down) // up, x.shape[-1] - 1)
        out[missing[..., source_index]] = np.nan
    return out, float(fs) * up / down


def remove_baseline(signal: np.ndarray, fs: float, cutoff_hz: float = BASELINE_CUTOFF_HZ) -> np.ndarray:
    """Baseline wander removed by a zero-phase high-pass Butterworth filter (see module doc)."""
    return _zero_phase(signal, fs, _butter(BASELINE_ORDER, cutoff_hz, "highpass", fs))


def baseline(signal: np.ndarray, fs: float, cutoff_hz: float = BASELINE_CUTOFF_HZ) -> np.ndarray:
    """The wander itself, about what ``remove_baseline`` takes away. The ends are padded by
    mirroring, whose level is the local mean: point reflection would extrapolate from whatever
    wave the record ends on and invent wander there."""
    return _zero_phase(signal, fs, _butter(BASELINE_ORDER, cutoff_hz, "lowpass", fs), padtype="even")


def lowpass(signal: np.ndarray, fs: float, cutoff_hz: float = DIAGNOSTIC_LOWPASS_HZ) -> np.ndarray:
    """Zero-phase low-pass Butterworth filter."""
    return _zero_phase(signal, fs, _butter(LOWPASS_ORDER, cutoff_hz, "lowpass", fs))


def highpass(signal: np.ndarray, fs: float, cutoff_hz: float) -> np.ndarray:
    """Zero-phase high-pass Butterworth filter (order 2, doubled by the two passes)."""
    return _zero_phase(signal, fs, _butter(BASELINE_ORDER, cutoff_hz, "highpass", fs))


def bandpass(signal: np.ndarray, fs: float, low_hz: float = BANDPASS_HZ[0],
             high_hz: float = BANDPASS_HZ[1]) -> np.ndarray:
    """Zero-phase band-pass Butterworth filter; the default is the 0.5-40 Hz monitoring band."""
    if not 0 < low_hz < high_hz:
        raise ECGError(None, f"band-pass edges {low_hz}-{high_hz} Hz are not increasing positive numbers")
    return _zero_phase(signal, fs, _butter(BASELINE_ORDER, (low_hz, high_hz), "bandpass", fs))


@dataclass(frozen=True)
class LineInterference:
    """Power-line interference at one frequency, per lead."""

    frequency_hz: float
    ratio: np.ndarray         # power in frequency +- 1 Hz / power in the neighbouring bands
    amplitude_mv: np.ndarray  # amplitude of the tone above the neighbouring floor


def line_interference(signal: np.ndarray, fs: float,
                      frequencies_hz: tuple[float, ...] = LINE_FREQUENCIES_HZ) -> list[LineInterference]:
    """How strongly each lead carries each tone, from one spectrum of the whole record;
    frequencies too close to fs/2 to have neighbouring bands are left out."""
    x = np.asarray(signal, dtype=np.float64)
    visible = [f for f in frequencies_hz if f + LINE_NEIGHBOUR_HZ[1] < fs / 2]
    if not visible:
        return []
    freqs, power = _power_spectrum(x.reshape(-1, x.shape[-1]), fs)
    df = freqs[1] - freqs[0]
    found = []
    for frequency in visible:
        offset = np.abs(freqs - frequency)
        band = offset <= LINE_HALF_BAND_HZ
        near = (offset >= LINE_NEIGHBOUR_HZ[0]) & (offset <= LINE_NEIGHBOUR_HZ[1])
        floor = power[:, near].mean(axis=1)
        band_power = power[:, band].mean(axis=1)
        ratio = band_power / np.maximum(floor, np.finfo(float).tiny)
        tone_variance = np.maximum(band_power - floor, 0.0) * band.sum() * df
        found.append(LineInterference(float(frequency), ratio, np.sqrt(2 * tone_variance)))
    return found


def detect_line_frequency(signal: np.ndarray, fs: float) -> float | None:
    """50 or 60 Hz when a lead carries that power-line tone (the stronger wins), else None."""
    standing_out = [(float(found.ratio.max()), found.frequency_hz)
                    for found in line_interference(signal, fs)
                    if found.ratio.max() >= LINE_RATIO_THRESHOLD]
    return max(standing_out)[1] if standing_out else None


def notch_line(signal: np.ndarray, fs: float, line_hz: float | str | None = "auto") -> np.ndarray:
    """Remove power-line interference with zero-phase notch filters.

    ``line_hz="auto"`` detects 50 or 60 Hz from the spectrum and leaves the signal alone when
    neither stands out; harmonics up to the third are notched too where they stand out.
    """
    sections = _notch_sections(signal, fs, line_hz)
    return _zero_phase(signal, fs, sections) if len(sections) else np.array(signal, dtype=np.float64)


@dataclass(frozen=True)
class CleanOptions:
    """What ``clean`` does; the defaults keep diagnostic content (ST level, QRS amplitude).

    No low-pass by default: recorders already limit their bandwidth, and a 150 Hz low-pass
    would add two filter sections to the high-pass's one.
    """

    target_fs: float | None = None             # resample to this rate first; None keeps fs
    max_gap_s: float = MAX_FILLED_GAP_S        # longer NaN gaps stay NaN
    baseline_cutoff_hz: float | None = BASELINE_CUTOFF_HZ  # None keeps the baseline
    line_hz: float | str | None = "auto"       # 50, 60, "auto" or None (no notch)
    lowpass_hz: float | None = None            # e.g. DIAGNOSTIC_LOWPASS_HZ; skipped at or above fs/2


def clean_signal(signal: np.ndarray, fs: float,
                 options: CleanOptions = CleanOptions()) -> tuple[np.ndarray, float]:
    """Fill short gaps, resample, remove baseline wander and line noise, low-pass.
    Returns the signal and its sampling rate. The filters run as one zero-phase cascade."""
    x = fill_gaps(signal, fs, options.max_gap_s)
    if options.target_fs is not None:
        x, fs = resample(x, fs, options.target_fs)
    sections = []
    if options.baseline_cutoff_hz is not None:
        sections.append(_butter(BASELINE_ORDER, options.baseline_cutoff_hz, "highpass", fs))
    sections.append(_notch_sections(x, fs, options.line_hz))
    if options.lowpass_hz is not None and options.lowpass_hz < fs / 2:
        sections.append(_butter(LOWPASS_ORDER, options.lowpass_hz, "lowpass", fs))
    cascade = np.vstack(sections)
    return (_zero_phase(x, fs, cascade) if len(cascade) else x), fs


def clean(record: ECGRecord, options: CleanOptions = CleanOptions()) -> ECGRecord:
    """A new record with ``clean_signal`` applied (the original is left as it was)."""
    signal, fs = clean_signal(record.signal, record.fs, options)
    return record.with_signal(signal, fs)


def _butter(order: int, cutoff_hz: float | tuple[float, float], btype: str, fs: float) -> np.ndarray:
    edges = np.atleast_1d(cutoff_hz)
    if np.any(edges <= 0) or np.any(edges >= fs / 2):
        raise ECGError(None, f"a {btype} cut-off of {cutoff_hz} Hz is outside 0-{fs / 2:g} Hz "
                             f"(half the {fs:g} Hz sampling rate)")
    return butter(order, cutoff_hz, btype=btype, fs=fs, output="sos")


def _power_spectrum(x: np.ndarray, fs: float) -> tuple[np.ndarray, np.ndarray]:
    """One-sided power spectral density (mV^2/Hz) of each lead over the whole record, Hann
    window: 0.1 Hz resolution for 10 s, cheaper than Welch's averaged segments."""
    if np.isnan(x).any():
        x = np.nan_to_num(fill_gaps(x, fs, np.inf))
    window = np.hanning(x.shape[-1])
    spectrum = np.fft.rfft((x - x.mean(axis=-1, keepdims=True)) * window, axis=-1)
    power = 2 * np.abs(spectrum) ** 2 / (fs * np.sum(window ** 2))
    return np.fft.rfftfreq(x.shape[-1], 1 / fs), power


def _notch_sections(signal: np.ndarray, fs: float, line_hz: float | str | None) -> np.ndarray:
    """Second-order sections notching the line frequency and its harmonics that stand out."""
    if line_hz == "auto":
        line_hz = detect_line_frequency(signal, fs)
    if line_hz is None or float(line_hz) >= fs / 2:
        return np.zeros((0, 6))
    harmonics = tuple(float(line_hz) * k for k in range(2, MAX_HARMONIC + 1))
    frequencies = [float(line_hz)] + [found.frequency_hz for found in line_interference(signal, fs, harmonics)
                                      if found.ratio.max() >= LINE_RATIO_THRESHOLD]
    return np.vstack([tf2sos(*iirnotch(f, NOTCH_Q, fs=fs)) for f in frequencies])


def _zero_phase(signal: np.ndarray, fs: float, sos: np.ndarray, padtype: str = "odd") -> np.ndarray:
    """sosfiltfilt along time on all leads at once, a second of padding at each end; NaN gaps
    are bridged to filter and kept. Point reflection ("odd") continues a drift's slope."""
    x = np.asarray(signal, dtype=np.float64)
    missing = np.isnan(x)
    if missing.any():
        x = np.nan_to_num(fill_gaps(x, fs, np.inf))
    out = sosfiltfilt(sos, x, axis=-1, padtype=padtype, padlen=min(x.shape[-1] - 1, int(fs)))
    if missing.any():
        out[missing] = np.nan
    return out


def _run_lengths(mask: np.ndarray) -> np.ndarray:
    """For each True element, the length of the run of Trues it belongs to (0 elsewhere)."""
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    lengths = np.zeros(mask.size, dtype=np.int64)
    for start, end in zip(starts, ends):
        lengths[start:end] = end - start
    return lengths

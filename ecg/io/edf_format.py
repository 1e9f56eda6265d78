"""EDF, EDF+ and BDF files through edfio: the ECG channels, at one sampling rate."""

from __future__ import annotations

import warnings
from collections import Counter
from fractions import Fraction
from pathlib import Path

import edfio
import numpy as np

from ecg.errors import ECGError
from ecg.io.common import describe_exception
from ecg.io.edf_gaps import BDF_MAGIC, record_onsets, with_gaps
from ecg.leads import EXTRA_LEADS, STANDARD_LEADS, canonical_lead_name
from ecg.limits import ReadLimits
from ecg.record import UNIT_TO_MV, ECGRecord, make_record

# Bytes 236-243 of the fixed header hold the number of data records (-1 while recording).
_NUM_RECORDS_FIELD = slice(236, 244)
_ECG_LEAD_NAMES = {name.upper() for name in STANDARD_LEADS + EXTRA_LEADS}
_ECG_LABEL_WORDS = ("ECG", "EKG")
# Sampling-rate ratios are approximated by fractions with at most this denominator for resampling.
_MAX_RESAMPLE_DENOMINATOR = 1000


def read_edf(path: Path, options) -> ECGRecord:
    """Read the ECG channels of an EDF, EDF+C/D or BDF(+) file; EDF+D gaps become NaN samples."""
    edf, declared_records = _open(path)
    if declared_records > edf.num_data_records:
        raise ECGError(path, f"the file is truncated: the header promises {declared_records} data "
                             f"records but the file holds {edf.num_data_records}")
    notes: list[str] = []
    channels = _ecg_channels(edf, path, notes)
    _check_size(edf, channels, path, options.limits)
    onsets = None
    if edf.reserved.upper().endswith("+D") and not _is_continuous(edf, path):
        onsets = record_onsets(path, edf.num_data_records)
        notes.append(_gap_note(onsets, edf.data_record_duration))
    fs = _common_rate(channels)
    max_per_channel = options.limits.max_total_samples // len(channels)
    rows = [_samples(signal, edf, onsets, fs, path, max_per_channel, notes) for signal in channels]
    length = min(len(row) for row in rows)
    return make_record(
        np.stack([row[:length] for row in rows]),
        fs,
        [signal.label for signal in channels],
        source=str(path),
        format="edf",
        units=options.units or [_unit(signal, notes) for signal in channels],
        metadata={"edf_type": edf.reserved.strip() or ("BDF" if _is_bdf(path) else "EDF"),
                  "annotations": _annotations(edf, notes), "warnings": notes},
        limits=options.limits,
    )


def _samples(signal, edf, onsets: np.ndarray | None, fs: float, path: Path, max_samples: int,
             notes: list[str]) -> np.ndarray:
    """One channel's physical samples, its EDF+D gaps filled with NaN, at the common rate ``fs``."""
    try:
        data = signal.data
    except Exception as exc:  # edfio fails in several ways on a corrupt data block
        raise ECGError(path, f"unreadable samples in channel {signal.label!r} "
                             f"({describe_exception(exc)})") from None
    if onsets is not None:
        data = with_gaps(data, onsets, edf.data_record_duration, signal.sampling_frequency, path, max_samples)
    if signal.sampling_frequency != fs:
        data = _resample(data, signal.sampling_frequency, fs)
        notes.append(f"channel {signal.label!r} resampled from {signal.sampling_frequency:g} to {fs:g} Hz")
    return data


def _open(path: Path) -> tuple[edfio.Edf | edfio.Bdf, int]:
    """The parsed file and the number of data records its header declares."""
    bdf = _is_bdf(path)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # truncation is judged from the header below
            edf = (edfio.read_bdf(path, header_encoding="latin-1") if bdf
                   else edfio.read_edf(path, header_encoding="latin-1"))
    except Exception as exc:  # edfio raises ValueError, IndexError, ... on a malformed header
        raise ECGError(path, f"unreadable {'BDF' if bdf else 'EDF'} header ({describe_exception(exc)})") from None
    with open(path, "rb") as handle:
        field = handle.read(256)[_NUM_RECORDS_FIELD]
    try:
        declared = int(field.decode("latin-1").strip())
    except ValueError:
        raise ECGError(path, f"the number of data records {field!r} is not a number") from None
    return edf, declared


def _gap_note(onsets: np.ndarray, record_s: float) -> str:
    missing = onsets[-1] + record_s - onsets[0] - len(onsets) * record_s
    return (f"discontinuous EDF+D recording: {missing:g} s between its data records are "
            f"missing samples (NaN)")


def _is_bdf(path: Path) -> bool:
    with open(path, "rb") as handle:
        return handle.read(len(BDF_MAGIC)) == BDF_MAGIC


def _is_continuous(edf, path: Path) -> bool:
    try:
        return bool(edf.is_continuous)
    except Exception as exc:
        raise ECGError(path, f"unreadable EDF+ time-keeping annotations ({describe_exception(exc)})") from None


def _ecg_channels(edf, path: Path, notes: list[str]) -> list:
    """Voltage channels, only those labelled as ECG when some are; the rest noted as skipped."""
    signals = list(edf.signals)  # edfio leaves the annotation signals out
    voltage = [s for s in signals if _is_voltage(s.physical_dimension) or
               (not s.physical_dimension.strip() and _looks_like_ecg(s.label))]
    labelled = [s for s in voltage if _looks_like_ecg(s.label)]
    chosen = labelled or voltage
    skipped = [s for s in signals if s not in chosen]
    if skipped:
        notes.append("channels that are not ECG skipped: " + ", ".join(
            f"{s.label} ({s.physical_dimension.strip() or 'no unit'})" for s in skipped))
    if not chosen:
        found = ", ".join(f"{s.label!r} in {s.physical_dimension.strip() or 'no unit'!r}"
                          for s in signals) or "none"
        raise ECGError(path, f"no ECG channel: no signal is measured in volts (channels: {found})")
    if any(s.sampling_frequency <= 0 for s in chosen):
        raise ECGError(path, "a channel has no samples per data record or a data record duration of 0")
    return chosen


def _check_size(edf, channels: list, path: Path, limits: ReadLimits) -> None:
    """Refuse before loading when the channels hold more samples than the limits allow."""
    total = edf.num_data_records * sum(s.samples_per_data_record for s in channels)
    if total > limits.max_total_samples:
        raise ECGError(path, f"{len(channels)} channels with {total} samples in all exceed the limit "
                             f"of {limits.max_total_samples}")


def _is_voltage(dimension: str) -> bool:
    return dimension.strip().lower() in UNIT_TO_MV


def _looks_like_ecg(label: str) -> bool:
    upper = label.upper()
    return (canonical_lead_name(label).upper() in _ECG_LEAD_NAMES
            or any(word in upper for word in _ECG_LABEL_WORDS))


def _common_rate(channels: list) -> float:
    """The most common sampling rate of the channels; a tie goes to the higher rate."""
    counts = Counter(float(s.sampling_frequency) for s in channels)
    return max(counts, key=lambda rate: (counts[rate], rate))


def _resample(data: np.ndarray, rate: float, target: float) -> np.ndarray:
    from scipy.signal import resample_poly  # seconds to import, and only mixed-rate files need it

    ratio = Fraction(target / rate).limit_denominator(_MAX_RESAMPLE_DENOMINATOR)
    return resample_poly(data, ratio.numerator, ratio.denominator)


def _unit(signal, notes: list[str]) -> str:
    dimension = signal.physical_dimension.strip()
    if dimension:
        return dimension
    notes.append(f"channel {signal.label!r} names no unit; millivolts assumed")
    return "mV"


def _annotations(edf, notes: list[str]) -> list[dict]:
    """EDF+ annotations (onset and duration in seconds); damaged ones cost a warning, not the signal."""
    try:
        return [{"onset_s": a.onset, "duration_s": a.duration, "text": a.text} for a in edf.annotations]
    except Exception as exc:
        notes.append(f"EDF+ annotations unreadable and left out ({describe_exception(exc)})")
        return []

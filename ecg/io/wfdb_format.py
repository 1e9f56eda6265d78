"""WFDB records: a .hea header with its .dat or .mat signal files, any format code wfdb reads."""

from __future__ import annotations

import math
from pathlib import Path

import wfdb

from ecg.errors import ECGError
from ecg.io.common import describe_exception
from ecg.record import ECGRecord, make_record

# Formats whose size follows from the sample count; FLAC-compressed ones (5xx) do not.
_BITS_PER_SAMPLE = {8: 8, 16: 16, 24: 24, 32: 32, 61: 16, 80: 8, 160: 16, 212: 12, 310: 32 / 3, 311: 32 / 3}


def read_wfdb(path: Path, options) -> ECGRecord:
    """Read the record whose header or signal file is ``path``; the other files sit beside it."""
    header_path = path.with_suffix(".hea")
    if not header_path.is_file():
        raise ECGError(path, f"the WFDB header {header_path.name} is missing beside it")
    record_base = str(header_path.with_suffix(""))
    try:
        header = wfdb.rdheader(record_base)
    except Exception as exc:  # wfdb raises many types for a malformed header
        raise ECGError(header_path, f"unreadable WFDB header ({describe_exception(exc)})") from None
    _check_header(header, header_path, options)
    try:
        record = wfdb.rdrecord(record_base, physical=True, smooth_frames=True, return_res=32)
        if isinstance(record, wfdb.MultiRecord):
            record = record.multi_to_single(physical=True, return_res=32)
    except ECGError:
        raise
    except Exception as exc:
        raise ECGError(header_path, f"unreadable WFDB signal ({describe_exception(exc)})") from None
    if record.p_signal is None:
        raise ECGError(header_path, "the record has no signal")
    units = options.units or [u or "mV" for u in record.units]
    return make_record(
        record.p_signal.T,
        record.fs,
        record.sig_name,
        source=str(header_path),
        format="wfdb",
        units=units,
        metadata={"record_name": record.record_name, "comments": list(record.comments or [])},
        limits=options.limits,
    )


def _check_header(header, header_path: Path, options) -> None:
    limits = options.limits
    n_signals = header.n_sig or 0
    if n_signals == 0:
        raise ECGError(header_path, "the header declares no signals")
    described = len(header.sig_name or getattr(header, "seg_name", None) or [])
    if not getattr(header, "seg_name", None) and described != n_signals:
        raise ECGError(header_path, f"the header declares {n_signals} signals but describes {described}")
    if n_signals > limits.max_leads:
        raise ECGError(header_path, f"{n_signals} channels is more than the {limits.max_leads} allowed")
    if header.fs is None or not math.isfinite(header.fs) or header.fs <= 0:
        raise ECGError(header_path, f"the sampling rate {header.fs!r} Hz is not a positive number")
    if header.sig_len and header.sig_len * n_signals > limits.max_total_samples:
        raise ECGError(header_path, f"{n_signals} x {header.sig_len} samples exceed the limit "
                                    f"of {limits.max_total_samples}")
    if isinstance(header, wfdb.MultiRecord) or getattr(header, "seg_name", None):
        return  # segments are checked by wfdb as it reads them
    _check_signal_files(header, header_path)


def _check_signal_files(header, header_path: Path) -> None:
    """Compare each signal file's size with what the header promises: truncation is named."""
    folder = header_path.parent
    frames = header.sig_len
    per_file: dict[str, list[int]] = {}
    for i, name in enumerate(header.file_name):
        per_file.setdefault(name, []).append(i)
    for name, channels in per_file.items():
        if Path(name).name != name:
            raise ECGError(header_path, f"the signal file name {name!r} points outside the record's folder")
        file_path = folder / name
        if not file_path.is_file():
            raise ECGError(header_path, f"the signal file {name} named by the header is missing")
        fmt = int(header.fmt[channels[0]])
        if fmt not in _BITS_PER_SAMPLE or not frames:
            continue
        samples_per_frame = sum((header.samps_per_frame or [1] * len(header.file_name))[i] or 1
                                for i in channels)
        offset = (header.byte_offset or [0] * len(header.file_name))[channels[0]] or 0
        expected = offset + math.ceil(frames * samples_per_frame * _BITS_PER_SAMPLE[fmt] / 8)
        actual = file_path.stat().st_size
        if actual < expected:
            raise ECGError(file_path, f"the signal file is truncated: {actual} bytes where the header "
                                      f"promises {expected} ({frames} samples x {len(channels)} "
                                      f"channels in format {fmt})")


"""Discontinuous EDF+D/BDF+D recordings: where each data record starts, and the signal with its gaps.

Every EDF+ data record begins with a time-keeping annotation "+<onset>\\x14\\x14" in the first
annotation signal: the record's start in seconds from the start of the recording (EDF+
specification, Kemp & Olivan 2003, section 2.2.4).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np

from ecg.errors import ECGError

ANNOTATION_LABELS = (b"EDF Annotations", b"BDF Annotations")
BDF_MAGIC = b"\xffBIOSEMI"
# A fixed header of 256 bytes, then one field after another for all signals: per signal 16 bytes
# of label, 80 transducer, 8 each for dimension and physical/digital min/max, 80 prefiltering,
# and then the 8-byte "samples per data record" fields.
_FIXED_HEADER_BYTES = 256
_BYTES_BEFORE_SAMPLES_FIELD = 16 + 80 + 8 * 5 + 80
_ONSET = re.compile(rb"^([+-]\d+(?:\.\d*)?)\x14\x14")


def record_onsets(path: Path, num_records: int) -> np.ndarray:
    """The onset in seconds of every data record, from the time-keeping annotations."""
    try:
        with open(path, "rb") as handle:
            fixed = handle.read(_FIXED_HEADER_BYTES)
            n_signals = int(fixed[252:256])
            header_bytes = int(fixed[184:192])
            signal_header = handle.read(n_signals * (_BYTES_BEFORE_SAMPLES_FIELD + 8))
        labels = [signal_header[16 * i: 16 * i + 16].strip() for i in range(n_signals)]
        samples_at = n_signals * _BYTES_BEFORE_SAMPLES_FIELD
        samples = [int(signal_header[samples_at + 8 * i: samples_at + 8 * i + 8]) for i in range(n_signals)]
    except ValueError:
        raise ECGError(path, "unreadable EDF+ header fields (signal count, header size or samples "
                             "per data record)") from None
    sample_bytes = 3 if fixed[:8] == BDF_MAGIC else 2
    widths = [n * sample_bytes for n in samples]
    keeper = next((i for i, label in enumerate(labels) if label in ANNOTATION_LABELS), None)
    if keeper is None:
        raise ECGError(path, "is marked discontinuous (EDF+D) but has no time-keeping annotations")
    start = sum(widths[:keeper])
    records = np.memmap(path, dtype=np.uint8, mode="r", offset=header_bytes, shape=(num_records, sum(widths)))
    onsets = np.empty(num_records)
    for i, record in enumerate(records[:, start:start + widths[keeper]]):
        match = _ONSET.match(record.tobytes())
        if not match:
            raise ECGError(path, f"data record {i + 1} lacks its time-keeping annotation")
        onsets[i] = float(match.group(1))
    return onsets


def with_gaps(data: np.ndarray, onsets: np.ndarray, record_s: float, fs: float, path: Path,
              max_samples: int) -> np.ndarray:
    """The channel's samples placed at their records' onsets; time no record covers is NaN."""
    per_record = round(record_s * fs)
    starts = np.round((onsets - onsets[0]) * fs).astype(np.int64)
    if (np.diff(starts) < per_record).any():
        i = int(np.argmax(np.diff(starts) < per_record)) + 1
        raise ECGError(path, f"data record {i + 1} starts at {onsets[i]:g} s, before record {i} ends")
    length = int(starts[-1]) + per_record
    if length > max_samples:
        raise ECGError(path, f"the data records span {length / fs:g} s with their gaps, "
                             f"more samples than the limit allows")
    out = np.full(length, np.nan)
    for start, block in zip(starts, data.reshape(len(onsets), per_record)):
        out[start:start + per_record] = block
    return out

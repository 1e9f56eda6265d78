"""Read what users upload: detect the format by content and hand the file to its reader.

Every reader is a function ``read(path: Path, options: ReadOptions) -> ECGRecord`` (or a list
of records for bundles) that raises only ECGError for bad input.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field
from pathlib import Path

from ecg.errors import ECGError
from ecg.io.detect import detect_format
from ecg.limits import ReadLimits
from ecg.record import ECGRecord

FORMAT_NAMES = {
    "wfdb": "WFDB",
    "edf": "EDF/EDF+/BDF",
    "csv": "CSV",
    "npy": "NumPy .npy",
    "npz": "NumPy .npz",
    "muse": "GE MUSE XML",
    "hl7aecg": "HL7 aECG XML",
    "philips": "Philips XML",
    "scp": "SCP-ECG",
    "dicom": "DICOM waveform",
    "zip": "zip bundle",
}

# format -> "module:function"; imported on first use so that reading a CSV needs no DICOM code.
_READERS = {
    "wfdb": "ecg.io.wfdb_format:read_wfdb",
    "edf": "ecg.io.edf_format:read_edf",
    "csv": "ecg.io.csv_format:read_csv",
    "npy": "ecg.io.numpy_format:read_npy",
    "npz": "ecg.io.numpy_format:read_npz",
    "muse": "ecg.io.vendor_format:read_muse",
    "hl7aecg": "ecg.io.vendor_format:read_hl7aecg",
    "philips": "ecg.io.vendor_format:read_philips",
    "scp": "ecg.io.vendor_format:read_scp",
    "dicom": "ecg.io.vendor_format:read_dicom",
    "zip": "ecg.io.zip_bundle:read_zip",
}


@dataclass(frozen=True)
class ReadOptions:
    """What a user may tell a reader that the file itself may not say."""

    fs: float | None = None  # sampling rate for CSV/NPY files without one
    units: str | None = None  # override the file's units ("uV", "mV", "V")
    limits: ReadLimits = field(default_factory=ReadLimits)


def read_ecgs(path: str | Path, options: ReadOptions | None = None) -> list[ECGRecord]:
    """Every ECG in a file (a zip bundle may hold several)."""
    options = options or ReadOptions()
    path = Path(path)
    if not path.exists():
        raise ECGError(path, "no such file")
    if path.is_dir():
        raise ECGError(path, "is a folder, not an ECG file")
    size = path.stat().st_size
    if size > options.limits.max_file_bytes:
        raise ECGError(path, f"the file is {size / 1024**2:.0f} MB, more than the "
                             f"{options.limits.max_file_bytes / 1024**2:.0f} MB allowed")
    fmt = detect_format(path)
    result = _reader(fmt)(path, options)
    return result if isinstance(result, list) else [result]


def read_ecg(path: str | Path, options: ReadOptions | None = None) -> ECGRecord:
    """The one ECG in a file; a bundle with several raises ECGError naming them."""
    records = read_ecgs(path, options)
    if len(records) != 1:
        names = ", ".join(Path(r.source).name for r in records[:5])
        raise ECGError(path, f"holds {len(records)} ECGs ({names}{'...' if len(records) > 5 else ''}); "
                             f"name one of them")
    return records[0]


def _reader(fmt: str):
    module_name, function_name = _READERS[fmt].split(":")
    return getattr(importlib.import_module(module_name), function_name)

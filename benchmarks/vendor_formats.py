"""Vendor formats: LUDB records written as GE MUSE, HL7 aECG, Philips, SCP-ECG and DICOM files,
read back with ecg.io; plus the two real vendor files the tests carry.

Each LUDB record (12 leads, 500 Hz, 10 s, mV) goes through the spec-following writers of
tests/vendor_writers.py (MUSE stores I, II, V1-V6 only, as MUSE does). The table gives the
largest error over the stored leads in quantisation steps (0.5 is exact rounding), and the
read time and size per file.

    .venv/bin/python benchmarks/vendor_formats.py [--data ../shared/data/ludb] [--limit N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ecg.io import read_ecg  # noqa: E402
from ecg.leads import STANDARD_LEADS  # noqa: E402
from tests import vendor_writers as writers  # noqa: E402

MUSE_LEADS = ["I", "II", "V1", "V2", "V3", "V4", "V5", "V6"]
WRITERS = {
    "GE MUSE XML": (writers.write_muse, MUSE_LEADS),
    "HL7 aECG": (writers.write_hl7aecg, list(STANDARD_LEADS)),
    "Philips XML": (writers.write_philips, list(STANDARD_LEADS)),
    "SCP-ECG": (writers.write_scp, list(STANDARD_LEADS)),
    "DICOM": (writers.write_dicom, list(STANDARD_LEADS)),
}
REAL_FILES = {
    "Philips 129DYPRG.xml (real, XLI)":
        ROOT / "tests" / "fixtures" / "vendor" / "philips_sierra_129DYPRG.xml",
}


def _timed_read(path: Path):
    start = time.perf_counter()
    record = read_ecg(path)
    return record, time.perf_counter() - start


def round_trips(records: list[Path], folder: Path) -> list[tuple]:
    rows = []
    for name, (write, leads) in WRITERS.items():
        errors, seconds, sizes = [], [], []
        for header in records:
            source = read_ecg(header)
            stored = source.select(leads).signal
            path = folder / f"{header.stem}.{name.split()[0].lower()}"
            step = write(path, stored, leads, int(source.fs))
            record, elapsed = _timed_read(path)
            errors.append(np.abs(record.select(leads).signal - stored).max() / step)
            seconds.append(elapsed)
            sizes.append(path.stat().st_size / 1024)
        rows.append((name, len(records), max(errors), np.median(seconds) * 1000,
                     max(seconds) * 1000, np.median(sizes)))
    return rows


def real_files() -> list[tuple]:
    from pydicom.data import get_testdata_file

    files = dict(REAL_FILES)
    dicom = Path(get_testdata_file("waveform_ecg.dcm", download=False))
    files["DICOM waveform_ecg.dcm (real, pydicom)"] = dicom
    rows = []
    for name, path in files.items():
        times = [_timed_read(path)[1] for _ in range(5)]
        rows.append((name, 5, float("nan"), np.median(times) * 1000, max(times) * 1000,
                     path.stat().st_size / 1024))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "ludb",
                        help="LUDB folder (with data/, or the record files themselves)")
    parser.add_argument("--limit", type=int, default=20)
    args = parser.parse_args()
    folder = args.data / "data" if (args.data / "data").is_dir() else args.data
    records = sorted(folder.glob("*.hea"), key=lambda p: int(p.stem) if p.stem.isdigit() else 0)
    records = records[: args.limit]
    if not records:
        sys.exit(f"no LUDB records (*.hea) under {args.data}")
    with tempfile.TemporaryDirectory() as folder:
        rows = round_trips(records, Path(folder)) + real_files()
    print("| format | files | max error (steps) | median read ms | max read ms | median KB |")
    print("|---|---|---|---|---|---|")
    for name, count, error, median_ms, max_ms, size in rows:
        shown = "-" if np.isnan(error) else f"{error:.2f}"
        print(f"| {name} | {count} | {shown} | {median_ms:.1f} | {max_ms:.1f} | {size:.0f} |")


if __name__ == "__main__":
    main()

"""Open formats: LUDB records written as EDF+, BDF, CSV, NPY, NPZ and zip, read back with ecg.io;
a one-hour three-lead Holter-sized signal in each; and the PTB-XL subset .npz batch.

Table 1: for each LUDB record (12 leads, 500 Hz, 10 s, mV; read through WFDB as the reference),
the largest error over all samples after the round trip in microvolts, and the median read time
and size per file. EDF stores 16-bit counts over each lead's own range, BDF 24-bit counts,
CSV four decimals of mV (0.05 uV rounding), NPY/NPZ float32.
Table 2: a synthetic 3-lead 250 Hz recording of --holter-minutes minutes, median of 3 reads.
Table 3: ../shared/data/ptbxl_subset/ptbxl_subset_100hz.npz (1,819 ECGs) read as a batch.

    .venv/bin/python benchmarks/open_formats.py [--data ../shared/data] [--limit N] [--holter-minutes M]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import edfio
import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ecg.io import ReadOptions, read_ecg, read_ecgs  # noqa: E402
from ecg.record import ECGRecord  # noqa: E402


def write_edf(record: ECGRecord, path: Path) -> Path:
    edfio.Edf([edfio.EdfSignal(row.astype(np.float64) * 1000, record.fs, label=f"ECG {name}",
                               physical_dimension="uV") for row, name in zip(record.signal, record.leads)]
              ).write(path)
    return path


def write_bdf(record: ECGRecord, path: Path) -> Path:
    edfio.Bdf([edfio.BdfSignal(row.astype(np.float64), record.fs, label=name, physical_dimension="mV",
                               physical_range=(-20.0, 20.0)) for row, name in zip(record.signal, record.leads)]
              ).write(path)
    return path


def write_csv(record: ECGRecord, path: Path) -> Path:
    time_s = np.arange(record.n_samples) / record.fs
    table = np.column_stack([time_s, record.signal.T])
    np.savetxt(path, table, fmt="%.4f", delimiter=",", header="time," + ",".join(record.leads), comments="")
    return path


def write_npy(record: ECGRecord, path: Path) -> Path:
    np.save(path, record.signal)
    return path


def write_npz(record: ECGRecord, path: Path) -> Path:
    np.savez_compressed(path, signal=record.signal, fs=record.fs, leads=np.array(record.leads))
    return path


def write_zip(header: Path, path: Path) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for part in (header, header.with_suffix(".dat")):
            archive.write(part, f"record/{part.name}")
    return path


WRITERS = {"EDF+ (16 bit)": (write_edf, ".edf"), "BDF (24 bit)": (write_bdf, ".bdf"),
           "CSV": (write_csv, ".csv"), "NPY": (write_npy, ".npy"), "NPZ": (write_npz, ".npz")}


def timed(action) -> tuple[float, object]:
    start = time.perf_counter()
    result = action()
    return time.perf_counter() - start, result


def round_trip_table(headers: list[Path], folder: Path) -> None:
    rows: dict[str, list[tuple[float, float, int]]] = {name: [] for name in [*WRITERS, "zip of WFDB"]}
    for header in headers:
        reference = read_ecg(header)
        for name, (write, suffix) in WRITERS.items():
            path = write(reference, folder / f"{header.stem}{suffix}")
            seconds, record = timed(lambda: read_ecg(path, ReadOptions(fs=reference.fs)))
            error = np.abs(record.select(reference.leads).signal - reference.signal).max()
            rows[name].append((1e3 * float(error), seconds, path.stat().st_size))
        path = write_zip(header, folder / f"{header.stem}.zip")
        seconds, record = timed(lambda: read_ecg(path))
        rows["zip of WFDB"].append((1e3 * float(np.abs(record.signal - reference.signal).max()), seconds,
                                    path.stat().st_size))
    print(f"\nTable 1: LUDB round trips ({len(headers)} records, 12 leads, 500 Hz, 10 s)\n")
    print("| format | max error uV | median read ms | median file KB |")
    print("|---|---|---|---|")
    for name, values in rows.items():
        errors, seconds, sizes = (np.array(column) for column in zip(*values))
        print(f"| {name} | {errors.max():.3f} | {1e3 * np.median(seconds):.1f} | {np.median(sizes) / 1024:.0f} |")


def holter_table(minutes: float, folder: Path) -> None:
    fs = 250
    t = np.arange(int(minutes * 60 * fs)) / fs
    beats = np.exp(-(((t % 0.85) - 0.4) ** 2) / (2 * 0.01**2))
    signal = np.stack([beats * k + 0.05 * np.sin(2 * np.pi * 0.3 * t) for k in (0.8, 1.2, -0.5)])
    record = ECGRecord(signal.astype(np.float32), float(fs), ("I", "II", "V1"))
    print(f"\nTable 2: {minutes:g} min, 3 leads, {fs} Hz ({signal.shape[1]:,} samples per lead)\n")
    print("| format | read s | file MB |")
    print("|---|---|---|")
    for name, (write, suffix) in WRITERS.items():
        path = write(record, folder / f"holter{suffix}")
        seconds = np.median([timed(lambda: read_ecg(path, ReadOptions(fs=fs)))[0] for _ in range(3)])
        print(f"| {name} | {seconds:.2f} | {path.stat().st_size / 1024**2:.1f} |")
        path.unlink()


def batch_table(data: Path) -> None:
    path = data / "ptbxl_subset" / "ptbxl_subset_100hz.npz"
    if not path.is_file():
        print(f"\n(no {path}: Table 3 skipped)")
        return
    seconds, records = timed(lambda: read_ecgs(path))
    print("\nTable 3: PTB-XL subset batch .npz\n")
    print("| file | ECGs | read s | ms per ECG |")
    print("|---|---|---|---|")
    print(f"| {path.name} | {len(records)} | {seconds:.2f} | {1e3 * seconds / len(records):.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--limit", type=int, default=20, help="LUDB records to round-trip")
    parser.add_argument("--holter-minutes", type=float, default=60.0)
    args = parser.parse_args()
    headers = sorted((args.data / "ludb" / "data").glob("*.hea"), key=lambda p: int(p.stem))[: args.limit]
    if not headers:
        print(f"no LUDB records under {args.data}; using examples/ludb_1.hea", file=sys.stderr)
        headers = [ROOT / "examples" / "ludb_1.hea"]
    read_ecg(headers[0])  # warm imports
    with tempfile.TemporaryDirectory() as tmp:
        round_trip_table(headers, Path(tmp))
        holter_table(args.holter_minutes, Path(tmp))
    batch_table(args.data)


if __name__ == "__main__":
    main()

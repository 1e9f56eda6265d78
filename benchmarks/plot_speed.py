"""Time to draw ECG paper and the size of the files, on real records.

Cases: LUDB 12-lead 10 s records as PNG (default 254 dpi) and SVG; a 20 s window of the 30 min
two-lead MIT-BIH record 100 as PNG. Reading the file is not timed; drawing and saving are.

    .venv/bin/python benchmarks/plot_speed.py [--data ../shared/data] [--limit N]
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
from ecg.plot import plot_ecg  # noqa: E402


def time_plots(records, suffix: str, out_dir: Path, **options) -> tuple[list[float], list[int]]:
    """Seconds per plot and bytes per file for each record."""
    seconds, sizes = [], []
    for i, record in enumerate(records):
        path = out_dir / f"{i}{suffix}"
        begin = time.perf_counter()
        plot_ecg(record, path, **options)
        seconds.append(time.perf_counter() - begin)
        sizes.append(path.stat().st_size)
    return seconds, sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--limit", type=int, default=20, help="LUDB records to draw")
    args = parser.parse_args()

    ludb = sorted((args.data / "ludb" / "data").glob("*.hea"), key=lambda p: int(p.stem))
    if not ludb:
        parser.error(f"no LUDB records under {args.data / 'ludb' / 'data'}")
    ludb_records = [read_ecg(p) for p in ludb[: args.limit]]
    mitbih = read_ecg(args.data / "wfdb_samples" / "100.hea")
    cases = [
        ("LUDB 12-lead 10 s, PNG 254 dpi", ludb_records, ".png", {}),
        ("LUDB 12-lead 10 s, SVG", ludb_records, ".svg", {}),
        ("MIT-BIH 100, 2 leads, 20 s window, PNG", [mitbih] * 5, ".png", {"start_s": 600.0, "duration_s": 20.0}),
    ]
    print("| case | plots | median s | max s | median file KB |")
    print("|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        for name, records, suffix, options in cases:
            seconds, sizes = time_plots(records, suffix, Path(tmp), **options)
            print(f"| {name} | {len(seconds)} | {np.median(seconds):.2f} | {max(seconds):.2f} "
                  f"| {np.median(sizes) / 1024:.0f} |")


if __name__ == "__main__":
    main()

"""Read + preprocess speed against plain wfdb.rdrecord, and what the quality checks flag on LUDB.

Table 1 times, per 12-lead 10 s 500 Hz WFDB record (median and best over records x repetitions):
wfdb.rdrecord alone, ecg.read_ecg (reading with all its checks), read_ecg + preprocess.clean,
and assess_quality, each also as a ratio to wfdb.rdrecord.
Table 2 runs assess_quality on every record: verdicts, the leads each problem is flagged on,
and the distribution of each measure over all leads (what the thresholds were set against).
Table 3 swaps the LA/RA and RA/LL electrodes of every record (recomputing the limb leads by Einthoven's
and Goldberger's laws) and counts which reversal assess_quality suspects.

    .venv/bin/python benchmarks/read_preprocess.py [--data ../shared/data] [--limit N] [--repeat R]

Without LUDB under --data it falls back to the vendored examples/ludb_1.hea.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np
import wfdb

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ecg.io import read_ecg  # noqa: E402
from ecg.preprocess import clean  # noqa: E402
from ecg.quality import assess_quality, swap_electrodes  # noqa: E402

REVERSALS = (None, "LA/RA", "RA/LL")


def record_headers(data: Path, limit: int | None) -> list[Path]:
    headers = sorted((data / "ludb" / "data").glob("*.hea"), key=lambda p: int(p.stem))
    if not headers:
        print(f"no LUDB records under {data}; using examples/ludb_1.hea", file=sys.stderr)
        headers = [ROOT / "examples" / "ludb_1.hea"]
    return headers[:limit] if limit else headers


def speed_table(headers: list[Path], repeat: int) -> None:
    """The cases take turns within each repetition, so that load from other jobs on the
    machine falls on all of them alike; "best" is the least disturbed run."""
    cases = {
        "wfdb.rdrecord": lambda h: wfdb.rdrecord(str(h.with_suffix(""))),
        "read_ecg": lambda h: read_ecg(h),
        "read_ecg + clean": lambda h: clean(read_ecg(h)),
        "read_ecg + assess_quality": lambda h: assess_quality(read_ecg(h)),
    }
    for action in cases.values():  # warm imports and caches
        action(headers[0])
    times = defaultdict(list)
    for header in headers:
        for _ in range(repeat):
            for name, action in cases.items():
                start = time.perf_counter()
                action(header)
                times[name].append(1000 * (time.perf_counter() - start))
    median = {name: float(np.median(values)) for name, values in times.items()}
    best = {name: float(np.min(values)) for name, values in times.items()}
    print(f"\n{len(headers)} records x {repeat} repetitions\n")
    print("| step | median ms | ratio to wfdb.rdrecord | best ms | ratio of best |")
    print("|---|---|---|---|---|")
    for name in cases:
        print(f"| {name} | {median[name]:.2f} | {median[name] / median['wfdb.rdrecord']:.2f} "
              f"| {best[name]:.2f} | {best[name] / best['wfdb.rdrecord']:.2f} |")


def sinus_records(data: Path) -> set[str]:
    """LUDB record ids in sinus rhythm without pacing (from ludb.csv): those with P waves."""
    table = data / "ludb" / "ludb.csv"
    if not table.is_file():
        return set()
    with table.open(newline="") as handle:
        return {row["ID"] for row in csv.DictReader(handle)
                if "sinus" in row["Rhythms"].lower() and not row["Cardiac pacing"].strip()}


def quality_tables(headers: list[Path], sinus: set[str]) -> None:
    verdicts, lead_verdicts, problems = Counter(), Counter(), Counter()
    reversals, measures = Counter(), defaultdict(list)
    for header in headers:
        record = read_ecg(header)
        report = assess_quality(record)
        verdicts[report.verdict] += 1
        for lead in report.leads:
            lead_verdicts[lead.verdict] += 1
            problems.update(p.name for p in lead.problems)
            for name, value in lead.measures.items():
                measures[name].append(value)
        for swapped in REVERSALS:
            signal = (record.signal if swapped is None
                      else swap_electrodes(record.signal, record.leads, swapped))
            found = assess_quality(record.with_signal(signal)).suspected_reversal
            reversals[("all", swapped, found)] += 1
            if header.stem in sinus:
                reversals[("sinus", swapped, found)] += 1
    n_leads = sum(lead_verdicts.values())
    print(f"\nquality of {len(headers)} records ({n_leads} leads)\n")
    print("| record verdict | records | | lead verdict | leads |")
    print("|---|---|---|---|---|")
    for verdict in ("good", "acceptable", "unusable"):
        print(f"| {verdict} | {verdicts[verdict]} | | {verdict} | {lead_verdicts[verdict]} |")
    print("\n| problem | leads flagged | share of leads |")
    print("|---|---|---|")
    for name, count in problems.most_common():
        print(f"| {name} | {count} | {count / n_leads:.1%} |")
    print("\n| measure (per lead) | median | 90th pct | 99th pct | max |")
    print("|---|---|---|---|---|")
    for name, values in measures.items():
        p50, p90, p99, top = np.percentile(values, [50, 90, 99, 100])
        print(f"| {name} | {p50:.3g} | {p90:.3g} | {p99:.3g} | {top:.3g} |")
    print("\n| records | electrodes as recorded, then | suspected: none | LA/RA | RA/LL |")
    print("|---|---|---|---|---|")
    n_sinus = len(sinus & {header.stem for header in headers})
    for group, label in (("all", f"all {len(headers)}"), ("sinus", f"{n_sinus} in sinus rhythm, not paced")):
        for swapped in REVERSALS:
            row = " | ".join(str(reversals[(group, swapped, found)]) for found in REVERSALS)
            print(f"| {label} | {'as recorded' if swapped is None else swapped + ' swapped'} | {row} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--limit", type=int, default=None, help="first N records only")
    parser.add_argument("--repeat", type=int, default=20, help="timed repetitions per record")
    parser.add_argument("--speed-records", type=int, default=20, help="records in the speed table")
    args = parser.parse_args()
    headers = record_headers(args.data, args.limit)
    speed_table(headers[: args.speed_records], args.repeat)
    quality_tables(headers, sinus_records(args.data))


if __name__ == "__main__":
    main()

"""Atrial flutter waves (ecg.atrial): periodicity on LUDB by rhythm, and rate and detection on
synthetic flutter with known F-wave rates and conduction ratios.

The first table gives, per LUDB rhythm label, the range of `atrial_periodicity` (the correlation
of the signal outside the QRS with itself one atrial cycle later) and how many records get an
atrial flutter statement. The second builds flutter ECGs (tests/ecg/synthetic_waves.py: a
sawtooth F wave whose cycle varies by 4 ms SD, QRS-T complexes conducted after every k-th F wave
with the F-to-QRS time shortening after longer rests) and prints the measured atrial rate,
periodicity and whether atrial flutter is stated, for two random seeds each. The third does the
same for synthetic sinus rhythm (no F waves), where no flutter may be stated.

With ``--ptbxl ROOT`` (a PTB-XL copy: ptbxl_database.csv beside records500/), a last table scores
atrial flutter on its 500 Hz records: every record whose scp_codes name AFLT and up to
``--per-class`` records of each other rhythm code (AFIB, SR, STACH, SBRAD, SARRH, others), with
the periodicity range per class. That is where the 0.7 threshold, set on LUDB's two flutters, can
be checked on real flutter ECGs (PTB-XL has about 70).

    .venv/bin/python benchmarks/atrial.py [--data ../shared/data/ludb] [--ptbxl ROOT [--per-class N]]
        [--no-synthetic]
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import csv  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ecg.criteria import evaluate  # noqa: E402
from ecg.io import read_ecg  # noqa: E402
from ecg.measure import measure  # noqa: E402
from ecg.record import make_record  # noqa: E402
from retrieval.reports import ptbxl_ecgs  # noqa: E402
from tests.ecg.synthetic_waves import LEADS, WaveTimes, flutter_record, synthetic_record  # noqa: E402

CONDUCTION = {"variable 3-5:1": (4, 3, 4, 4, 5, 3, 4, 3, 4, 5, 4, 3, 4), "2:1": (2,) * 20,
              "3:1": (3,) * 14, "4:1": (4,) * 12}
RATES_BPM = (260.0, 280.0, 300.0, 320.0, 340.0)
SINUS = ((1.0, 0.42), (0.8, 0.40), (0.6, 0.34), (0.5, 0.30), (0.4, 0.28))  # RR, QT in s
PTBXL_RHYTHMS = ("AFLT", "AFIB", "SR", "STACH", "SBRAD", "SARRH")  # the class is the first one named


def _value(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _flutter_stated(m) -> bool:
    return any(s.code == "AFLT" for s in evaluate(m))


def ludb_table(data: Path) -> None:
    rhythms = {row["ID"]: row["Rhythms"].split("\n")[0] for row in csv.DictReader(open(data / "ludb.csv"))}
    by_rhythm: dict[str, list[tuple[float, bool]]] = {}
    for header in sorted((data / "data").glob("*.hea"), key=lambda p: int(p.stem)):
        m = measure(read_ecg(header))
        periodicity = m.atrial_periodicity if m.atrial_periodicity is not None else float("nan")
        by_rhythm.setdefault(rhythms[header.stem], []).append((periodicity, _flutter_stated(m)))
    print("| LUDB rhythm | records | periodicity min / median / max | atrial flutter stated |")
    print("|---|---:|---|---:|")
    for rhythm, values in sorted(by_rhythm.items()):
        p = np.array([v for v, _ in values])
        print(f"| {rhythm} | {len(values)} | {np.nanmin(p):.2f} / {np.nanmedian(p):.2f} / {np.nanmax(p):.2f} "
              f"| {sum(f for _, f in values)} |")


def synthetic_flutter_table() -> None:
    print("\n| conduction | " + " | ".join(f"{r:.0f}/min" for r in RATES_BPM) + " |")
    print("|---|" + "---|" * len(RATES_BPM))
    found = total = 0
    for name, ratios in CONDUCTION.items():
        cells = []
        for rate in RATES_BPM:
            runs = []
            for seed in (0, 1):
                m = measure(make_record(flutter_record(rate, ratios, seed=seed), 500.0, list(LEADS),
                                        source="synthetic", format="npy"))
                stated = _flutter_stated(m)
                found, total = found + stated, total + 1
                runs.append(f"{_value(m.atrial_rate_bpm, '.0f')} ({_value(m.atrial_periodicity, '.2f')})"
                            f"{' AFL' if stated else ''}")
            cells.append(", ".join(runs))
        print(f"| {name} | " + " | ".join(cells) + " |")
    print(f"\nAtrial flutter stated on {found} of {total} synthetic flutters "
          "(cell: atrial rate (periodicity) per seed, AFL where flutter is stated).")


def synthetic_sinus_table() -> None:
    print("\n| sinus rate | atrial rate | periodicity | atrial flutter stated |")
    print("|---:|---:|---:|---|")
    for rr, qt in SINUS:
        signal, _ = synthetic_record(rr_s=[rr] * int(9 / rr), times=WaveTimes(qt=qt))
        m = measure(make_record(signal, 500.0, list(LEADS), source="synthetic", format="npy"))
        print(f"| {60 / rr:.0f} | {_value(m.atrial_rate_bpm, '.0f')} | {_value(m.atrial_periodicity, '.2f')} "
              f"| {'yes' if _flutter_stated(m) else 'no'} |")


def ptbxl_class(scp_codes: dict[str, float]) -> str:
    """The record's rhythm class: the first of PTBXL_RHYTHMS its codes name, else "other"."""
    return next((code for code in PTBXL_RHYTHMS if code in scp_codes), "other")


def ptbxl_table(root: Path, per_class: int) -> None:
    taken: dict[str, list[tuple[float, bool]]] = {}
    missing = 0
    for ecg in ptbxl_ecgs(root, fs=500):
        label = ptbxl_class(ecg.entry.metadata["scp_codes"])
        values = taken.setdefault(label, [])
        if label != "AFLT" and len(values) >= per_class:
            continue
        if not ecg.path.is_file():
            missing += 1
            continue
        m = measure(read_ecg(ecg.path))
        periodicity = m.atrial_periodicity if m.atrial_periodicity is not None else float("nan")
        values.append((periodicity, _flutter_stated(m)))
    print("\n| PTB-XL rhythm | records | periodicity min / median / max | atrial flutter stated |")
    print("|---|---:|---|---:|")
    for label in (*PTBXL_RHYTHMS, "other"):
        values = taken.get(label, [])
        if not values:
            continue
        p = np.array([v for v, _ in values])
        span = (f"{np.nanmin(p):.2f} / {np.nanmedian(p):.2f} / {np.nanmax(p):.2f}" if np.isfinite(p).any()
                else "-")
        print(f"| {label} | {len(values)} | {span} | {sum(f for _, f in values)} |")
    flutters = taken.get("AFLT", [])
    others = [stated for label, values in taken.items() if label != "AFLT" for _, stated in values]
    print(f"\nAtrial flutter: found in {sum(f for _, f in flutters)} of {len(flutters)} AFLT records, stated "
          f"on {sum(others)} of {len(others)} others; {missing} listed records not on disk.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "ludb")
    parser.add_argument("--ptbxl", type=Path, help="a PTB-XL folder (ptbxl_database.csv, records500/)")
    parser.add_argument("--per-class", type=int, default=100, help="PTB-XL records per non-flutter rhythm class")
    parser.add_argument("--no-synthetic", action="store_true", help="leave out the synthetic tables")
    args = parser.parse_args(argv)
    if (args.data / "ludb.csv").exists():
        ludb_table(args.data)
    else:
        print(f"no LUDB at {args.data}: its table is left out")
    if not args.no_synthetic:
        synthetic_flutter_table()
        synthetic_sinus_table()
    if args.ptbxl:
        ptbxl_table(args.ptbxl, args.per_class)
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Atrial flutter waves (ecg.atrial): periodicity on LUDB by rhythm, and rate and detection on
synthetic flutter with known F-wave rates and conduction ratios.

The first table gives, per LUDB rhythm label, the range of `atrial_periodicity` (the correlation
of the signal outside the QRS with itself one atrial cycle later) and how many records get an
atrial flutter statement. The second builds flutter ECGs (tests/ecg/synthetic_waves.py: a
sawtooth F wave whose cycle varies by 4 ms SD, QRS-T complexes conducted after every k-th F wave
with the F-to-QRS time shortening after longer rests) and prints the measured atrial rate,
periodicity and whether atrial flutter is stated, for two random seeds each. The third does the
same for synthetic sinus rhythm (no F waves), where no flutter may be stated.

    .venv/bin/python benchmarks/atrial.py [--data ../shared/data/ludb]
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
from tests.ecg.synthetic_waves import LEADS, WaveTimes, flutter_record, synthetic_record  # noqa: E402

CONDUCTION = {"variable 3-5:1": (4, 3, 4, 4, 5, 3, 4, 3, 4, 5, 4, 3, 4), "2:1": (2,) * 20,
              "3:1": (3,) * 14, "4:1": (4,) * 12}
RATES_BPM = (260.0, 280.0, 300.0, 320.0, 340.0)
SINUS = ((1.0, 0.42), (0.8, 0.40), (0.6, 0.34), (0.5, 0.30), (0.4, 0.28))  # RR, QT in s


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "ludb")
    args = parser.parse_args(argv)
    if (args.data / "ludb.csv").exists():
        ludb_table(args.data)
    else:
        print(f"no LUDB at {args.data}: its table is left out")
    synthetic_flutter_table()
    synthetic_sinus_table()
    return 0


if __name__ == "__main__":
    sys.exit(main())

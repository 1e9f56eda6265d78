"""Diagnostic statements on LUDB against its cardiologists' diagnoses: sensitivity and specificity.

Each LUDB record at hand is read, measured (ecg.measure.measure) and evaluated
(ecg.criteria.evaluate); a statement is positive for a record when the engine makes it (in any
lead group). The reference is ludb.csv: a record is positive for a code when one of its
diagnoses maps to that code in LUDB_TO_CODES below; every other measured record is a negative.
The ST-T rows are approximate: LUDB names ischaemia by wall, not by ST-T pattern. LUDB's axis
labels follow a convention in which "left axis deviation" starts near 0 deg, not at -30 deg.

    .venv/bin/python benchmarks/statements.py [--data ../shared/data/ludb] [--limit N] [--json FILE]
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import csv  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import warnings  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ecg.criteria import evaluate  # noqa: E402
from ecg.errors import ECGError  # noqa: E402
from ecg.io import read_ecg  # noqa: E402
from ecg.measure import measure  # noqa: E402
from ecg.record import ECGRecord  # noqa: E402
from ecg.scp_codes import STATEMENTS  # noqa: E402

# LUDB diagnosis (one line of a ludb.csv cell; a trailing "*" matches any ending) -> statement codes;
# the first matching pattern wins.
LUDB_TO_CODES: dict[str, tuple[str, ...]] = {
    "Sinus rhythm": ("SR",),
    "Sinus bradycardia": ("SBRAD",),
    "Sinus tachycardia": ("STACH",),
    "Sinus arrhythmia": ("SARRH",),
    "Irregular sinus rhythm": ("SARRH",),
    "Atrial fibrillation": ("AFIB",),
    "Atrial flutter*": ("AFLT",),
    "Electric axis of the heart: normal": ("MID",),
    "Electric axis of the heart: vertical": ("MID",),      # +70..+90 deg: within -30..90
    "Electric axis of the heart: horizontal": ("MID",),    # 0..+30 deg: within -30..90
    "Electric axis of the heart: left axis deviation": ("LAD",),
    "Electric axis of the heart: right axis deviation": ("RAD",),
    "I degree av block": ("1AVB",),
    "Complete right bundle branch block": ("CRBBB",),
    "Incomplete right bundle branch block": ("IRBBB",),
    "Complete left bundle branch block": ("CLBBB",),
    "Incomplete left bundle branch block": ("ILBBB",),
    "Left anterior hemiblock": ("LAFB",),
    "Non-specific intravintricular conduction delay": ("IVCD",),
    "Ventricular extrasystole*": ("PVC",),
    "Atrial extrasystole, type: bigemini": ("PAC", "BIGU"),
    "Atrial extrasystole*": ("PAC",),
    "Left ventricular hypertrophy": ("LVH", "VCLVH"),
    "Left atrial hypertrophy": ("LAO/LAE",),
    "Left atrial overload": ("LAO/LAE",),
    "Right atrial overload": ("RAO/RAE",),
    "Pacemaker presence*": ("PACE",),
    "Unipolar ventricular pacing": ("PACE",),
    "Bipolar ventricular pacing": ("PACE",),
    "Biventricular pacing": ("PACE",),
    "P-synchrony": ("PACE",),
    "Stemi:*": ("STE_",),
    "Early repolarization syndrome": ("STE_",),
    "Ischemia:*": ("STD_", "INVT"),
    "Undefined ischemia/scar/supp.nstemi:*": ("STD_", "INVT"),
    "Non-specific repolarization abnormalities:*": ("STD_", "INVT"),
}
AMPLITUDE_CODES = ("VCLVH", "LVH", "LVOLT", "RAO/RAE", "STE_", "STD_", "INVT")
NORMALISED_SPAN_TOLERANCE_MV = 1e-3
DIAGNOSIS_COLUMNS = ("Rhythms", "Electric axis of the heart", "Conduction abnormalities", "Extrasystolies",
                     "Hypertrophies", "Cardiac pacing", "Ischemia",
                     "Non-specific repolarization abnormalities", "Other states")


def codes_of_diagnosis(diagnosis: str) -> tuple[str, ...]:
    for pattern, codes in LUDB_TO_CODES.items():
        if diagnosis == pattern or (pattern.endswith("*") and diagnosis.startswith(pattern[:-1])):
            return codes
    return ()


def reference_codes(ludb_csv: Path) -> dict[str, set[str]]:
    """Record id -> the codes its LUDB diagnoses map to."""
    reference = {}
    with ludb_csv.open(newline="") as handle:
        for row in csv.DictReader(handle):
            lines = [line.strip() for column in DIAGNOSIS_COLUMNS for line in (row[column] or "").splitlines()]
            reference[row["ID"].strip()] = {code for line in lines if line for code in codes_of_diagnosis(line)}
    return reference


def predicted_codes(record: ECGRecord) -> set[str]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return {s.code for s in evaluate(measure(record))}


def amplitudes_normalised(record: ECGRecord) -> bool:
    """Whether every lead spans exactly 1 mV peak to peak: a rescaled copy, not real millivolts."""
    spans = np.nanmax(record.signal, axis=1) - np.nanmin(record.signal, axis=1)
    return bool(np.allclose(spans, 1.0, atol=NORMALISED_SPAN_TOLERANCE_MV))


def scores(reference: dict[str, set[str]], predicted: dict[str, set[str]], code: str) -> dict:
    tp = sum(code in predicted[r] and code in reference[r] for r in predicted)
    fn = sum(code not in predicted[r] and code in reference[r] for r in predicted)
    fp = sum(code in predicted[r] and code not in reference[r] for r in predicted)
    tn = len(predicted) - tp - fn - fp
    return {"code": code, "name": STATEMENTS[code].name, "positives": tp + fn, "tp": tp, "fn": fn, "fp": fp,
            "tn": tn, "sensitivity": tp / (tp + fn) if tp + fn else None,
            "specificity": tn / (tn + fp) if tn + fp else None}


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def print_table(rows: list[dict], n_records: int, seconds: float) -> None:
    print(f"{n_records} LUDB records, {seconds:.0f} s ({1000 * seconds / max(n_records, 1):.0f} ms per record)\n")
    print("| code | statement | LUDB positives | TP | FN | FP | TN | sensitivity | specificity |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print(f"| {row['code']} | {row['name']} | {row['positives']} | {row['tp']} | {row['fn']} | {row['fp']} | "
              f"{row['tn']} | {_percent(row['sensitivity'])} | {_percent(row['specificity'])} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "ludb",
                        help="LUDB folder holding ludb.csv and data/*.hea")
    parser.add_argument("--limit", type=int, default=None, help="only the first N records")
    parser.add_argument("--json", type=Path, default=None, help="also write per-record codes and scores here")
    args = parser.parse_args(argv)

    reference = reference_codes(args.data / "ludb.csv")
    headers = sorted((args.data / "data").glob("*.hea"), key=lambda p: int(p.stem))[: args.limit]
    predicted: dict[str, set[str]] = {}
    failed: dict[str, str] = {}
    normalised = 0
    start = time.perf_counter()
    for header in headers:
        try:
            record = read_ecg(header)
            normalised += amplitudes_normalised(record)
            predicted[header.stem] = predicted_codes(record)
        except ECGError as exc:
            failed[header.stem] = str(exc)
    seconds = time.perf_counter() - start
    benchmarked = list(dict.fromkeys(code for codes in LUDB_TO_CODES.values() for code in codes))
    rows = [scores(reference, predicted, code) for code in benchmarked]
    print_table(rows, len(predicted), seconds)
    if normalised:
        print(f"\n{normalised} of {len(headers)} records have every lead scaled to exactly 1 mV peak to peak: "
              f"on them the amplitude criteria ({', '.join(AMPLITUDE_CODES)}) are not validated.")
    for record, problem in failed.items():
        print(f"not measured: record {record}: {problem}")
    if args.json:
        args.json.write_text(json.dumps({"scores": rows, "failed": failed,
                                         "records": {r: {"reference": sorted(reference[r]), "predicted": sorted(p)}
                                                     for r, p in predicted.items()}}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""Diagnostic statements on LUDB against its cardiologists' diagnoses: sensitivity and specificity.

Each LUDB record at hand is read, measured (ecg.measure.measure) and evaluated
(ecg.criteria.evaluate); a statement is positive for a record when the engine makes it (in any
lead group). The reference is ludb.csv: a record is positive for a code when one of its
diagnoses maps to that code in LUDB_TO_CODES below; every other measured record is a negative.
The next column repeats the scoring with the P duration, PR and QRS duration that LUDB's experts
delineated (per lead the median over beats, then the median over the 12 leads) in place of the
measured ones, to separate rule quality from measurement error. (The union over leads, earliest
onset to latest offset, is not used: LUDB's leads are delineated independently and their union
makes the QRS of records without conduction diagnoses 120 ms at the median.) The last column
counts the records on which ecg.criteria.evaluate_all calls the code undetermined (an input not
measured, or criteria not applicable: paced or wide QRS), and how many of them LUDB calls
positive; they are scored as "not made". The time per record covers measure + evaluate.
The ST-T rows are approximate: LUDB names ischaemia by wall, not by ST-T pattern. LUDB's axis
labels follow a convention in which "left axis deviation" starts near 0 deg, not at -30 deg, and
"horizontal" / "vertical" name normal axes near 0-30 and 70-90 deg. Copies whose leads were each
scaled to 1 mV peak to peak (the LUDB copy in ../shared/data is one) get their limb leads rescaled
to Einthoven's law first (einthoven_rescaled).

A second table scores SR, PAC and PVC on consecutive 10 s windows of MIT-BIH record 100 (two
leads) against its rhythm and beat annotations, where LUDB has too few premature beats.

    .venv/bin/python benchmarks/statements.py [--data ../shared/data/ludb] [--limit N]
        [--mitbih ../shared/data/wfdb_samples/100] [--json FILE]
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
from dataclasses import replace  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ecg.criteria import UNDETERMINED, evaluate, evaluate_all  # noqa: E402
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
    "Iii degree av-block": ("3AVB",),
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
    "Right ventricular hypertrophy": ("RVH",),
    "Pacemaker presence*": ("PACE",),
    "Unipolar ventricular pacing": ("PACE",),
    "Bipolar ventricular pacing": ("PACE",),
    "Biventricular pacing": ("PACE",),
    "P-synchrony": ("PACE",),
    "Scar formation: inferior wall": ("IMI", "QWAVE"),
    "Scar formation: septal": ("ASMI", "QWAVE"),
    "Scar formation: anterior wall": ("AMI", "QWAVE"),
    "Scar formation: lateral wall": ("LMI", "QWAVE"),
    "Scar formation:*": ("QWAVE",),                          # apical, posterior: no territory code here
    "Stemi:*": ("STE_",),
    "Early repolarization syndrome": ("STE_",),
    "Ischemia:*": ("STD_", "INVT"),
    "Undefined ischemia/scar/supp.nstemi:*": ("STD_", "INVT"),
    "Non-specific repolarization abnormalities:*": ("STD_", "INVT"),
}
# Codes no LUDB diagnosis names: scored for their false positives (specificity) only.
CODES_WITHOUT_LUDB_DIAGNOSIS = ("2AVB", "2AVB_2TO1", "AVB_HIGH_GRADE", "2AVB_MOBITZ1", "2AVB_MOBITZ2", "SAB2",
                                "SPAUSE", "WPW", "ALMI", "ILMI")
LEAD_EXTENSIONS = ("i", "ii", "iii", "avr", "avl", "avf", "v1", "v2", "v3", "v4", "v5", "v6")
P_BEFORE_QRS_S = 0.5     # a P wave belongs to the QRS that follows it within this
REPORTED_FIELDS = ("heart_rate_bpm", "qrs_duration_ms", "qrs_duration_median_lead_ms", "pr_interval_ms",
                   "p_duration_ms", "qrs_axis_deg")
CONDUCTION_OR_PACING = {"CRBBB", "IRBBB", "CLBBB", "ILBBB", "LAFB", "IVCD", "PACE"}
WINDOW_S = 10.0
# MIT-BIH premature-beat symbol -> the statement a window holding such a beat should make.
MITBIH_PREMATURE_BEATS = {"A": "PAC", "a": "PAC", "J": "PAC", "S": "PAC", "V": "PVC", "E": "PVC"}
MITBIH_SINUS_RHYTHM = "(N"
MITBIH_CODES = ("SR", "PAC", "PVC")
AMPLITUDE_CODES = ("VCLVH", "LVH", "RVH", "LVOLT", "RAO/RAE", "STE_", "STD_", "INVT", "Q-wave codes (depth)")
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


def _lead_waves(base: Path, extension: str) -> dict[str, list[tuple[int, int, int]]]:
    """(onset, peak, offset) samples of the P waves and QRS complexes annotated in one lead."""
    import wfdb

    annotation = wfdb.rdann(str(base), extension)
    symbols, samples = annotation.symbol, annotation.sample
    waves: dict[str, list[tuple[int, int, int]]] = {"p": [], "N": []}
    for i in range(1, len(symbols) - 1):
        if symbols[i] in waves and symbols[i - 1] == "(" and symbols[i + 1] == ")":
            waves[symbols[i]].append((int(samples[i - 1]), int(samples[i]), int(samples[i + 1])))
    return waves


def expert_intervals(base: Path, fs: float) -> dict[str, float | None]:
    """P duration, PR and QRS (ms) from LUDB's expert delineation: per lead the median over its
    beats, then the median over the leads."""
    per_lead: dict[str, list[float]] = {"p_duration_ms": [], "pr_interval_ms": [], "qrs_duration_median_lead_ms": []}
    for extension in LEAD_EXTENSIONS:
        waves = _lead_waves(base, extension)
        lead: dict[str, list[int]] = {name: [] for name in per_lead}
        for onset, _, offset in waves["N"]:
            lead["qrs_duration_median_lead_ms"].append(offset - onset)
            before = [p for p in waves["p"] if onset - P_BEFORE_QRS_S * fs <= p[1] < onset]
            if before:
                lead["p_duration_ms"].append(before[-1][2] - before[-1][0])
                lead["pr_interval_ms"].append(onset - before[-1][0])
        for name, values in lead.items():
            if values:
                per_lead[name].append(float(np.median(values)) * 1000.0 / fs)
    return {name: float(np.median(values)) if values else None for name, values in per_lead.items()}


def evaluate_record(record: ECGRecord, expert: dict[str, float | None]) -> dict:
    """Codes from the measured intervals, codes with LUDB's expert P, PR and QRS in their place,
    and the measured values the findings below the table are about."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        measured = measure(record)
    return {"predicted": sorted({s.code for s in evaluate(measured)}),
            "undetermined": sorted(c for c, a in evaluate_all(measured).items() if a.status == UNDETERMINED),
            "predicted_with_expert_intervals": sorted({s.code for s in evaluate(replace(measured, **expert))}),
            "measured": {name: getattr(measured, name) for name in REPORTED_FIELDS},
            "expert": expert}


def einthoven_rescaled(record: ECGRecord) -> tuple[ECGRecord, float]:
    """The record with leads I and III rescaled by a least-squares fit to Einthoven's law
    (II = I + III) and aVR, aVL, aVF derived again, and the fit's relative residual.

    Undoes a per-lead rescaling between the limb leads (up to one common factor), so that the
    frontal axis can be measured; the precordial leads and the absolute scale stay as they are.
    """
    i, ii, iii = (record.signal[record.leads.index(name)].astype(np.float64) for name in ("I", "II", "III"))
    valid = np.isfinite(i) & np.isfinite(ii) & np.isfinite(iii)
    design = np.column_stack([i[valid], iii[valid]])
    (a, b), *_ = np.linalg.lstsq(design, ii[valid], rcond=None)
    residual = float(np.std(design @ (a, b) - ii[valid]) / np.std(ii[valid]))
    i, iii = a * i, b * iii
    limb = {"I": i, "II": ii, "III": iii, "aVR": -(i + ii) / 2, "aVL": (i - iii) / 2, "aVF": (ii + iii) / 2}
    signal = record.signal.copy()
    for name, values in limb.items():
        signal[record.leads.index(name)] = values
    return record.with_signal(signal), residual


def amplitudes_normalised(record: ECGRecord) -> bool:
    """Whether every lead spans exactly 1 mV peak to peak: a rescaled copy, not real millivolts."""
    spans = np.nanmax(record.signal, axis=1) - np.nanmin(record.signal, axis=1)
    return bool(np.allclose(spans, 1.0, atol=NORMALISED_SPAN_TOLERANCE_MV))


def scores(reference: dict[str, set[str]], predicted: dict[str, set[str]], code: str,
           undetermined: dict[str, set[str]] | None = None) -> dict:
    """Counts and rates of one code; an undetermined record counts as not made (a "no"), and
    ``undetermined`` says how many records (and LUDB positives) the engine could not judge."""
    tp = sum(code in predicted[r] and code in reference[r] for r in predicted)
    fn = sum(code not in predicted[r] and code in reference[r] for r in predicted)
    fp = sum(code in predicted[r] and code not in reference[r] for r in predicted)
    tn = len(predicted) - tp - fn - fp
    unsure = [r for r in predicted if undetermined and code in undetermined[r]]
    return {"code": code, "name": STATEMENTS[code].name, "positives": tp + fn, "tp": tp, "fn": fn, "fp": fp,
            "tn": tn, "sensitivity": tp / (tp + fn) if tp + fn else None,
            "specificity": tn / (tn + fp) if tn + fp else None, "undetermined": len(unsure),
            "undetermined_positives": sum(code in reference[r] for r in unsure)}


def _percent(value: float | None) -> str:
    return "-" if value is None else f"{100 * value:.0f}%"


def print_table(rows: list[dict], expert_rows: list[dict], n_records: int, seconds: float) -> None:
    print(f"{n_records} LUDB records, {seconds:.0f} s ({1000 * seconds / max(n_records, 1):.0f} ms per record)\n")
    print("| code | statement | LUDB positives | TP | FN | FP | TN | sensitivity | specificity "
          "| sens. / spec. with expert P, PR, QRS | undetermined (of them positives) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for row, expert in zip(rows, expert_rows):
        print(f"| {row['code']} | {row['name']} | {row['positives']} | {row['tp']} | {row['fn']} | {row['fp']} | "
              f"{row['tn']} | {_percent(row['sensitivity'])} | {_percent(row['specificity'])} | "
              f"{_percent(expert['sensitivity'])} / {_percent(expert['specificity'])} | "
              f"{row['undetermined']} ({row['undetermined_positives']}) |")


def axis_labels(ludb_csv: Path) -> dict[str, str]:
    """Record id -> LUDB's frontal-axis label ("normal", "left axis deviation", ...)."""
    with ludb_csv.open(newline="") as handle:
        return {row["ID"].strip(): (row["Electric axis of the heart"] or "none").split(":")[-1].strip().rstrip(".")
                for row in csv.DictReader(handle)}


def print_findings(records: dict[str, dict], labels: dict[str, str]) -> None:
    """The measured values behind the largest disagreements: QRS width and the axis convention."""
    plain = [r for r, found in records.items() if not set(found["reference"]) & CONDUCTION_OR_PACING]
    expert = np.array([records[r]["expert"]["qrs_duration_median_lead_ms"] for r in plain
                       if records[r]["expert"]["qrs_duration_median_lead_ms"] is not None])
    for name, label in (("qrs_duration_ms", "global"), ("qrs_duration_median_lead_ms", "median lead")):
        measured = np.array([records[r]["measured"][name] for r in plain if records[r]["measured"][name] is not None])
        if measured.size and expert.size:
            print(f"\nQRS of the {len(plain)} records without a LUDB conduction or pacing diagnosis: measured "
                  f"({label}) median {np.median(measured):.0f} ms ({(measured >= 120).sum()} at or above 120 ms); "
                  f"LUDB experts' median lead: median {np.median(expert):.0f} ms ({(expert >= 120).sum()} at or "
                  "above 120 ms).")
    print("\nMeasured QRS axis by LUDB axis label (deg): label, records, 10th / 50th / 90th percentile")
    for label in sorted(set(labels[r] for r in records)):
        axes = [records[r]["measured"]["qrs_axis_deg"] for r in records if labels[r] == label]
        axes = np.array([a for a in axes if a is not None])
        if axes.size:
            low, mid, high = np.percentile(axes, [10, 50, 90])
            print(f"  {label}: {axes.size}, {low:.0f} / {mid:.0f} / {high:.0f}")


def mitbih_windows(base: Path) -> dict[str, dict]:
    """Window start (s) -> reference and predicted codes, for consecutive WINDOW_S windows of a
    MIT-BIH record: its rhythm annotations give SR, its beat annotations the premature beats."""
    import wfdb

    record = read_ecg(base.with_suffix(".hea"))
    annotation = wfdb.rdann(str(base), "atr")
    samples, symbols = annotation.sample, annotation.symbol
    rhythm_changes = [(samples[i], annotation.aux_note[i].strip("\x00")) for i in range(len(symbols))
                      if symbols[i] == "+"]
    step = int(WINDOW_S * record.fs)
    windows = {}
    for start in range(0, record.n_samples - step + 1, step):
        inside = {symbols[i] for i in np.flatnonzero((samples >= start) & (samples < start + step))}
        reference = {code for symbol, code in MITBIH_PREMATURE_BEATS.items() if symbol in inside}
        rhythm = [name for at, name in rhythm_changes if at <= start] or [rhythm_changes[0][1]]
        if rhythm[-1] == MITBIH_SINUS_RHYTHM:
            reference.add("SR")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            measured = measure(record.with_signal(record.signal[:, start:start + step]))
        windows[f"{start / record.fs:.0f}"] = {"reference": sorted(reference),
                                                "predicted": sorted({s.code for s in evaluate(measured)})}
    return windows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "ludb",
                        help="LUDB folder holding ludb.csv and data/*.hea")
    parser.add_argument("--limit", type=int, default=None, help="only the first N records")
    parser.add_argument("--mitbih", type=Path, default=ROOT.parent / "shared" / "data" / "wfdb_samples" / "100",
                        help="a MIT-BIH record (base name) scored in 10 s windows for SR, PAC and PVC; "
                             "skipped when absent")
    parser.add_argument("--json", type=Path, default=None, help="also write per-record codes and values here")
    args = parser.parse_args(argv)

    reference = reference_codes(args.data / "ludb.csv")
    headers = sorted((args.data / "data").glob("*.hea"), key=lambda p: int(p.stem))[: args.limit]
    records: dict[str, dict] = {}
    failed: dict[str, str] = {}
    residuals: list[float] = []
    seconds = 0.0
    for header in headers:
        try:
            record = read_ecg(header)
            if amplitudes_normalised(record):
                record, residual = einthoven_rescaled(record)
                residuals.append(residual)
            expert = expert_intervals(header.with_suffix(""), record.fs)
            start = time.perf_counter()
            records[header.stem] = {"reference": sorted(reference[header.stem]), **evaluate_record(record, expert)}
            seconds += time.perf_counter() - start
        except ECGError as exc:
            failed[header.stem] = str(exc)
    predicted = {r: set(found["predicted"]) for r, found in records.items()}
    with_expert = {r: set(found["predicted_with_expert_intervals"]) for r, found in records.items()}
    benchmarked = list(dict.fromkeys([*(code for codes in LUDB_TO_CODES.values() for code in codes),
                                      *CODES_WITHOUT_LUDB_DIAGNOSIS]))
    undetermined = {r: set(found["undetermined"]) for r, found in records.items()}
    rows = [scores(reference, predicted, code, undetermined) for code in benchmarked]
    expert_rows = [scores(reference, with_expert, code) for code in benchmarked]
    print_table(rows, expert_rows, len(records), seconds)
    if residuals:
        print(f"\n{len(residuals)} of {len(headers)} records have every lead scaled to exactly 1 mV peak to peak. "
              f"Their limb leads were rescaled to Einthoven's law (II = I + III) before measuring, so the "
              f"frontal axis is valid (relative residual of the fit: median {np.median(residuals):.4f}, "
              f"max {np.max(residuals):.4f}); their absolute amplitudes are not, so the amplitude criteria "
              f"({', '.join(AMPLITUDE_CODES)}) are not validated by them.")
    print_findings(records, axis_labels(args.data / "ludb.csv"))
    for record_id, problem in failed.items():
        print(f"not measured: record {record_id}: {problem}")
    windows, window_rows = {}, []
    if args.mitbih.with_suffix(".hea").is_file():
        windows = mitbih_windows(args.mitbih)
        window_reference = {w: set(found["reference"]) for w, found in windows.items()}
        window_predicted = {w: set(found["predicted"]) for w, found in windows.items()}
        window_rows = [scores(window_reference, window_predicted, code) for code in MITBIH_CODES]
        print(f"\nMIT-BIH record {args.mitbih.name}, {len(windows)} windows of {WINDOW_S:g} s "
              "(reference: the record's rhythm and beat annotations)\n")
        print("| code | statement | windows with it | TP | FN | FP | TN | sensitivity | specificity |")
        print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
        for row in window_rows:
            print(f"| {row['code']} | {row['name']} | {row['positives']} | {row['tp']} | {row['fn']} | "
                  f"{row['fp']} | {row['tn']} | {_percent(row['sensitivity'])} | {_percent(row['specificity'])} |")
    if args.json:
        args.json.write_text(json.dumps({"scores": rows, "scores_with_expert_intervals": expert_rows,
                                         "failed": failed, "records": records, "mitbih_scores": window_rows,
                                         "mitbih_windows": windows}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""The historical-ECG index: records with their reports, searched by the encoder's embedding.

Record tables in the layouts users have:

- LUDB: ``ludb.csv`` (one row per record = per patient; diagnoses by column) beside
  ``data/<id>.hea``; the report is the diagnoses joined; split "test" for the encoder's
  held-out records (encoders.corpus.ludb_held_out), else "train".
- PTB-XL: ``ptbxl_database.csv`` (ecg_id, patient_id, report, scp_codes, strat_fold,
  filename_lr/filename_hr) beside records100/ and records500/; split "val" for strat_fold 9,
  "test" for 10 (Wagner et al. 2020's recommended split), else "train".
- MIMIC-IV-ECG: ``record_list.csv`` (subject_id, study_id, path) and
  ``machine_measurements.csv`` (report_0 ... report_17, the machine's statements); no split.
"""

from __future__ import annotations

import ast
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator

import numpy as np
import pandas as pd

from ecg.errors import ECGError
from ecg.io import read_ecg
from ecg.record import ECGRecord
from retrieval.store import EmbeddingIndex, Entry

LAYOUTS = ("ludb", "ptbxl", "mimic")
REPORTS_INDEX_NAME = "reports"
PTBXL_SPLIT_OF_FOLD = {9: "val", 10: "test"}
LUDB_DIAGNOSIS_COLUMNS = ("Rhythms", "Electric axis of the heart", "Conduction abnormalities", "Extrasystolies",
                          "Hypertrophies", "Cardiac pacing", "Ischemia",
                          "Non-specific repolarization abnormalities", "Other states")

EmbedFunction = Callable[[ECGRecord], np.ndarray]


@dataclass(frozen=True)
class HistoricalECG:
    """One record of a reports table: where its signal is and what was reported."""

    path: Path  # what ecg.io.read_ecg reads (a WFDB header)
    entry: Entry


def _read_table(path: Path, what: str, columns: Iterable[str]) -> pd.DataFrame:
    if not path.is_file():
        raise ECGError(path, f"{what} is missing")
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (OSError, ValueError) as exc:
        raise ECGError(path, f"unreadable {what}: {exc}") from None
    missing = sorted(set(columns) - set(table.columns))
    if missing:
        raise ECGError(path, f"not {what}: columns missing: {', '.join(missing)}")
    return table


def ludb_ecgs(root: str | Path) -> list[HistoricalECG]:
    """LUDB's records present under data/, reported by their diagnoses in ludb.csv."""
    from encoders.corpus import ludb_held_out

    root = Path(root)
    table = _read_table(root / "ludb.csv", "LUDB's ludb.csv", ("ID", *LUDB_DIAGNOSIS_COLUMNS[:7]))
    present = {int(p.stem) for p in (root / "data").glob("*.hea") if p.stem.isdigit()}
    held_out = set(ludb_held_out(sorted(present)))
    ecgs = []
    for row in table.to_dict("records"):
        record_id = int(row["ID"].strip())
        if record_id in present:
            lines = [line.strip() for column in LUDB_DIAGNOSIS_COLUMNS for line in row.get(column, "").splitlines()]
            entry = Entry(f"ludb/{record_id}", "; ".join(line for line in lines if line), f"ludb/{record_id}",
                          "test" if record_id in held_out else "train",
                          {"dataset": "ludb", "sex": row.get("Sex", "").strip(), "age": row.get("Age", "").strip()})
            ecgs.append(HistoricalECG(root / "data" / f"{record_id}.hea", entry))
    return ecgs


def ptbxl_ecgs(root: str | Path, fs: int = 100) -> list[HistoricalECG]:
    """PTB-XL's records at ``fs`` (100 or 500 Hz) with their free-text reports and SCP codes."""
    root = Path(root)
    column = {100: "filename_lr", 500: "filename_hr"}.get(fs)
    if column is None:
        raise ECGError(root, f"PTB-XL has records at 100 or 500 Hz, not {fs}")
    path = root / "ptbxl_database.csv"
    table = _read_table(path, "PTB-XL's ptbxl_database.csv",
                        ("ecg_id", "patient_id", "report", "scp_codes", "strat_fold", column))
    ecgs = []
    for row in table.to_dict("records"):
        fold = int(float(row["strat_fold"])) if row["strat_fold"] else 0
        entry = Entry(f"ptbxl/{int(float(row['ecg_id']))}", row["report"].strip(),
                      f"ptbxl/{int(float(row['patient_id']))}", PTBXL_SPLIT_OF_FOLD.get(fold, "train"),
                      {"dataset": "ptbxl", "scp_codes": _scp_codes(row["scp_codes"], path), "strat_fold": fold})
        ecgs.append(HistoricalECG(root / f"{row[column]}.hea", entry))
    return ecgs


def _scp_codes(text: str, source: Path) -> dict[str, float]:
    try:
        codes = ast.literal_eval(text) if text.strip() else {}
    except (ValueError, SyntaxError):
        raise ECGError(source, f"scp_codes is not a dictionary: {text[:60]!r}") from None
    return {str(code): float(likelihood) for code, likelihood in dict(codes).items()}


def mimic_ecgs(root: str | Path) -> list[HistoricalECG]:
    """MIMIC-IV-ECG's records (record_list.csv) with the machine's report lines joined."""
    root = Path(root)
    records = _read_table(root / "record_list.csv", "MIMIC-IV-ECG's record_list.csv",
                          ("subject_id", "study_id", "path"))
    measurements = _read_table(root / "machine_measurements.csv", "MIMIC-IV-ECG's machine_measurements.csv",
                               ("study_id", "report_0"))
    report_columns = [c for c in measurements.columns if c.startswith("report_")]
    reports = {row["study_id"]: ". ".join(row[c].strip() for c in report_columns if row[c].strip())
               for row in measurements.to_dict("records")}
    return [HistoricalECG(root / f"{row['path']}.hea",
                          Entry(f"mimic/{row['study_id']}", reports.get(row["study_id"], ""),
                                f"mimic/{row['subject_id']}", "", {"dataset": "mimic"}))
            for row in records.to_dict("records")]


def historical_ecgs(layout: str, root: str | Path, fs: int = 100) -> list[HistoricalECG]:
    """The records of a reports table in one of LAYOUTS."""
    if layout == "ludb":
        return ludb_ecgs(root)
    if layout == "ptbxl":
        return ptbxl_ecgs(root, fs)
    if layout == "mimic":
        return mimic_ecgs(root)
    raise ECGError(root, f"unknown layout {layout!r} (one of {', '.join(LAYOUTS)})")


def encoder_embedding() -> tuple[EmbedFunction, str]:
    """The default encoder's global embedding and a name for it (its weights' SHA-256, short)."""
    try:
        from encoders.pretrained import DEFAULT_FOLDER, load_default_embedder
    except ImportError as exc:
        raise ECGError("encoders", f"the ECG encoder cannot be imported ({exc}); install the ml extra") from None
    embedder = load_default_embedder()
    digest = hashlib.sha256((DEFAULT_FOLDER / "encoder.safetensors").read_bytes()).hexdigest()[:16]
    return (lambda record: embedder.embed(record).global_embedding), f"encoder:{digest}"


def embed_ecgs(ecgs: Iterable[HistoricalECG], embed: EmbedFunction) -> Iterator[tuple[np.ndarray, Entry]]:
    """Each record read and embedded, in order (an unreadable record is an ECGError naming it)."""
    for ecg in ecgs:
        yield np.asarray(embed(read_ecg(ecg.path)), dtype=np.float32), ecg.entry


def build_reports_index(ecgs: Iterable[HistoricalECG], embed: EmbedFunction, embedder_name: str,
                        kind: str = "auto") -> EmbeddingIndex:
    """An index of the records' embeddings whose entries carry their reports."""
    pairs = list(embed_ecgs(ecgs, embed))
    if not pairs:
        raise ECGError(None, "no records to index")
    vectors = np.stack([vector for vector, _ in pairs])
    return EmbeddingIndex.build(vectors, [entry for _, entry in pairs], kind,
                                info={"content": "reports", "embedder": embedder_name})

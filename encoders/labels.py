"""Labelled ECGs in the layouts users have, for the diagnostic heads, with a patient-level split.

- LUDB: ludb.csv (one row per record = per patient; diagnoses as text per column) beside
  data/<id>.hea. Held out: encoders.corpus.ludb_held_out (every 4th record id).
- PTB-XL: ptbxl_database.csv (scp_codes as a dict literal, strat_fold 1-10; the folds keep each
  patient in one fold) beside records100/ or records500/. Held out: strat_fold 10.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from ecg.errors import ECGError
from encoders.corpus import ludb_held_out

# statement -> (ludb.csv column, text that marks it, case-insensitive; "" = any entry)
LUDB_STATEMENTS: dict[str, tuple[str, str]] = {
    "sinus_rhythm": ("Rhythms", "sinus rhythm"),
    "sinus_bradycardia": ("Rhythms", "sinus bradycardia"),
    "atrial_fibrillation": ("Rhythms", "atrial fibrillation"),
    "left_axis_deviation": ("Electric axis of the heart", "left axis deviation"),
    "left_ventricular_hypertrophy": ("Hypertrophies", "left ventricular hypertrophy"),
    "left_atrial_hypertrophy": ("Hypertrophies", "left atrial hypertrophy"),
    "right_bundle_branch_block": ("Conduction abnormalities", "right bundle branch block"),
    "ischemia_scar_infarction": ("Ischemia", ""),
    "repolarization_abnormality": ("Non-specific repolarization abnormalities", ""),
}
# PTB-XL SCP codes the heads learn by default (Wagner et al. 2020, scp_statements.csv).
PTBXL_STATEMENTS: tuple[str, ...] = ("NORM", "IMI", "ASMI", "LVH", "NDT", "NST_", "AFIB", "IRBBB",
                                     "CRBBB", "CLBBB", "LAFB", "1AVB")
PTBXL_HELD_OUT_FOLDS = (10,)


@dataclass(frozen=True)
class LabelledRecord:
    path: Path  # WFDB header
    labels: np.ndarray  # (statements,) 0/1 float32
    patient: str
    held_out: bool


@dataclass(frozen=True)
class LabelledSet:
    statements: tuple[str, ...]
    records: list[LabelledRecord]

    def split(self, held_out: bool) -> list[LabelledRecord]:
        return [r for r in self.records if r.held_out == held_out]


def read_ludb_labels(ludb_root: str | Path) -> LabelledSet:
    """LUDB's ludb.csv diagnoses as the LUDB_STATEMENTS, for the records present under data/."""
    root = Path(ludb_root)
    table_path = root / "ludb.csv"
    if not table_path.is_file():
        raise ECGError(table_path, "LUDB's ludb.csv is missing")
    table = pd.read_csv(table_path, dtype=str)
    missing = {col for col, _ in LUDB_STATEMENTS.values()} - set(table.columns) | ({"ID"} - set(table.columns))
    if missing:
        raise ECGError(table_path, f"columns missing: {', '.join(sorted(missing))}")
    present = {int(p.stem) for p in (root / "data").glob("*.hea") if p.stem.isdigit()}
    held = set(ludb_held_out(sorted(present)))
    records = []
    for _, row in table.iterrows():
        record_id = int(str(row["ID"]).strip())
        if record_id not in present:
            continue
        labels = [_ludb_has(row[column], text) for column, text in LUDB_STATEMENTS.values()]
        records.append(LabelledRecord(root / "data" / f"{record_id}.hea", np.asarray(labels, dtype=np.float32),
                                      patient=f"ludb/{record_id}", held_out=record_id in held))
    return LabelledSet(tuple(LUDB_STATEMENTS), records)


def _ludb_has(cell, text: str) -> bool:
    value = "" if pd.isna(cell) else str(cell).strip()
    return bool(value) and text in value.lower()


def read_ptbxl_labels(ptbxl_root: str | Path, statements: tuple[str, ...] = PTBXL_STATEMENTS,
                      rate: str = "lr") -> LabelledSet:
    """PTB-XL's scp_codes as 0/1 labels (a code counts when listed), records at 100 Hz ("lr",
    filename_lr) or 500 Hz ("hr"); strat_fold 10 is held out, patients never straddle folds."""
    root = Path(ptbxl_root)
    table_path = root / "ptbxl_database.csv"
    if not table_path.is_file():
        raise ECGError(table_path, "PTB-XL's ptbxl_database.csv is missing")
    table = pd.read_csv(table_path)
    column = f"filename_{rate}"
    missing = {"scp_codes", "strat_fold", "patient_id", column} - set(table.columns)
    if missing:
        raise ECGError(table_path, f"columns missing: {', '.join(sorted(missing))}")
    records = []
    for _, row in table.iterrows():
        try:
            codes = ast.literal_eval(row["scp_codes"])
        except (ValueError, SyntaxError):
            raise ECGError(table_path, f"ecg_id {row.get('ecg_id')}: scp_codes {row['scp_codes']!r} is not a dict") from None
        header = root / f"{row[column]}.hea"
        if not header.is_file():
            continue
        labels = np.asarray([code in codes for code in statements], dtype=np.float32)
        records.append(LabelledRecord(header, labels, patient=f"ptbxl/{int(row['patient_id'])}",
                                      held_out=int(row["strat_fold"]) in PTBXL_HELD_OUT_FOLDS))
    if not records:
        raise ECGError(root, f"no PTB-XL record files found ({column} paths + .hea)")
    return LabelledSet(tuple(statements), records)

"""LUDB's cardiologist diagnoses (ludb.csv) as ECG-QA attributes, one LabelledECG per record.

LUDB has one record per patient, so its records give single and irrelevant-comparison questions.
Diagnosis lines are mapped to ECG-QA's attribute strings (ecgqa/ptbxl/answers.csv); a line with
no ECG-QA counterpart (wandering atrial pacemaker, early repolarization, ...) is not asked about.
Source: Kalyakulina et al., Lobachevsky University Electrocardiography Database, PhysioNet
(ODC-By 1.0).
"""

from __future__ import annotations

import csv
from pathlib import Path

from ecg.errors import ECGError
from finetune.instructions import NONE, LabelledECG

# LUDB diagnosis line (lower case, prefix before any ':' or ',' detail) -> ECG-QA scp_code name.
SCP_CODES = {
    "sinus rhythm": "sinus rhythm",
    "sinus bradycardia": "sinus bradycardia",
    "sinus tachycardia": "sinus tachycardia",
    "sinus arrhythmia": "sinus arrhythmia",
    "atrial fibrillation": "atrial fibrillation",
    "atrial flutter": "atrial flutter",
    "incomplete right bundle branch block": "incomplete right bundle branch block",
    "complete right bundle branch block": "complete right bundle branch block",
    "incomplete left bundle branch block": "incomplete left bundle branch block",
    "complete left bundle branch block": "complete left bundle branch block",
    "left anterior hemiblock": "left anterior fascicular block",
    "i degree av block": "first degree av block",
    "non-specific intravintricular conduction delay":
        "non-specific intraventricular conduction disturbance (block)",
    "left ventricular hypertrophy": "left ventricular hypertrophy",
    "left atrial hypertrophy": "left atrial overload/enlargement",
    "left atrial overload": "left atrial overload/enlargement",
    "right atrial overload": "right atrial overload/enlargement",
    "unipolar ventricular pacing": "normal functioning artificial pacemaker",
    "bipolar ventricular pacing": "normal functioning artificial pacemaker",
    "biventricular pacing": "normal functioning artificial pacemaker",
    "p-synchrony": "normal functioning artificial pacemaker",
    "pacemaker presence": "normal functioning artificial pacemaker",
    "atrial extrasystole": "atrial premature complex",
    "ventricular extrasystole": "ventricular premature complex",
}
# LUDB's axis line -> ECG-QA heart axis; vertical and horizontal positions lie within -30..90 deg.
AXES = {"normal": "normal heart axis", "vertical": "normal heart axis", "horizontal": "normal heart axis",
        "left axis deviation": "left axis deviation", "right axis deviation": "right axis deviation"}
EXTRASYSTOLES = {"atrial extrasystole": "supraventricular extrasystoles",
                 "ventricular extrasystole": "ventricular extrasystoles"}
# ECG-QA's infarction stages follow PTB-XL's infarction_stadium (I early, II middle, III old):
# LUDB's STEMI is an acute (early) infarction, its scar formation an old one.
INFARCTION_STAGES = {"stemi": "early stage of myocardial infarction",
                     "scar formation": "old stage of myocardial infarction"}

VOCABULARIES = {
    "scp_code": tuple(sorted(set(SCP_CODES.values()))),
    "axis": ("left axis deviation", "normal heart axis", "right axis deviation"),
    "extrasystole": ("supraventricular extrasystoles", "ventricular extrasystoles", NONE),
    "infarction_stage": ("early stage of myocardial infarction", "old stage of myocardial infarction", NONE),
}
_COLUMNS = ("Rhythms", "Electric axis of the heart", "Conduction abnormalities", "Extrasystolies",
            "Hypertrophies", "Cardiac pacing", "Ischemia")


def read_ludb_labels(csv_path: str | Path) -> list[LabelledECG]:
    """Every record of ludb.csv with its labels; the record ID is also the patient ID."""
    path = Path(csv_path)
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
    except OSError as exc:
        raise ECGError(path, f"cannot read the LUDB diagnoses: {exc.strerror}") from None
    if not rows or "ID" not in rows[0] or any(c not in rows[0] for c in _COLUMNS):
        raise ECGError(path, f"not LUDB's ludb.csv (columns ID, {', '.join(_COLUMNS)} expected)")
    return [LabelledECG(str(row["ID"]).strip(), str(row["ID"]).strip(), labels_of_row(row)) for row in rows]


def labels_of_row(row: dict[str, str]) -> dict[str, frozenset[str]]:
    """ECG-QA attributes of one ludb.csv row."""
    lines = [_diagnosis(line) for column in _COLUMNS for line in (row.get(column) or "").splitlines()]
    lines = [line for line in lines if line]
    scp = {SCP_CODES[line] for line in lines if line in SCP_CODES}
    axis = {AXES[line] for line in lines if line in AXES}
    extrasystoles = {EXTRASYSTOLES[line] for line in lines if line in EXTRASYSTOLES}
    stages = {INFARCTION_STAGES[line] for line in lines if line in INFARCTION_STAGES}
    labels = {"scp_code": frozenset(scp), "extrasystole": frozenset(extrasystoles or {NONE}),
              "infarction_stage": frozenset(stages or {NONE})}
    if axis:
        labels["axis"] = frozenset(axis)
    return labels


def _diagnosis(line: str) -> str:
    """The diagnosis part of a line, lower case: 'Electric axis of the heart: normal' -> 'normal'."""
    text = line.strip().lower()
    if text.startswith("electric axis of the heart:"):
        return text.split(":", 1)[1].strip()
    return text.split(":", 1)[0].split(",", 1)[0].strip()

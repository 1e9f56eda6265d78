"""ECG-QA question files (PTB-XL or MIMIC-IV-ECG versions) as instruction examples.

ECG-QA JSON (Oh et al., NeurIPS 2023, CC BY 4.0) is a list of objects with question_type,
attribute_type, template_id, question, answer (list), ecg_id (list of one or two ids) and
attribute; ``answers_for_each_template.csv`` gives each template's answer options. ECG-QA's
questions already come in all seven types; this module only attaches options and patients.
"""

from __future__ import annotations

import ast
import csv
import json
from collections.abc import Mapping
from pathlib import Path

from ecg.errors import ECGError
from finetune.instructions import Example

_REQUIRED = ("question_type", "attribute_type", "template_id", "question", "answer", "ecg_id")


def read_template_options(csv_path: str | Path) -> dict[int, tuple[str, ...]]:
    """template_id -> its answer options, from answers_for_each_template.csv."""
    path = Path(csv_path)
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        return {int(row["template_id"]): tuple(ast.literal_eval(row["classes"])) for row in rows}
    except (OSError, KeyError, ValueError, SyntaxError) as exc:
        raise ECGError(path, f"not ECG-QA's answers_for_each_template.csv ({exc})") from None


def read_patient_ids(ptbxl_database_csv: str | Path) -> dict[str, str]:
    """PTB-XL ecg_id -> patient_id, from ptbxl_database.csv."""
    path = Path(ptbxl_database_csv)
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            return {str(int(float(r["ecg_id"]))): str(int(float(r["patient_id"])))
                    for r in csv.DictReader(handle)}
    except (OSError, KeyError, ValueError) as exc:
        raise ECGError(path, f"cannot read ecg_id and patient_id ({exc})") from None


def read_ecgqa_questions(json_path: str | Path, options: Mapping[int, tuple[str, ...]],
                         patients: Mapping[str, str] | None = None) -> list[Example]:
    """Every question of one ECG-QA JSON file; without ``patients`` each ECG is its own patient."""
    path = Path(json_path)
    try:
        items = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ECGError(path, f"cannot read ECG-QA questions: {exc}") from None
    if not isinstance(items, list):
        raise ECGError(path, "ECG-QA questions are a JSON list of objects")
    examples = []
    for index, item in enumerate(items):
        missing = [k for k in _REQUIRED if not isinstance(item, dict) or k not in item]
        if missing:
            raise ECGError(path, f"question {index} lacks {', '.join(missing)}")
        ecg_ids = tuple(str(i) for i in item["ecg_id"])
        template = int(item["template_id"])
        examples.append(Example(
            item["question_type"], item["attribute_type"], item["question"], tuple(item["answer"]),
            options.get(template, ()), ecg_ids,
            tuple((patients or {}).get(i, i) for i in ecg_ids), template,
            meta={"question_id": str(item.get("question_id", index))}))
    return examples

"""ECG-QA question files: load them (template or paraphrased, PTB-XL or MIMIC-IV-ECG, a split
folder or single files, or a user's own questions in the same schema) into Question objects.

ECG-QA's schema (https://github.com/Jwoo5/ecg-qa, README "Dataset Description"): each JSON file
is a list of {template_id, question_id, sample_id, question_type, attribute_type, question,
answer, ecg_id, attribute}. Questions outside ECG-QA's 70 templates may carry ``"options": [...]``
and ``"template_id": null``; ECG-QA's own templates take their options from
``answers_for_each_template.csv``, found beside the question files or above them.
"""

from __future__ import annotations

import ast
import csv
import json
from dataclasses import dataclass, replace
from pathlib import Path

from ecg.errors import ECGError

EcgId = int | str  # PTB-XL ecg_id, MIMIC-IV-ECG study_id, or a record name of a flat folder
TEMPLATE_OPTIONS_FILE = "answers_for_each_template.csv"
NONE_ANSWER = "none"
REQUIRED_FIELDS = ("question", "answer", "ecg_id", "question_type", "attribute_type")
# How far above a question file answers_for_each_template.csv is looked for
# (ecgqa/ptbxl/template/valid/60000.json -> ecgqa/ptbxl/).
OPTIONS_SEARCH_DEPTH = 3


@dataclass(frozen=True)
class Question:
    """One ECG question with its ground truth; ``key`` is unique within a run (the sample_id)."""

    key: str
    question: str
    ecg_ids: tuple[EcgId, ...]
    answer: tuple[str, ...]
    question_type: str            # "single-verify", "comparison_irrelevant-query", ...
    attribute_type: str           # "scp_code", "noise", "numeric_feature", ...
    template_id: int | None = None
    question_id: int | None = None
    attribute: tuple[str, ...] | None = None
    options: tuple[str, ...] | None = None

    @property
    def kind(self) -> str:
        """verify, choose or query (the part of question_type after the dash)."""
        return self.question_type.rsplit("-", 1)[-1]


def question_files(paths: list[str | Path]) -> list[Path]:
    """The JSON files named: a folder stands for its *.json files, sorted by name as ECG-QA's own
    preprocessing does (fairseq-signals preprocess_ecgqa.py: sorted(glob(split/*.json)))."""
    files: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found = sorted(path.glob("*.json"), key=str)
            if not found:
                raise ECGError(path, "the folder holds no .json question files")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise ECGError(path, "no such question file or folder")
    return files


def load_questions(paths: list[str | Path], answers_csv: str | Path | None = None) -> list[Question]:
    """Every question in the files or folders named, in file order, with answer options attached.

    Raises ECGError naming the file for unreadable JSON, a missing field, or a sample_id that
    occurs twice (template and paraphrased versions of one split belong in separate runs).
    """
    questions: list[Question] = []
    seen: dict[str, Path] = {}
    option_tables: dict[Path, dict[int, tuple[str, ...]]] = {}
    for file in question_files(paths):
        table_path = Path(answers_csv) if answers_csv else find_template_options(file)
        if table_path is not None and table_path not in option_tables:
            option_tables[table_path] = read_template_options(table_path)
        table = option_tables.get(table_path, {}) if table_path else {}
        for index, item in enumerate(_read_json_list(file)):
            question = _parse_question(item, file, index, table)
            if question.key in seen:
                raise ECGError(file, f"sample_id {question.key} also occurs in {seen[question.key]}: "
                                     "evaluate different versions or splits in separate runs")
            seen[question.key] = file
            questions.append(question)
    return questions


def find_template_options(question_file: Path) -> Path | None:
    """answers_for_each_template.csv in the question file's folder or up to three folders above."""
    for folder in list(question_file.resolve().parents)[:OPTIONS_SEARCH_DEPTH + 1]:
        candidate = folder / TEMPLATE_OPTIONS_FILE
        if candidate.is_file():
            return candidate
    return None


def read_template_options(path: Path) -> dict[int, tuple[str, ...]]:
    """template_id -> its answer options, from ECG-QA's answers_for_each_template.csv."""
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        return {int(row["template_id"]): tuple(str(c) for c in ast.literal_eval(row["classes"]))
                for row in rows}
    except (OSError, KeyError, ValueError, SyntaxError, TypeError) as exc:
        raise ECGError(path, f"not an ECG-QA answers_for_each_template.csv ({exc})") from None


def without_options(questions: list[Question]) -> list[Question]:
    """The same questions with no answer options shown (to ask without them in the prompt)."""
    return [replace(q, options=None) for q in questions]


def _read_json_list(file: Path) -> list[dict]:
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ECGError(file, f"not a readable JSON question file ({exc})") from None
    if not isinstance(data, list) or not all(isinstance(item, dict) for item in data):
        raise ECGError(file, "expected a JSON list of question objects")
    return data


def _parse_question(item: dict, file: Path, index: int, table: dict[int, tuple[str, ...]]) -> Question:
    where = f"question {index}"
    missing = [name for name in REQUIRED_FIELDS if name not in item]
    if missing:
        raise ECGError(file, f"{where} lacks {', '.join(missing)}")
    ecg_ids = item["ecg_id"] if isinstance(item["ecg_id"], list) else [item["ecg_id"]]
    answer = item["answer"] if isinstance(item["answer"], list) else [item["answer"]]
    if not ecg_ids or not all(isinstance(e, (int, str)) and not isinstance(e, bool) for e in ecg_ids):
        raise ECGError(file, f"{where}: ecg_id must be one id or a list of ids, not {item['ecg_id']!r}")
    template_id = item.get("template_id")
    attribute = item.get("attribute")
    sample_id = item.get("sample_id")
    question = Question(
        key=str(sample_id) if sample_id is not None else f"{file.stem}:{index}",
        question=str(item["question"]),
        ecg_ids=tuple(ecg_ids),
        answer=tuple(str(a) for a in answer),
        question_type=str(item["question_type"]),
        attribute_type=str(item["attribute_type"]),
        template_id=int(template_id) if template_id is not None else None,
        question_id=item.get("question_id"),
        attribute=(attribute,) if isinstance(attribute, str) else
        tuple(str(a) for a in attribute) if isinstance(attribute, list) else None,
    )
    return replace(question, options=_options(question, item.get("options"), table, file, where))


def _options(question: Question, given: object, table: dict[int, tuple[str, ...]], file: Path,
             where: str) -> tuple[str, ...] | None:
    """The answer options: the question's own list, else ECG-QA's for its template.

    As in ECG-QA's preprocessing and LLM evaluation (fairseq-signals preprocess_ecgqa.py,
    ecg-qa llm_modeling.py): a choose question offers its attributes ("above the normal range of
    qt interval" offers "above the normal range"), and every question but a verify question
    may be answered "none".
    """
    if given is not None:
        if not isinstance(given, list) or not all(isinstance(o, str) for o in given):
            raise ECGError(file, f"{where}: options must be a list of strings")
        return tuple(given)
    if question.kind == "choose" and question.attribute:
        classes = [a[: a.index(" of ")] if "the normal range" in a else a for a in question.attribute]
    elif question.template_id in table:
        classes = list(table[question.template_id])
    else:
        return None
    options = [c for c in dict.fromkeys(classes) if c != NONE_ANSWER]
    return tuple(options + ([NONE_ANSWER] if question.kind != "verify" else []))

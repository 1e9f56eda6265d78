"""The ECG-QA run: questions -> batches -> predictor -> predictions.jsonl -> results.

Resumable: every batch's predictions are appended to ``predictions.jsonl`` and flushed before
the next batch starts; a restarted run with the same configuration skips the questions already
there (a line cut short by the interruption is dropped and asked again). ``run.json`` records
the configuration, so that a different run cannot be resumed into the same folder by mistake.
Questions whose ECGs the record source lacks, or whose attribute type it cannot answer (noise on
a pre-filtered signal), are left out and counted in the coverage.
"""

from __future__ import annotations

import hashlib
import json
import sys
import time
from pathlib import Path

from tqdm import tqdm

from ecg.errors import ECGError
from ecg.record import ECGRecord
from eval.ecgqa_data import EcgId, Question, without_options
from eval.predictor import Predictor
from eval.records import RecordSource
from eval.scoring import exact_match, markdown_tables, read_against_options, score

PREDICTIONS_FILE = "predictions.jsonl"
RUN_FILE = "run.json"
RESULTS_FILE = "results.json"
TABLE_FILE = "results.md"


def coverage(questions: list[Question], source: RecordSource) -> tuple[list[Question], dict]:
    """The questions the source can serve, and the counts of those it cannot (and why)."""
    answerable, missing, excluded = [], 0, 0
    for question in questions:
        if question.attribute_type in source.excluded_attribute_types:
            excluded += 1
        elif all(source.has(ecg_id) for ecg_id in question.ecg_ids):
            answerable.append(question)
        else:
            missing += 1
    return answerable, {"questions": len(questions), "answerable": len(answerable),
                        "missing_ecgs": missing, "excluded_attribute_types": excluded,
                        "excluded_types": sorted(source.excluded_attribute_types),
                        "records": source.description}


def run_ecgqa(questions: list[Question], source: RecordSource, predictor: Predictor, out_dir: str | Path,
              *, batch_size: int = 16, options_in_prompt: bool = True, limit: int | None = None,
              progress: bool = True) -> dict:
    """Answer every answerable question (the first ``limit`` of them) not yet answered in
    ``out_dir``, then score them all.

    Writes predictions.jsonl, results.json and results.md in ``out_dir`` and returns the results.
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    answerable, covered = coverage(questions, source)
    _check_same_run(out / RUN_FILE, {  # without the limit: a later run may go further
        "predictor": predictor.name, "options_in_prompt": options_in_prompt,
        "records": source.description, "questions_sha256": _fingerprint(answerable)})
    answerable = answerable[:limit] if limit is not None else answerable
    covered["evaluated"] = len(answerable)
    done = read_predictions(out / PREDICTIONS_FILE)
    pending = sorted((q for q in answerable if q.key not in done), key=lambda q: [str(e) for e in q.ecg_ids])
    started, asked = time.perf_counter(), 0
    with open(out / PREDICTIONS_FILE, "a", encoding="utf-8") as sink, \
            tqdm(total=len(answerable), initial=len(answerable) - len(pending), unit="q",
                 desc=f"ECG-QA {predictor.name}", disable=not progress, file=sys.stderr) as bar:
        for start in range(0, len(pending), batch_size):
            batch = pending[start: start + batch_size]
            ecgs = _read_batch_ecgs(batch, source)
            shown = batch if options_in_prompt else without_options(batch)
            answers = predictor.predict(shown, ecgs)
            if len(answers) != len(batch):
                raise ECGError(predictor.name, f"returned {len(answers)} answers for {len(batch)} questions")
            for question, answer in zip(batch, answers):
                row = prediction_row(question, answer)
                done[question.key] = row
                sink.write(json.dumps(row, ensure_ascii=False) + "\n")
            sink.flush()
            asked += len(batch)
            bar.update(len(batch))
    elapsed = time.perf_counter() - started
    results = {
        "predictor": predictor.name,
        "options_in_prompt": options_in_prompt,
        "coverage": covered,
        **score(done[q.key] for q in answerable),
        "throughput": {"questions": asked, "seconds": round(elapsed, 3),
                       "questions_per_s": round(asked / elapsed, 3) if asked and elapsed > 0 else None},
    }
    (out / RESULTS_FILE).write_text(json.dumps(results, indent=2), encoding="utf-8")
    (out / TABLE_FILE).write_text(results_markdown(results), encoding="utf-8")
    return results


def prediction_row(question: Question, answer: list[str]) -> dict:
    """One line of predictions.jsonl: the question's identity, the answer, and whether it matches."""
    return {"key": question.key, "ecg_ids": list(question.ecg_ids), "question": question.question,
            "question_type": question.question_type, "attribute_type": question.attribute_type,
            "template_id": question.template_id, "prediction": [str(a) for a in answer],
            "read_as": sorted(read_against_options(answer, question.options)),
            "answer": list(question.answer),
            "correct": exact_match(answer, question.answer, question.options)}


def read_predictions(path: Path) -> dict[str, dict]:
    """The rows already written, by key. Every row ends with a newline: text after the last one
    is a row cut short by an interruption, and is removed (its question is asked again)."""
    if not path.is_file():
        return {}
    text = path.read_text(encoding="utf-8")
    *lines, partial = text.split("\n")
    if partial:
        with open(path, "r+", encoding="utf-8") as handle:
            handle.truncate(len(text.encode("utf-8")) - len(partial.encode("utf-8")))
    rows: dict[str, dict] = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            raise ECGError(path, f"line {number} is not JSON: the predictions file is damaged") from None
        rows[row["key"]] = row
    return rows


def results_markdown(results: dict) -> str:
    covered = results["coverage"]
    speed = results["throughput"]["questions_per_s"]
    head = [f"# ECG-QA: {results['predictor']}", "",
            f"Coverage: {covered['answerable']} of {covered['questions']} questions answerable from "
            f"{covered['records']} ({covered['missing_ecgs']} lack an ECG, "
            f"{covered['excluded_attribute_types']} are about {', '.join(covered['excluded_types']) or '-'}, "
            f"which these signals cannot show); {covered['evaluated']} evaluated.",
            f"Answer options in the prompt: {'yes' if results['options_in_prompt'] else 'no'}. "
            f"Throughput: {speed if speed is not None else '-'} questions/s.", ""]
    return "\n".join(head) + markdown_tables(results)


def _read_batch_ecgs(batch: list[Question], source: RecordSource) -> dict[EcgId, ECGRecord]:
    ids = dict.fromkeys(ecg_id for q in batch for ecg_id in q.ecg_ids)
    return {ecg_id: source.read(ecg_id) for ecg_id in ids}


def _fingerprint(questions: list[Question]) -> str:
    digest = hashlib.sha256()
    for question in sorted(questions, key=lambda q: q.key):
        digest.update(f"{question.key}\t{question.question}\t{question.ecg_ids}\n".encode("utf-8"))
    return digest.hexdigest()


def _check_same_run(path: Path, config: dict) -> None:
    if path.is_file():
        before = json.loads(path.read_text(encoding="utf-8"))
        changed = [name for name in config if before.get(name) != config[name]]
        if changed:
            raise ECGError(path.parent, f"holds a run with another {', '.join(changed)}: "
                                        "use a new output folder (or delete this one) to start over")
    else:
        path.write_text(json.dumps(config, indent=2), encoding="utf-8")

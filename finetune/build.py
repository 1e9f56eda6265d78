"""Instruction datasets from the sources a user has: LUDB, ECG-QA with its records, unlabelled ECGs.

Each builder returns the examples and, per ECG id, the ECGContext the prompt shows (ECG tokens
and measurement summary). Reading and measuring an ECG takes seconds, so contexts are cached
in a JSON file when ``cache`` is given.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict
from pathlib import Path

from ecg.errors import ECGError
from ecg.fingerprint import measurement_fingerprint
from ecg.io import read_ecg
from finetune import questions_ludb, questions_measured
from finetune.ecg_context import measurements_dict
from finetune.forecast import forecast_example
from finetune.instructions import Example, LabelledECG, generate_questions
from finetune.prompt import measurement_summary
from finetune.questions_ecgqa import read_ecgqa_questions, read_patient_ids, read_template_options
from finetune.reports import report_example
from finetune.sft_data import ECGContext

FORECAST_CONTEXT, FORECAST_TARGET = 120, 24  # tokens shown / tokens to predict


class ContextCache:
    """ECG id -> (ECGContext, measurements dict), read from and written to one JSON file; a file
    written by other measurement code or another ECG tokenizer is not reused."""

    def __init__(self, path: Path | None, ecg_tokenizer):
        self.path, self.ecg_tokenizer = path, ecg_tokenizer
        tokenizer = json.dumps(getattr(ecg_tokenizer, "metadata", {}) or {}, sort_keys=True)
        self.version = f"{measurement_fingerprint()} {tokenizer}"
        stored = json.loads(path.read_text()) if path and path.is_file() else {}
        self.entries: dict[str, dict] = stored.get("entries", {}) if stored.get("version") == self.version else {}

    def get(self, ecg_id: str, record_path: Path) -> tuple[ECGContext, dict]:
        if ecg_id not in self.entries:
            record = read_ecg(record_path)
            measurements = measurements_dict(record)
            tokens = list(self.ecg_tokenizer.encode(record).tokens)
            self.entries[ecg_id] = {"tokens": tokens, "measurements": measurements}
        entry = self.entries[ecg_id]
        return ECGContext(tuple(entry["tokens"]), measurement_summary(entry["measurements"])), entry["measurements"]

    def save(self) -> None:
        if self.path:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.path.write_text(json.dumps({"version": self.version, "entries": self.entries}))


def ludb_dataset(ludb_dir: str | Path, cache: ContextCache, *, seed: int = 0, forecast: bool = False,
                 progress: Callable[[Iterable], Iterable] = iter) -> tuple[list[Example], dict[str, ECGContext]]:
    """Questions on LUDB's diagnoses and measured numeric features, report drafts, forecasting."""
    root = Path(ludb_dir)
    labelled = questions_ludb.read_ludb_labels(root / "ludb.csv")
    rng = random.Random(seed)
    contexts, ecgs, examples = {}, [], []
    for ecg in progress(labelled):
        context, measurements = cache.get(ecg.ecg_id, root / "data" / f"{ecg.ecg_id}.hea")
        contexts[ecg.ecg_id] = context
        measured = questions_measured.labels_from_measurements(ecg.ecg_id, ecg.patient_id, measurements)
        ecgs.append(LabelledECG(ecg.ecg_id, ecg.patient_id, {**measured.labels, **ecg.labels}))
        examples += questions_measured.numeric_range_questions(ecg.ecg_id, ecg.patient_id, measurements, rng)
        findings = sorted(set().union(*(ecg.labels[k] for k in ("scp_code", "axis") if k in ecg.labels)))
        examples.append(report_example(ecg.ecg_id, ecg.patient_id, findings, measurements))
        if forecast:
            examples += [e for e in [forecast_example(ecg.ecg_id, ecg.patient_id, context.tokens,
                                                      FORECAST_CONTEXT, FORECAST_TARGET)] if e]
    cache.save()
    vocabularies = {**questions_measured.VOCABULARIES, **questions_ludb.VOCABULARIES}
    return generate_questions(ecgs, vocabularies, seed=seed) + examples, contexts


def measured_dataset(paths: Sequence[str | Path], cache: ContextCache, *, seed: int = 0,
                     progress: Callable[[Iterable], Iterable] = iter) -> tuple[list[Example], dict[str, ECGContext]]:
    """Unlabelled ECGs: questions on what the measurement engine finds; each file is a patient."""
    rng = random.Random(seed)
    contexts, ecgs, examples = {}, [], []
    for path in progress([Path(p) for p in paths]):
        ecg_id = str(path.with_suffix(""))
        context, measurements = cache.get(ecg_id, path)
        contexts[ecg_id] = context
        ecgs.append(questions_measured.labels_from_measurements(ecg_id, ecg_id, measurements))
        examples += questions_measured.numeric_range_questions(ecg_id, ecg_id, measurements, rng)
    cache.save()
    return generate_questions(ecgs, questions_measured.VOCABULARIES, seed=seed) + examples, contexts


def ecgqa_record_path(root: Path, ecg_id: str, layout: str) -> Path:
    """Where an ECG-QA ecg_id lies: PTB-XL's records500 tree, or ``{root}/{ecg_id}`` (flat)."""
    if layout == "ptbxl":
        number = int(ecg_id)
        return root / "records500" / f"{number // 1000 * 1000:05d}" / f"{number:05d}_hr.hea"
    if layout == "flat":
        return root / f"{ecg_id}.hea"
    raise ECGError(root, f"unknown record layout {layout!r} (ptbxl or flat)")


def ecgqa_dataset(question_files: Sequence[str | Path], template_csv: str | Path, records_root: str | Path,
                  layout: str, cache: ContextCache, patients_csv: str | Path | None = None,
                  progress: Callable[[Iterable], Iterable] = iter) -> tuple[list[Example], dict[str, ECGContext]]:
    """ECG-QA questions whose records are on disk (the others are skipped)."""
    options = read_template_options(template_csv)
    patients = read_patient_ids(patients_csv) if patients_csv else None
    examples = [e for f in question_files for e in read_ecgqa_questions(f, options, patients)]
    root, contexts = Path(records_root), {}
    for ecg_id in progress(sorted({i for e in examples for i in e.ecg_ids})):
        path = ecgqa_record_path(root, ecg_id, layout)
        if path.is_file():
            contexts[ecg_id] = cache.get(ecg_id, path)[0]
    cache.save()
    return [e for e in examples if all(i in contexts for i in e.ecg_ids)], contexts


def write_examples(examples: Iterable[Example], path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w") as handle:
        for example in examples:
            handle.write(json.dumps(example.to_dict()) + "\n")


def read_examples(path: Path) -> list[Example]:
    return [Example.from_dict(json.loads(line)) for line in path.read_text().splitlines() if line.strip()]


def write_contexts(contexts: dict[str, ECGContext], path: Path) -> None:
    path.write_text(json.dumps({k: asdict(v) for k, v in contexts.items()}))


def read_contexts(path: Path) -> dict[str, ECGContext]:
    return {k: ECGContext(tuple(v["tokens"]), v["summary"]) for k, v in json.loads(path.read_text()).items()}

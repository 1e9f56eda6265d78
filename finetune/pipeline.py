"""`ecg-agent train lm` end to end: sources -> instruction data split by patient -> LoRA training."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from pathlib import Path

from finetune import build
from finetune.ecg_context import ecg_token_strings
from finetune.instructions import Example, split_examples
from finetune.sft_data import ECGContext, encode_examples
from finetune.train import TrainConfig, TrainResult, device_default, load_adapter_weights, prepare_model, train

DATA_FILES = ("train.jsonl", "test.jsonl", "contexts.json")  # what out/data holds besides the ECG cache


@dataclass(frozen=True)
class DataSources:
    """Where labelled and unlabelled ECGs are; any subset may be given."""

    ludb: Path | None = None
    ecgqa_questions: tuple[Path, ...] = ()
    ecgqa_templates: Path | None = None
    records_root: Path | None = None
    layout: str = "ptbxl"
    ptbxl_database: Path | None = None
    unlabelled: tuple[Path, ...] = field(default_factory=tuple)
    forecast: bool = False
    held_out_share: float = 0.2


def build_data(sources: DataSources, ecg_tokenizer, out_dir: Path, seed: int = 0,
               progress=iter) -> tuple[dict[str, list[Example]], dict[str, ECGContext]]:
    """Examples of every source, split by patient, written to out/data/{train,test}.jsonl."""
    cache = build.ContextCache(out_dir / "data" / "ecg_cache.json", ecg_tokenizer)
    examples: list[Example] = []
    contexts: dict[str, ECGContext] = {}
    parts = []
    if sources.ludb:
        parts.append(build.ludb_dataset(sources.ludb, cache, seed=seed, forecast=sources.forecast, progress=progress))
    if sources.ecgqa_questions:
        if not (sources.ecgqa_templates and sources.records_root):
            raise ValueError("ECG-QA questions need the template options CSV and the records root")
        parts.append(build.ecgqa_dataset(sources.ecgqa_questions, sources.ecgqa_templates, sources.records_root,
                                         sources.layout, cache, sources.ptbxl_database, progress=progress))
    if sources.unlabelled:
        parts.append(build.measured_dataset(sources.unlabelled, cache, seed=seed, progress=progress))
    for part_examples, part_contexts in parts:
        examples += part_examples
        contexts.update(part_contexts)
    splits = split_examples(examples, sources.held_out_share)
    for name, items in splits.items():
        build.write_examples(items, out_dir / "data" / f"{name}.jsonl")
    build.write_contexts(contexts, out_dir / "data" / "contexts.json")
    return splits, contexts


def read_data(data_dir: Path, out_dir: Path) -> tuple[dict[str, list[Example]], dict[str, ECGContext]]:
    """Prebuilt instruction data (an earlier run's out/data), copied to out/data; no ECG is read."""
    target = out_dir / "data"
    target.mkdir(parents=True, exist_ok=True)
    for name in DATA_FILES:
        if not (data_dir / name).is_file():
            raise FileNotFoundError(f"{data_dir / name} is missing: prebuilt data needs {', '.join(DATA_FILES)}")
        if (data_dir / name).resolve() != (target / name).resolve():
            shutil.copyfile(data_dir / name, target / name)
    splits = {name: build.read_examples(target / f"{name}.jsonl") for name in ("train", "test")}
    return splits, build.read_contexts(target / "contexts.json")


def train_lm(train_examples: list[Example], contexts: dict[str, ECGContext], ecg_tokenizer, out_dir: Path,
             config: TrainConfig, base: str | None = None, device: str | None = None) -> TrainResult:
    """Extend the base's vocabulary with the ECG tokens, train LoRA, save out/adapter."""
    device = device or device_default()
    tokens = ecg_token_strings(ecg_tokenizer)
    model, tokenizer = prepare_model(base, tokens, config, device)
    if config.init_adapter:  # a checkpoint in out_dir, when there is one, still takes over in train()
        load_adapter_weights(model, Path(config.init_adapter), tokens)
    encoded = encode_examples(tokenizer, train_examples, contexts, config.max_length)
    metadata = {"base": base or "smollm2-135m-instruct", "ecg_tokens": tokens,
                "ecg_tokenizer": dict(getattr(ecg_tokenizer, "metadata", {}) or {}),
                "train_examples": len(train_examples)}
    return train(model, tokenizer, encoded, out_dir, config, metadata)

"""The training loop: LoRA (QLoRA on CUDA) over encoded instruction examples.

nanoGPT-sized on purpose: sample a batch, forward, backward, step, log. Checkpoints under
``out/checkpoints/step-N`` hold the adapter, the optimizer and the step; ``train`` resumes from
the newest one; each is also a complete adapter folder. Every logged step appends one JSON line to ``out/loss.jsonl``; a tqdm bar shows
progress. Batches are drawn with a seed per step, so a resumed run sees the batches the
uninterrupted one would have seen.
"""

from __future__ import annotations

import contextlib
import json
import math
import random
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

from finetune.lora import LoraSettings, wrap_with_lora
from finetune.sft_data import IGNORE_INDEX

METADATA_FILE = "ecg_lm.json"
WEIGHTS_FILE = "adapter_model.safetensors"  # what peft saves an adapter's weights as


@dataclass(frozen=True)
class TrainConfig:
    steps: int = 200
    batch_size: int = 4
    learning_rate: float = 2e-4
    warmup_steps: int = 10
    max_length: int = 1024
    seed: int = 0
    log_every: int = 1
    save_every: int = 50
    gradient_checkpointing: bool = False
    quantize_4bit: bool | None = None   # None: on when CUDA is present (QLoRA)
    max_minutes: float | None = None    # wall-clock guard: stop (and save) after the step that passes it
    init_adapter: str | None = None     # start from this adapter's weights (tune it further), not from zero
    lora: LoraSettings = field(default_factory=LoraSettings)


@dataclass(frozen=True)
class TrainResult:
    adapter_dir: Path
    steps: int
    final_loss: float
    tokens_per_s: float


def device_default() -> str:
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def prepare_model(base: str | None, ecg_tokens: Sequence[str], config: TrainConfig, device: str):
    """Base model + tokenizer with the ECG tokens added, wrapped for LoRA training."""
    from finetune import base_model

    quantize = config.quantize_4bit if config.quantize_4bit is not None else device == "cuda"
    tokenizer = base_model.load_tokenizer(base)
    model = base_model.load_model(base, device=device, quantize_4bit=quantize)
    return for_training(model, tokenizer, ecg_tokens, config, quantized=quantize)


def for_training(model, tokenizer, ecg_tokens: Sequence[str], config: TrainConfig, quantized: bool = False):
    """A loaded base given the ECG tokens (mean rows) and a pad token, wrapped for LoRA training."""
    from tokenizer.hf import extend_model_with_ecg_tokens  # torch: loaded only when training

    extend_model_with_ecg_tokens(model, tokenizer, list(ecg_tokens))
    new_ids = tokenizer.convert_tokens_to_ids(list(ecg_tokens))
    if tokenizer.pad_token_id is None:
        tokenizer.pad_token = tokenizer.eos_token
    model = wrap_with_lora(model, new_ids, config.lora, quantized=quantized,
                           gradient_checkpointing=config.gradient_checkpointing)
    return model, tokenizer


def collate(examples: Sequence[dict], pad_id: int):
    """Right-padded tensors: input_ids, attention_mask, labels (padding never scored)."""
    import torch

    width = max(len(e["input_ids"]) for e in examples)
    ids = torch.full((len(examples), width), pad_id, dtype=torch.long)
    labels = torch.full((len(examples), width), IGNORE_INDEX, dtype=torch.long)
    mask = torch.zeros((len(examples), width), dtype=torch.long)
    for row, e in enumerate(examples):
        n = len(e["input_ids"])
        ids[row, :n] = torch.tensor(e["input_ids"])
        labels[row, :n] = torch.tensor(e["labels"])
        mask[row, :n] = 1
    return {"input_ids": ids, "attention_mask": mask, "labels": labels}


def train(model, tokenizer, encoded: Sequence[dict], out_dir: str | Path, config: TrainConfig,
          metadata: dict | None = None) -> TrainResult:
    """Train, checkpoint, log; save the final adapter and extended tokenizer to ``out/adapter``.

    With ``config.max_minutes`` the run stops after the step that passes the time, saved like a last step.
    """
    import torch
    from tqdm.auto import tqdm

    if not encoded:
        raise ValueError("no training examples")
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    device = next(model.parameters()).device
    params = [p for p in model.parameters() if p.requires_grad]
    optimizer = torch.optim.AdamW(params, lr=config.learning_rate, weight_decay=0.0)
    start = _resume(model, optimizer, out)
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min(1.0, (step + 1) / max(1, config.warmup_steps)), last_epoch=start - 1)
    autocast = torch.autocast("cuda", dtype=torch.bfloat16) if device.type == "cuda" else contextlib.nullcontext()
    model.train()
    loss_value, tokens, began = math.nan, 0, time.perf_counter()
    deadline = began + 60 * config.max_minutes if config.max_minutes is not None else math.inf
    done = start
    with (out / "loss.jsonl").open("a") as log, tqdm(total=config.steps, initial=start, desc="train lm") as bar:
        for step in range(start, config.steps):
            batch = random.Random(config.seed * 1_000_003 + step).sample(
                list(encoded), min(config.batch_size, len(encoded)))
            tensors = {k: v.to(device) for k, v in collate(batch, tokenizer.pad_token_id).items()}
            with autocast:
                loss = model(**tensors).loss
            loss.backward()
            torch.nn.utils.clip_grad_norm_(params, 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad(set_to_none=True)
            loss_value = float(loss.detach())
            tokens += int(tensors["attention_mask"].sum())
            rate = tokens / (time.perf_counter() - began)
            bar.update(1)
            bar.set_postfix(loss=f"{loss_value:.3f}", tok_s=f"{rate:.0f}")
            done = step + 1
            last = done == config.steps or time.perf_counter() > deadline
            if done % config.log_every == 0 or last:
                log.write(json.dumps({"step": done, "loss": loss_value, "lr": scheduler.get_last_lr()[0],
                                      "tokens_per_s": rate}) + "\n")
                log.flush()
            if done % config.save_every == 0 or last:
                _save_checkpoint(model, tokenizer, optimizer, out, done, metadata or {})
            if last:
                break
    adapter_dir = out / "adapter"
    save_adapter(model, tokenizer, adapter_dir, {**(metadata or {}), "steps": done,
                                                 "train_config": _jsonable(asdict(config))})
    return TrainResult(adapter_dir, done, loss_value,
                       tokens / max(time.perf_counter() - began, 1e-9) if tokens else 0.0)


def save_adapter(model, tokenizer, folder: Path, metadata: dict) -> None:
    """Adapter weights, the extended tokenizer (with its chat template) and ecg_lm.json.

    The base is named as the user named it (ecg_lm.json "base"), never by this machine's cache path.
    """
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder, save_embedding_layers=False)
    tokenizer.save_pretrained(folder)
    _name_base(folder / "adapter_config.json", metadata.get("base"))
    (folder / METADATA_FILE).write_text(json.dumps(metadata, indent=2) + "\n")


def _name_base(adapter_config: Path, base: str | None) -> None:
    config = json.loads(adapter_config.read_text())
    config["base_model_name_or_path"] = base
    adapter_config.write_text(json.dumps(config, indent=2, sort_keys=True) + "\n")


def _save_checkpoint(model, tokenizer, optimizer, out: Path, step: int, metadata: dict) -> None:
    """An adapter folder (loadable like the final one) plus the optimizer and the step."""
    import torch

    folder = out / "checkpoints" / f"step-{step}"
    save_adapter(model, tokenizer, folder, {**metadata, "steps": step})
    torch.save(optimizer.state_dict(), folder / "optimizer.pt")
    (folder / "state.json").write_text(json.dumps({"step": step}) + "\n")


def latest_checkpoint(out: Path) -> Path | None:
    found = [p for p in (out / "checkpoints").glob("step-*") if (p / "state.json").is_file()]
    return max(found, key=lambda p: json.loads((p / "state.json").read_text())["step"], default=None)


def _resume(model, optimizer, out: Path) -> int:
    """Load the newest checkpoint into model and optimizer; the step to continue from (0: none)."""
    import torch
    from peft import set_peft_model_state_dict
    from safetensors.torch import load_file

    folder = latest_checkpoint(out)
    if folder is None:
        return 0
    set_peft_model_state_dict(model, load_file(str(folder / WEIGHTS_FILE)))
    optimizer.load_state_dict(torch.load(folder / "optimizer.pt", weights_only=True))
    return int(json.loads((folder / "state.json").read_text())["step"])


def load_adapter_weights(model, folder: Path, ecg_tokens: Sequence[str]) -> None:
    """Put a saved adapter's weights into a model wrapped for training (same base, ECG tokens, LoRA rank)."""
    from peft import set_peft_model_state_dict
    from safetensors.torch import load_file

    folder = Path(folder)
    try:
        saved_tokens = json.loads((folder / METADATA_FILE).read_text())["ecg_tokens"]
        weights = load_file(str(folder / WEIGHTS_FILE))
    except (OSError, KeyError, ValueError) as exc:
        raise ValueError(f"{folder}: not an ECG LM adapter folder ({exc})") from None
    if list(saved_tokens) != list(ecg_tokens):
        raise ValueError(f"{folder}: its ECG tokens differ from this run's ECG tokenizer")
    try:
        result = set_peft_model_state_dict(model, weights)
    except RuntimeError as exc:
        raise ValueError(f"{folder}: its LoRA weights do not fit this run's model (rank or base differ): "
                         f"{str(exc).splitlines()[0]}") from None
    if result.unexpected_keys:
        raise ValueError(f"{folder}: weights this run's model does not have, e.g. {result.unexpected_keys[0]}")


def _jsonable(value):
    return json.loads(json.dumps(value, default=str))

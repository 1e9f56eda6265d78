"""Load a tuned adapter on its base, and export a merged full-model folder.

The exported folder is a plain Hugging Face model: safetensors weights with the ECG-token rows
merged in, config.json, generation_config.json and the extended tokenizer with its chat
template, so ``AutoModelForCausalLM.from_pretrained(DIR)`` and ``vllm serve DIR`` load it
without peft (vLLM's LoRA support cannot add vocabulary).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from finetune.train import METADATA_FILE, WEIGHTS_FILE
from tokenizer.hf import extend_model_with_ecg_tokens

ADAPTER_FILES = ("adapter_config.json", "chat_template.jinja", "tokenizer.json", "tokenizer_config.json")


class AdapterError(RuntimeError):
    """The adapter folder is missing or incomplete."""


def read_metadata(adapter_dir: str | Path) -> dict:
    path = Path(adapter_dir) / METADATA_FILE
    if not path.is_file() or not (Path(adapter_dir) / "adapter_config.json").is_file():
        raise AdapterError(f"{adapter_dir} is not an ECG LM adapter (adapter_config.json and "
                           f"{METADATA_FILE} expected)")
    return json.loads(path.read_text())


def load_tuned(adapter_dir: str | Path, base: str | None = None, device: str = "cpu"):
    """(peft model, tokenizer): the base named in the adapter (or ``base``) with the ECG tokens."""
    from peft import PeftModel
    from transformers import AutoTokenizer

    from finetune import base_model

    metadata = read_metadata(adapter_dir)
    tokenizer = AutoTokenizer.from_pretrained(str(adapter_dir))
    model = base_model.load_model(base or metadata.get("base"), device=device)
    extend_model_with_ecg_tokens(model, tokenizer, metadata["ecg_tokens"])
    if model.get_input_embeddings().weight.shape[0] != len(tokenizer):
        raise AdapterError(f"{adapter_dir}: its tokenizer does not extend the base model's vocabulary")
    return PeftModel.from_pretrained(model, str(adapter_dir)).eval(), tokenizer


def save_float16(adapter_dir: str | Path, out_dir: str | Path) -> Path:
    """The adapter as the embedded default stores it: weights in float16, tokenizer, ecg_lm.json.

    Checkpoint extras (optimizer.pt, state.json) are left out; ecg_lm.json gains "weights_dtype".
    """
    from safetensors.torch import load_file, save_file

    source, out = Path(adapter_dir), Path(out_dir)
    metadata = read_metadata(source)
    out.mkdir(parents=True, exist_ok=True)
    for name in ADAPTER_FILES:
        if (source / name).is_file():
            shutil.copyfile(source / name, out / name)
    weights = load_file(str(source / WEIGHTS_FILE))
    save_file({k: v.half() if v.is_floating_point() else v for k, v in weights.items()}, str(out / WEIGHTS_FILE))
    (out / METADATA_FILE).write_text(json.dumps({**metadata, "weights_dtype": "float16"}, indent=2) + "\n")
    return out


def export_merged(adapter_dir: str | Path, out_dir: str | Path, base: str | None = None) -> Path:
    """Merge the adapter and ECG-token rows into the base; save model + tokenizer to ``out_dir``."""
    model, tokenizer = load_tuned(adapter_dir, base)
    merged = model.merge_and_unload()
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    merged.save_pretrained(out, safe_serialization=True)
    tokenizer.save_pretrained(out)
    (out / METADATA_FILE).write_text(json.dumps({**read_metadata(adapter_dir), "merged": True}, indent=2) + "\n")
    return out

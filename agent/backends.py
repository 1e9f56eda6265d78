"""LLM backends: ``generate(messages, options=None) -> str`` behind one interface.

The in-process transformers backend decodes greedily. With options it does not generate: it
scores each option's reply (``format_answer([option])``) by its mean per-token log-likelihood
given the prompt and answers the best one; for questions that allow several options
(``multi=True``) every option within MULTI_ANSWER_MARGIN_NATS of the best is answered too.
Without a model folder it runs the embedded default: the SmolLM2 base with the LoRA adapter and
ECG-token rows of models/default/lm_adapter merged in (the bare base if that folder is absent).
A vLLM/OpenAI-compatible backend (structured outputs) implements the same Protocol later.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from finetune.prompt import format_answer

# Options whose mean token log-likelihood lies within this many nats of the best option's are
# answered together on multi-answer questions. Chosen, not tuned.
MULTI_ANSWER_MARGIN_NATS = 0.5
MAX_NEW_TOKENS = 128
DEFAULT_ADAPTER = Path(__file__).resolve().parents[1] / "models" / "default" / "lm_adapter"


class Backend(Protocol):
    def generate(self, messages: list[dict[str, str]], options: Sequence[str] | None = None,
                 multi: bool = False) -> str:
        """The assistant's reply; with ``options``, one of them (or several joined by '; ')."""


def choose_options(scores: dict[str, float], multi: bool) -> list[str]:
    """The best-scoring option, plus (multi) those within MULTI_ANSWER_MARGIN_NATS of it."""
    best = max(scores.values())
    if not multi:
        return [max(scores, key=scores.get)]
    return [option for option, score in scores.items() if score >= best - MULTI_ANSWER_MARGIN_NATS]


def load_language_model(model_path: str | None = None):
    """(model, tokenizer): a folder or hub id as it is; None: the embedded default (tuned if present)."""
    if model_path is None and (DEFAULT_ADAPTER / "adapter_config.json").is_file():
        from finetune.export import load_tuned

        tuned, tokenizer = load_tuned(DEFAULT_ADAPTER)
        return tuned.merge_and_unload().eval(), tokenizer
    from finetune.base_model import load_model, load_tokenizer

    return load_model(model_path).eval(), load_tokenizer(model_path)


class TransformersBackend:
    """A causal LM in this process (the embedded default or a model folder), on CPU."""

    def __init__(self, model_path: str | None = None, max_new_tokens: int = MAX_NEW_TOKENS):
        self.model, self.tokenizer = load_language_model(model_path)
        self.max_new_tokens = max_new_tokens

    def _prompt_ids(self, messages: list[dict[str, str]]) -> list[int]:
        text = self.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
        return self.tokenizer(text, add_special_tokens=False)["input_ids"]

    def option_scores(self, messages: list[dict[str, str]], options: Sequence[str]) -> dict[str, float]:
        """Each option -> mean log-likelihood per token of its reply given the prompt.

        The prompt runs once; each reply continues from a copy of its key/value cache.
        """
        import copy

        import torch
        from transformers import DynamicCache

        with torch.no_grad():
            prompt = self.model(torch.tensor([self._prompt_ids(messages)]), past_key_values=DynamicCache(),
                                use_cache=True)
        first = torch.log_softmax(prompt.logits[0, -1].float(), dim=-1)
        scores = {}
        for option in options:
            reply = self.tokenizer(format_answer([option]), add_special_tokens=False)["input_ids"]
            picked = [first[reply[0]]]
            if len(reply) > 1:
                with torch.no_grad():
                    logits = self.model(torch.tensor([reply[:-1]]), use_cache=True,
                                        past_key_values=copy.deepcopy(prompt.past_key_values)).logits[0]
                logprobs = torch.log_softmax(logits.float(), dim=-1)
                picked += list(logprobs[torch.arange(len(reply) - 1), torch.tensor(reply[1:])])
            scores[option] = float(torch.stack(picked).mean())
        return scores

    def generate(self, messages: list[dict[str, str]], options: Sequence[str] | None = None,
                 multi: bool = False) -> str:
        if options:
            return format_answer(choose_options(self.option_scores(messages, options), multi))
        import torch

        ids = torch.tensor([list(self._prompt_ids(messages))])
        with torch.no_grad():
            out = self.model.generate(ids, max_new_tokens=self.max_new_tokens, do_sample=False,
                                      pad_token_id=self.tokenizer.eos_token_id)
        return self.tokenizer.decode(out[0, ids.shape[1]:], skip_special_tokens=True).strip()

"""Instruction examples -> chat messages -> token ids with the loss on the answer only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from finetune.instructions import Example
from finetune.prompt import build_messages, format_answer

IGNORE_INDEX = -100  # label of prompt tokens: no loss


@dataclass(frozen=True)
class ECGContext:
    """What the prompt shows of one ECG: its token strings and its measurement summary."""

    tokens: tuple[str, ...]
    summary: str = ""


def example_messages(example: Example, contexts: Mapping[str, ECGContext],
                     with_measurements: bool = True) -> list[dict[str, str]]:
    """The prompt messages of an example (the agent builds the same ones at inference)."""
    shown = [contexts[i] for i in example.ecg_ids]
    keep = int(example.meta.get("context_tokens", 0)) or None  # forecasting: the first part only
    return build_messages(example.question, ecg_tokens=[c.tokens[:keep] for c in shown],
                          measurements=[c.summary for c in shown] if with_measurements else [],
                          options=example.options)


def answer_text(example: Example) -> str:
    """The assistant's target reply: the answer set, or the free text of a report/forecast."""
    return example.answer[0] if not example.options and len(example.answer) == 1 else format_answer(example.answer)


def encode_chat(tokenizer, messages: Sequence[dict], answer: str, max_length: int) -> dict[str, list[int]]:
    """input_ids and labels for prompt + answer; the prompt's labels are IGNORE_INDEX.

    A prompt longer than ``max_length`` loses its start (the ECG tokens), never the answer.
    """
    prompt_ids = _ids(tokenizer.apply_chat_template(list(messages), add_generation_prompt=True, tokenize=True))
    full_ids = _ids(tokenizer.apply_chat_template([*messages, {"role": "assistant", "content": answer}],
                                                  tokenize=True))
    if full_ids[: len(prompt_ids)] != prompt_ids:
        raise ValueError("the chat template renders the prompt differently with an answer appended")
    answer_ids = full_ids[len(prompt_ids):]
    prompt_ids = prompt_ids[max(0, len(prompt_ids) + len(answer_ids) - max_length):]
    return {"input_ids": prompt_ids + answer_ids,
            "labels": [IGNORE_INDEX] * len(prompt_ids) + answer_ids}


def encode_examples(tokenizer, examples: Sequence[Example], contexts: Mapping[str, ECGContext],
                    max_length: int = 1024) -> list[dict[str, list[int]]]:
    return [encode_chat(tokenizer, example_messages(e, contexts), answer_text(e), max_length) for e in examples]


def _ids(rendered) -> list[int]:
    """apply_chat_template returns a list or a BatchEncoding depending on the version."""
    return list(rendered["input_ids"] if hasattr(rendered, "keys") else rendered)

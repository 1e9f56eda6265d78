"""Greedy answers and ECG-QA exact match per question type (tuned or untuned model alike)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from finetune.instructions import NONE, Example
from finetune.prompt import parse_answer
from finetune.sft_data import ECGContext, example_messages


def exact_match(predicted: Sequence[str], truth: Sequence[str]) -> bool:
    """ECG-QA's rule: the predicted set equals the true set, an empty truth counting as {'none'}.

    An empty prediction (a reply naming no option) matches nothing: a model must say "none".
    """
    return set(predicted) == (set(truth) or {NONE})


def greedy_reply(model, tokenizer, messages: Sequence[dict], max_new_tokens: int = 48) -> str:
    import torch

    prompt = tokenizer.apply_chat_template(list(messages), add_generation_prompt=True, return_tensors="pt",
                                           return_dict=True).to(next(model.parameters()).device)
    with torch.no_grad():
        output = model.generate(**prompt, max_new_tokens=max_new_tokens, do_sample=False,
                                pad_token_id=tokenizer.pad_token_id if tokenizer.pad_token_id is not None
                                else tokenizer.eos_token_id)
    return tokenizer.decode(output[0, prompt["input_ids"].shape[1]:], skip_special_tokens=True)


def score(model, tokenizer, examples: Sequence[Example], contexts: Mapping[str, ECGContext],
          max_new_tokens: int = 48) -> dict[str, dict[str, float]]:
    """{question_type: {"n": N, "exact_match": share}} over examples that have answer options."""
    hits: dict[str, list[bool]] = defaultdict(list)
    for example in examples:
        if not example.options:
            continue
        reply = greedy_reply(model, tokenizer, example_messages(example, contexts), max_new_tokens)
        hits[example.question_type].append(exact_match(parse_answer(reply, example.options), example.answer))
    return {kind: {"n": len(v), "exact_match": sum(v) / len(v)} for kind, v in sorted(hits.items())}

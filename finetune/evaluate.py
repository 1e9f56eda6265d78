"""Greedy answers and ECG-QA exact match per question type (tuned or untuned model alike).

Questions about the same ECG share the start of their prompt (system, ECG tokens, measurements):
``score`` computes the key/value cache of that shared start once per ECG and decodes each
question from a copy of it: the same greedy replies (up to float rounding), without recomputing
the ECG tokens for every question.
"""

from __future__ import annotations

import copy
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


def greedy_reply(model, tokenizer, messages: Sequence[dict], max_new_tokens: int = 48, prefix_cache=None) -> str:
    """The greedy reply; ``prefix_cache`` (a key/value cache of the prompt's first tokens) is copied, not changed."""
    import torch

    prompt = tokenizer.apply_chat_template(list(messages), add_generation_prompt=True, return_tensors="pt",
                                           return_dict=True).to(next(model.parameters()).device)
    cache = {} if prefix_cache is None else {"past_key_values": copy.deepcopy(prefix_cache)}
    with torch.no_grad():
        output = model.generate(**prompt, **cache, max_new_tokens=max_new_tokens, do_sample=False,
                                pad_token_id=tokenizer.pad_token_id if tokenizer.pad_token_id is not None
                                else tokenizer.eos_token_id)
    return tokenizer.decode(output[0, prompt["input_ids"].shape[1]:], skip_special_tokens=True)


def shared_prefix_cache(model, tokenizer, prompts: Sequence[Sequence[dict]]):
    """The key/value cache of the tokens all ``prompts`` start with (one token left to each), or None."""
    import torch
    from transformers import DynamicCache

    if len(prompts) < 2:
        return None
    ids = [tokenizer.apply_chat_template(list(m), add_generation_prompt=True, return_dict=True)["input_ids"]
           for m in prompts]
    shared = min(len(i) for i in ids) - 1
    for other in ids[1:]:
        shared = next((n for n, (a, b) in enumerate(zip(ids[0][:shared], other)) if a != b), shared)
    if shared < 1:
        return None
    with torch.no_grad():
        return model(torch.tensor([ids[0][:shared]], device=next(model.parameters()).device),
                     past_key_values=DynamicCache(), use_cache=True).past_key_values


def score(model, tokenizer, examples: Sequence[Example], contexts: Mapping[str, ECGContext],
          max_new_tokens: int = 48) -> dict[str, dict[str, float]]:
    """{question_type: {"n": N, "exact_match": share}} over examples that have answer options."""
    by_ecg: dict[tuple[str, ...], list[Example]] = defaultdict(list)
    for example in examples:
        if example.options:
            by_ecg[example.ecg_ids[:1]].append(example)
    hits: dict[str, list[bool]] = defaultdict(list)
    for group in by_ecg.values():
        prompts = [example_messages(e, contexts) for e in group]
        cache = shared_prefix_cache(model, tokenizer, prompts)
        for example, messages in zip(group, prompts):
            reply = greedy_reply(model, tokenizer, messages, max_new_tokens, cache)
            hits[example.question_type].append(exact_match(parse_answer(reply, example.options), example.answer))
    return {kind: {"n": len(v), "exact_match": sum(v) / len(v)} for kind, v in sorted(hits.items())}

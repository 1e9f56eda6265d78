"""Greedy replies decoded from a shared-prefix cache equal those decoded from the whole prompt."""

import pytest

from finetune.evaluate import greedy_reply, shared_prefix_cache
from finetune.prompt import build_messages
from tests.finetune.tiny_lm import tiny_model_folder


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    folder = tiny_model_folder(tmp_path_factory.mktemp("tiny"))
    return AutoModelForCausalLM.from_pretrained(folder).eval(), AutoTokenizer.from_pretrained(folder)


def test_cached_prefix_gives_the_same_greedy_replies(tiny):
    model, tokenizer = tiny
    summary = ["heart rate 61 bpm; QRS 92 ms; criteria: sinus rhythm"]
    prompts = [build_messages(question, measurements=summary, options=options)
               for question, options in [("Does this ECG show sinus rhythm?", ["no", "yes"]),
                                         ("What heart axis does this ECG show?", ["normal heart axis", "none"]),
                                         ("Which one does this ECG show?", ["first degree av block", "none"])]]
    cache = shared_prefix_cache(model, tokenizer, prompts)
    prompt_ids = tokenizer.apply_chat_template(prompts[0], add_generation_prompt=True, return_dict=True)["input_ids"]
    assert cache is not None and 0 < cache.get_seq_length() < len(prompt_ids)
    for messages in prompts:
        assert greedy_reply(model, tokenizer, messages, 8, cache) == greedy_reply(model, tokenizer, messages, 8)
    assert shared_prefix_cache(model, tokenizer, prompts[:1]) is None

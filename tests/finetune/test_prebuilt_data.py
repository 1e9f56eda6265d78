"""Training from prebuilt instruction data, as on the lent GPU (docs/GPU_TRAINING.md): no ECG is
read and none of the ECG-reading or UI packages is imported; the wall-clock guard stops and saves;
the adapter is packed as float16 the way models/default/lm_adapter stores it."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
import torch

from cli.train_lm import main
from finetune.build import write_contexts, write_examples
from finetune.instructions import Example
from finetune.sft_data import ECGContext
from tests.finetune.tiny_lm import tiny_model_folder

ROOT = Path(__file__).resolve().parents[2]
# Not on the GPU machine (or not wanted there); gguf only converts the GGUF default base.
ABSENT = ("wfdb", "neurokit2", "edfio", "pydicom", "ecgdatakit", "pywt", "matplotlib", "faiss", "streamlit",
          "langchain", "sentence_transformers", "bitsandbytes", "gguf")


def _question(ecg: str, answer: str) -> Example:
    return Example("single-verify", "scp_code", "Does this ECG show sinus rhythm?", (answer,), ("no", "yes"),
                   (ecg,), (f"p{ecg}",))


@pytest.fixture(scope="module")
def prebuilt(tmp_path_factory) -> Path:
    from tokenizer.ecg_tokenizer import DEFAULT_FOLDER, ECGTokenizer

    folder = tmp_path_factory.mktemp("prebuilt")
    tokens = tuple(ECGTokenizer.load(DEFAULT_FOLDER).vocab.tokens[:12])
    write_examples([_question("1", "yes"), _question("2", "no"), _question("3", "yes")], folder / "train.jsonl")
    write_examples([_question("4", "no")], folder / "test.jsonl")
    write_contexts({e: ECGContext(tokens, "heart rate 70 bpm") for e in "1234"}, folder / "contexts.json")
    return folder


@pytest.fixture(scope="module")
def gpu_like_run(prebuilt, tmp_path_factory):
    """`python -m cli.train_lm --data ...` in a process where the packages in ABSENT cannot be imported."""
    work = tmp_path_factory.mktemp("run")
    block = f"import sys\nfor name in {ABSENT!r}:\n    sys.modules[name] = None\n"
    code = block + "import runpy\nrunpy.run_module('cli.train_lm', run_name='__main__')"
    args = ["--data", str(prebuilt), "--out", str(work / "out"), "--base", str(tiny_model_folder(work / "base")),
            "--steps", "5", "--batch-size", "1", "--max-length", "256", "--device", "cpu", "--no-4bit",
            "--max-minutes", "0"]
    done = subprocess.run([sys.executable, "-c", code, *args], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return work / "out", json.loads(done.stdout.strip().splitlines()[-1])


def test_training_from_prebuilt_data_stops_at_the_wall_clock_guard(prebuilt, gpu_like_run):
    out, summary = gpu_like_run
    assert summary["steps"] == 1 and summary["train_examples"] == 3 and summary["test_examples"] == 1
    for name in ("train.jsonl", "test.jsonl", "contexts.json"):  # the run folder is complete for benchmarks/lm.py
        assert (out / "data" / name).read_bytes() == (prebuilt / name).read_bytes()
    assert [json.loads(line)["step"] for line in (out / "loss.jsonl").read_text().splitlines()] == [1]
    assert (out / "checkpoints" / "step-1" / "state.json").is_file()
    metadata = json.loads((out / "adapter" / "ecg_lm.json").read_text())
    assert metadata["steps"] == 1 and metadata["train_config"]["steps"] == 5


def test_float16_adapter_loads_and_answers_like_the_float32_one(gpu_like_run, tmp_path):
    from safetensors.torch import load_file

    from finetune.export import load_tuned, save_float16

    out, _ = gpu_like_run
    half = save_float16(out / "checkpoints" / "step-1", tmp_path / "lm_adapter")
    assert sorted(p.name for p in half.iterdir()) == sorted(
        ["adapter_config.json", "adapter_model.safetensors", "chat_template.jinja", "ecg_lm.json",
         "tokenizer.json", "tokenizer_config.json"])
    assert {t.dtype for t in load_file(str(half / "adapter_model.safetensors")).values()} == {torch.float16}
    assert json.loads((half / "ecg_lm.json").read_text())["weights_dtype"] == "float16"
    full, tokenizer = load_tuned(out / "adapter")
    packed, _ = load_tuned(half)
    ids = tokenizer("Does this ECG show sinus rhythm?", return_tensors="pt")["input_ids"]
    with torch.no_grad():
        assert torch.allclose(full(ids).logits, packed(ids).logits, atol=1e-2)


def test_data_only_copies_prebuilt_data_without_a_model(prebuilt, tmp_path, monkeypatch, capsys):
    from finetune import base_model

    monkeypatch.setattr(base_model, "load_model", lambda *a, **k: pytest.fail("no model for --data-only"))
    assert main(["--data", str(prebuilt), "--out", str(tmp_path), "--data-only"]) == 0
    assert json.loads(capsys.readouterr().out)["train_examples"] == 3
    assert (tmp_path / "data" / "contexts.json").is_file()


@pytest.mark.parametrize("args, message", [(["--ludb", "x"], "give --data, or"), ([], "missing")])
def test_prebuilt_data_is_checked(prebuilt, tmp_path, args, message):
    data = prebuilt if args else tmp_path / "empty"
    with pytest.raises(SystemExit, match=message):
        main(["--data", str(data), "--out", str(tmp_path / "out"), *args])

"""Tiny training runs on the LUDB-like folder: seconds on a CPU, artifacts that load."""

import json

import numpy as np

from cli.main import main
from ecg import read_ecg
from encoders import ECGEmbedder
from encoders.labels import LUDB_STATEMENTS
from encoders.train import augmented_view, EncoderTrainConfig, TrainingWindow, nt_xent
from tokenizer import ECGTokenizer

import torch


def test_train_encoder_cli_writes_a_loadable_encoder_with_heads(ludb_like, tmp_path):
    out = tmp_path / "model"
    code = main(["train", "encoder", "--data", str(ludb_like.parent), "--out", str(out), "--steps", "2",
                 "--batch-size", "4", "--head-steps", "5", "--synthetic", "0", "--threads", "1"])
    assert code == 0
    embedder = ECGEmbedder.load(out)
    assert embedder.statements == tuple(LUDB_STATEMENTS)
    record = read_ecg(ludb_like / "data" / "4.hea")
    assert set(embedder.predict(record)) == set(LUDB_STATEMENTS)
    metadata = json.loads((out / "encoder.json").read_text())["metadata"]
    assert metadata["held_out_records"] == ["ludb/4", "ludb/8"]
    assert "held-out AUROC" in (out / "encoder.md").read_text()


def test_train_tokenizer_cli_writes_a_loadable_tokenizer(ludb_like, tmp_path):
    out = tmp_path / "model"
    code = main(["train", "tokenizer", "--data", str(ludb_like.parent), "--out", str(out), "--steps", "3",
                 "--batch-size", "16", "--synthetic", "0", "--threads", "1"])
    assert code == 0
    tokens = ECGTokenizer.load(out).encode(read_ecg(ludb_like / "data" / "1.hea"))
    assert tokens.n_tokens <= 320
    assert "Rebuild" in (out / "tokenizer.md").read_text()


def test_training_without_data_is_a_clear_error(tmp_path, capsys):
    assert main(["train", "encoder", "--data", str(tmp_path), "--out", str(tmp_path / "m")]) == 2
    assert "holds none of" in capsys.readouterr().err


def test_augmented_views_pad_to_the_lead_budget():
    window = TrainingWindow(np.random.default_rng(0).standard_normal((2, 1000)).astype(np.float32), np.array([1, 10]))
    signal, slots, mask = augmented_view(window, EncoderTrainConfig(max_view_leads=4), np.random.default_rng(1))
    assert signal.shape == (4, 500) and mask.sum() in (1, 2)
    assert set(slots[mask].tolist()) <= {1, 10}
    assert not signal[~mask].any()


def test_nt_xent_prefers_matching_pairs():
    a = torch.nn.functional.normalize(torch.randn(8, 16), dim=1)
    assert nt_xent(a, a, 0.1) < nt_xent(a, a.roll(1, dims=0), 0.1)

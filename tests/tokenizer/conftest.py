"""A tiny beat autoencoder trained for a few steps on synthetic beats (seconds on a CPU)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import synthetic_12lead
from tokenizer.beat_autoencoder import BeatCoderConfig
from tokenizer.ecg_tokenizer import ECGTokenizer
from tokenizer.train import TrainConfig, scaled_beats, train_beat_coder

TINY = BeatCoderConfig(hidden=32)


@pytest.fixture(scope="session")
def tiny_tokenizer() -> ECGTokenizer:
    signal, _ = synthetic_12lead(duration_s=10, seed=3)
    beats = scaled_beats(signal, 500, np.random.default_rng(0), single_beats=3)
    model, _ = train_beat_coder(beats, TINY, TrainConfig(steps=20, batch_size=32, threads=1), log=lambda _: None)
    return ECGTokenizer(model)

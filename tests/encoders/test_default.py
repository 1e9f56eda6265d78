"""The committed default (models/default/encoder.*) loads offline, embeds and predicts."""

import numpy as np

from ecg import read_ecg
from encoders import load_default_embedder


def test_default_encoder_embeds_and_predicts_the_example(example_hea):
    embedder = load_default_embedder()
    record = read_ecg(example_hea)
    embedding = embedder.embed(record)
    assert embedding.global_embedding.shape == (256,)
    assert np.isclose(np.linalg.norm(embedding.global_embedding), 1.0, atol=1e-5)
    probabilities = embedder.predict(record)
    assert "left_ventricular_hypertrophy" in probabilities
    assert all(0 <= p <= 1 for p in probabilities.values())
    single = embedder.embed(record.select(["II"])).global_embedding
    assert np.isfinite(single).all()

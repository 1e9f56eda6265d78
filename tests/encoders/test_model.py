import numpy as np
import pytest
import torch

from ecg import make_record
from encoders import ECGEmbedder
from encoders.model import DiagnosticHeads, ECGEncoder, EncoderConfig
from tests.conftest import synthetic_12lead


@pytest.fixture(scope="module")
def embedder() -> ECGEmbedder:
    torch.manual_seed(0)
    encoder = ECGEncoder(EncoderConfig(channels=(8, 8, 16, 16), embed_dim=32))
    return ECGEmbedder(encoder, DiagnosticHeads(32, ("a", "b", "c")))


@pytest.fixture(scope="module")
def record():
    signal, leads = synthetic_12lead(duration_s=10, seed=7)
    return make_record(signal, 500, leads, source="synthetic", format="npy")


@pytest.mark.parametrize("leads", [["II"], ["I", "V2"], None])
def test_any_lead_subset_gives_unit_global_and_half_second_segments(embedder, record, leads):
    embedding = embedder.embed(record.select(leads) if leads else record)
    assert embedding.global_embedding.shape == (32,)
    assert np.linalg.norm(embedding.global_embedding) == pytest.approx(1.0, abs=1e-5)
    assert embedding.segment_s == 0.5
    assert embedding.segments.shape == (20, 32)


def test_embedding_is_deterministic(embedder, record):
    first, second = embedder.embed(record), embedder.embed(record)
    np.testing.assert_array_equal(first.global_embedding, second.global_embedding)


def test_long_records_are_embedded_window_by_window(embedder):
    signal, leads = synthetic_12lead(duration_s=25, seed=8)
    embedding = embedder.embed(make_record(signal, 500, leads, source="long", format="npy"))
    assert embedding.segments.shape == (60, 32)  # windows 0-10 s, 10-20 s and the last 10 s


def test_predict_gives_a_probability_per_statement(embedder, record):
    probabilities = embedder.predict(record)
    assert list(probabilities) == ["a", "b", "c"]
    assert all(0 <= p <= 1 for p in probabilities.values())


def test_padding_leads_do_not_change_the_output():
    torch.manual_seed(0)
    encoder = ECGEncoder(EncoderConfig(channels=(8, 8, 16, 16), embed_dim=32)).eval()
    x = torch.randn(1, 2, 500)
    slots = torch.tensor([[1, 6]])
    padded_x = torch.cat([x, torch.randn(1, 2, 500)], dim=1)
    padded_slots = torch.tensor([[1, 6, 0, 0]])
    with torch.no_grad():
        _, plain = encoder(x, slots, torch.ones(1, 2, dtype=torch.bool))
        _, padded = encoder(padded_x, padded_slots, torch.tensor([[True, True, False, False]]))
    torch.testing.assert_close(plain, padded)

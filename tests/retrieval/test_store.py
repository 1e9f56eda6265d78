"""The FAISS store: exclusions, save/load without pickle, the index kinds chosen by size."""

from __future__ import annotations

import json

import numpy as np
import pytest

from ecg.errors import ECGError
from retrieval.store import EXACT_SEARCH_MAX_VECTORS, EmbeddingIndex, Entry, Exclusions, auto_kind, normalise


def clustered(n: int, dim: int, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    centres = rng.standard_normal((max(1, n // 100), dim))
    return normalise(centres[rng.integers(0, len(centres), n)] + 0.5 * rng.standard_normal((n, dim)))


def entries(n: int) -> list[Entry]:
    """Four records per patient; every 10th record in the test split."""
    return [Entry(f"r{i}", f"report {i}", f"p{i // 4}", "test" if i % 10 == 0 else "train") for i in range(n)]


@pytest.fixture(scope="module")
def small() -> tuple[np.ndarray, EmbeddingIndex]:
    vectors = clustered(2000, 32)
    return vectors, EmbeddingIndex.build(vectors, entries(len(vectors)))


def test_small_indexes_are_exact(small):
    vectors, index = small
    assert index.kind == "flat" and auto_kind(EXACT_SEARCH_MAX_VECTORS + 1) == "ivf"
    hits = index.search(vectors[5], 3)[0]
    assert hits[0].entry.record_id == "r5" and hits[0].score == pytest.approx(1.0, abs=1e-5)
    truth = np.argsort(-(vectors @ vectors[5]))[:3]
    assert [h.entry.record_id for h in hits] == [f"r{i}" for i in truth]


def test_own_record_patient_and_split_are_never_returned(small):
    vectors, index = small
    for query in range(0, 2000, 97):
        own = index.entries[query]
        hits = index.search(vectors[query], 20, Exclusions.of([own.record_id], [own.patient_id], ["test"]))[0]
        assert len(hits) == 20
        assert all(h.entry.patient_id != own.patient_id and h.entry.split != "test" for h in hits)
        allowed = [i for i, e in enumerate(index.entries) if e.patient_id != own.patient_id and e.split != "test"]
        best = max(allowed, key=lambda i: float(vectors[i] @ vectors[query]))
        assert hits[0].entry.record_id == f"r{best}"


def test_exclusions_may_leave_fewer_than_k(small):
    _, index = small
    everyone = Exclusions.of(patient_ids={e.patient_id for e in index.entries[4:]})
    assert sorted(h.entry.record_id for h in index.search(np.ones(32), 10, everyone)[0]) == ["r0", "r1", "r2", "r3"]


def test_save_load_round_trip_without_pickle(small, tmp_path):
    vectors, index = small
    index.save(tmp_path, "reports")
    loaded = EmbeddingIndex.load(tmp_path, "reports")
    assert json.loads((tmp_path / "reports.json").read_text())["entries"][3]["patient_id"] == "p0"
    assert loaded.entries == index.entries and loaded.info == index.info
    exclusions = Exclusions.of(patient_ids=["p1"])
    for a, b in zip(index.search(vectors[:5], 5, exclusions), loaded.search(vectors[:5], 5, exclusions)):
        assert [h.entry for h in a] == [h.entry for h in b]


@pytest.mark.parametrize("kind", ["ivf", "hnsw"])
def test_approximate_indexes_find_neighbours_and_respect_exclusions(kind, tmp_path):
    vectors = clustered(20_000, 32, seed=1)
    index = EmbeddingIndex.build(vectors, entries(len(vectors)), kind=kind)
    exact = EmbeddingIndex.build(vectors, index.entries, kind="flat")
    queries = vectors[::1000]
    found = index.search(queries, 10)
    truth = exact.search(queries, 10)
    recall = np.mean([len({h.entry.record_id for h in a} & {h.entry.record_id for h in b}) / 10
                      for a, b in zip(found, truth)])
    assert recall >= 0.9
    index.save(tmp_path, kind)
    loaded = EmbeddingIndex.load(tmp_path, kind)
    for row, query in zip(range(0, 20_000, 1000), queries):
        own = index.entries[row]
        hits = loaded.search(query, 10, Exclusions.of(patient_ids=[own.patient_id], splits=["test"]))[0]
        assert len(hits) == 10 and all(h.entry.patient_id != own.patient_id for h in hits)


def test_missing_or_broken_index_is_an_ecg_error(small, tmp_path):
    with pytest.raises(ECGError, match="no retrieval index"):
        EmbeddingIndex.load(tmp_path, "reports")
    small[1].save(tmp_path, "reports")
    (tmp_path / "reports.faiss").write_bytes(b"not a faiss index")
    with pytest.raises(ECGError, match="unreadable retrieval index"):
        EmbeddingIndex.load(tmp_path, "reports")

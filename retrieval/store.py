"""A FAISS index of unit vectors with one metadata entry per vector, saved without pickle.

``EmbeddingIndex.build(vectors, entries)`` picks the index kind by size: exact inner-product
search (IndexFlatIP) up to ``EXACT_SEARCH_MAX_VECTORS``, an inverted-file index (IndexIVFFlat,
``ivf_nlist`` cells, ``nprobe`` probed) above it, or HNSW on request. ``search`` never returns an
excluded record, patient or split: the exclusions become a FAISS ID selector, so the k results
are the k best of what is allowed. On disk: ``NAME.faiss`` (faiss.write_index) and ``NAME.json``
(configuration and entries).
"""

from __future__ import annotations

import json
import math
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

import faiss
import numpy as np

from ecg.errors import ECGError

FORMAT_VERSION = 1
# Exact search costs one pass over all vectors: 1.1 ms per query over 20k 256-d vectors and 12 ms
# over 100k on the busy 2-core CPU of benchmarks/retrieval.py, so exact search is kept up to 20k;
# above it, IVF.
EXACT_SEARCH_MAX_VECTORS = 20_000
# IVF: about 4 * sqrt(n) cells (FAISS wiki, "Guidelines to choose an index"), trained on at most
# IVF_TRAINING_POINTS_PER_CELL vectors per cell (FAISS warns below 39, gains little above 256).
IVF_CELLS_PER_SQRT_N = 4
IVF_TRAINING_POINTS_PER_CELL = 64
IVF_DEFAULT_NPROBE = 32
HNSW_NEIGHBOURS = 32
HNSW_EF_CONSTRUCTION = 80
HNSW_DEFAULT_EF_SEARCH = 128
KINDS = ("flat", "ivf", "hnsw")
SELECTOR_CACHE_SIZE = 16
# A few queries are searched on one OpenMP thread: on a busy 2-core machine two threads made a
# single exact query over 20k vectors 30x slower (40 ms against 1.1 ms, measured here).
SINGLE_THREAD_MAX_QUERIES = 4


@dataclass(frozen=True, slots=True)
class Entry:
    """What one vector stands for: a record (or snippet) id, its patient, its split and its text."""

    record_id: str
    text: str
    patient_id: str = ""
    split: str = ""
    metadata: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Hit:
    entry: Entry
    score: float  # inner product = cosine similarity of unit vectors


@dataclass(frozen=True)
class Exclusions:
    """What a search must never return: these records, these patients' records, these splits."""

    record_ids: frozenset[str] = frozenset()
    patient_ids: frozenset[str] = frozenset()
    splits: frozenset[str] = frozenset()

    @classmethod
    def of(cls, record_ids: Iterable[str] = (), patient_ids: Iterable[str] = (),
           splits: Iterable[str] = ()) -> "Exclusions":
        return cls(frozenset(map(str, record_ids)), frozenset(map(str, patient_ids)), frozenset(map(str, splits)))

    def __bool__(self) -> bool:
        return bool(self.record_ids or self.patient_ids or self.splits)


def normalise(vectors: np.ndarray) -> np.ndarray:
    """Rows scaled to unit length (float32, C order), so inner product is cosine similarity."""
    vectors = np.ascontiguousarray(np.atleast_2d(vectors), dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return vectors / np.maximum(norms, np.finfo(np.float32).tiny)


def auto_kind(n_vectors: int) -> str:
    return "flat" if n_vectors <= EXACT_SEARCH_MAX_VECTORS else "ivf"


def ivf_cells(n_vectors: int) -> int:
    return max(1, min(n_vectors // 39, int(IVF_CELLS_PER_SQRT_N * math.sqrt(n_vectors))))


def _new_index(vectors: np.ndarray, kind: str, seed: int) -> faiss.Index:
    n, dim = vectors.shape
    if kind == "flat":
        index = faiss.IndexFlatIP(dim)
    elif kind == "hnsw":
        index = faiss.IndexHNSWFlat(dim, HNSW_NEIGHBOURS, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = HNSW_EF_CONSTRUCTION
    elif kind == "ivf":
        cells = ivf_cells(n)
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, cells, faiss.METRIC_INNER_PRODUCT)
        sample = np.random.default_rng(seed).choice(n, min(n, cells * IVF_TRAINING_POINTS_PER_CELL), replace=False)
        index.train(vectors[np.sort(sample)])
    else:
        raise ValueError(f"index kind must be one of {KINDS}, not {kind!r}")
    return index


class EmbeddingIndex:
    """Unit vectors in a FAISS index; position i of the index is ``entries[i]``."""

    def __init__(self, index: faiss.Index, entries: Sequence[Entry], info: dict | None = None):
        if index.ntotal != len(entries):
            raise ValueError(f"{index.ntotal} vectors but {len(entries)} entries")
        self.index = index
        self.entries = list(entries)
        self.info = dict(info or {})
        self._groups = {name: _group_positions([getattr(e, name) for e in self.entries])
                        for name in ("record_id", "patient_id", "split")}
        self._selectors: dict[Exclusions, tuple[int, tuple]] = {}

    @classmethod
    def build(cls, vectors: np.ndarray, entries: Sequence[Entry], kind: str = "auto",
              info: dict | None = None, seed: int = 0) -> "EmbeddingIndex":
        """An index over ``vectors`` (normalised here); ``kind`` 'auto' picks by size."""
        vectors = normalise(vectors)
        if len(vectors) != len(entries):
            raise ValueError(f"{len(vectors)} vectors but {len(entries)} entries")
        kind = auto_kind(len(vectors)) if kind == "auto" else kind
        index = _new_index(vectors, kind, seed)
        index.add(vectors)
        search_defaults = {"ivf": {"nprobe": min(IVF_DEFAULT_NPROBE, getattr(index, "nlist", 1))},
                           "hnsw": {"ef_search": HNSW_DEFAULT_EF_SEARCH}}.get(kind, {})
        return cls(index, entries, {**(info or {}), "kind": kind, "dim": int(vectors.shape[1]), **search_defaults})

    @property
    def kind(self) -> str:
        return self.info.get("kind", "flat")

    @property
    def dim(self) -> int:
        return int(self.index.d)

    def __len__(self) -> int:
        return len(self.entries)

    def excluded_positions(self, exclusions: Exclusions) -> np.ndarray:
        wanted = (("record_id", exclusions.record_ids), ("patient_id", exclusions.patient_ids),
                  ("split", exclusions.splits))
        parts = [self._groups[name][v] for name, values in wanted for v in values if v in self._groups[name]]
        return np.unique(np.concatenate(parts)) if parts else np.empty(0, dtype=np.int64)

    def search(self, queries: np.ndarray, k: int, exclusions: Exclusions = Exclusions(),
               nprobe: int | None = None, ef_search: int | None = None) -> list[list[Hit]]:
        """The k most similar allowed entries for each query row (fewer when fewer are allowed)."""
        queries = normalise(queries)
        if queries.shape[1] != self.dim:
            raise ValueError(f"queries have {queries.shape[1]} dimensions, the index {self.dim}")
        allowed, selector = self._selection(exclusions)
        k = min(k, allowed)
        if k <= 0:
            return [[] for _ in queries]
        params = self._parameters(nprobe, ef_search)
        if selector is not None:
            params.sel = selector[0]
            params._selector_parts = selector  # FAISS keeps a raw pointer: keep the selector alive
        with _omp_threads(1 if len(queries) <= SINGLE_THREAD_MAX_QUERIES else None):
            scores, positions = self.index.search(queries, k, params=params)
        return [[Hit(self.entries[p], float(s)) for s, p in zip(row_s, row_p) if p >= 0]
                for row_s, row_p in zip(scores, positions)]

    def _parameters(self, nprobe: int | None, ef_search: int | None) -> faiss.SearchParameters:
        if self.kind == "ivf":
            return faiss.SearchParametersIVF(nprobe=nprobe or self.info.get("nprobe", IVF_DEFAULT_NPROBE))
        if self.kind == "hnsw":
            return faiss.SearchParametersHNSW(efSearch=ef_search or self.info.get("ef_search", HNSW_DEFAULT_EF_SEARCH))
        return faiss.SearchParameters()

    def _selection(self, exclusions: Exclusions) -> tuple[int, tuple | None]:
        """How many entries are allowed, and an IDSelectorBitmap of them (None: all allowed).
        Cached: an agent repeats its exclusions (its evaluation split) query after query."""
        if not exclusions:
            return len(self), None
        if exclusions not in self._selectors:
            allowed = np.ones(len(self), dtype=bool)
            allowed[self.excluded_positions(exclusions)] = False
            bits = np.packbits(allowed, bitorder="little")
            if len(self._selectors) >= SELECTOR_CACHE_SIZE:
                self._selectors.pop(next(iter(self._selectors)))
            selector = faiss.IDSelectorBitmap(len(self), faiss.swig_ptr(bits))
            self._selectors[exclusions] = (int(allowed.sum()), (selector, bits))
        return self._selectors[exclusions]

    def save(self, folder: str | Path, name: str) -> None:
        """``folder/name.faiss`` (faiss.write_index) and ``folder/name.json``; no pickle."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        faiss.write_index(self.index, str(folder / f"{name}.faiss"))
        document = {"format_version": FORMAT_VERSION, "info": self.info,
                    "entries": [asdict(entry) for entry in self.entries]}
        (folder / f"{name}.json").write_text(json.dumps(document, ensure_ascii=False) + "\n", encoding="utf-8")

    @classmethod
    def load(cls, folder: str | Path, name: str) -> "EmbeddingIndex":
        folder = Path(folder)
        index_path, meta_path = folder / f"{name}.faiss", folder / f"{name}.json"
        if not index_path.is_file() or not meta_path.is_file():
            raise ECGError(folder, f"no retrieval index here ({index_path.name} and {meta_path.name} expected)")
        try:
            document = json.loads(meta_path.read_text(encoding="utf-8"))
            index = faiss.read_index(str(index_path))
        except (OSError, ValueError, RuntimeError) as exc:
            raise ECGError(folder, f"unreadable retrieval index {name!r}: {exc}") from None
        if not isinstance(document, dict) or document.get("format_version") != FORMAT_VERSION:
            raise ECGError(meta_path, "a retrieval index of another format version")
        try:
            entries = [Entry(**e) for e in document["entries"]]
            return cls(index, entries, document.get("info"))
        except (KeyError, TypeError, ValueError) as exc:
            raise ECGError(meta_path, f"malformed retrieval index metadata: {exc}") from None


@contextmanager
def _omp_threads(n: int | None):
    """FAISS's OpenMP thread count set to ``n`` for the block (None: unchanged)."""
    before = faiss.omp_get_max_threads()
    if n is not None:
        faiss.omp_set_num_threads(n)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(before)


def _group_positions(values: list[str]) -> dict[str, np.ndarray]:
    """Positions of each distinct value."""
    codes, inverse = np.unique(np.asarray(values, dtype=object), return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(len(codes) + 1))
    return {str(code): order[bounds[i]:bounds[i + 1]] for i, code in enumerate(codes)}

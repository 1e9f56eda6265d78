"""LangChain retrievers over the two indexes (``langchain_core.retrievers.BaseRetriever``).

``SimilarECGRetriever.invoke(path)`` reads the ECG at ``path``, embeds it and returns the
reports of the most similar historical ECGs as Documents, never the query's own record or
patient nor an excluded split. The query's own record is recognised by name (``exclude_*``) or,
when it is itself in the index, by an embedding identical to its entry's
(``SELF_MATCH_MIN_COSINE``), whose patient is then left out too.
``KnowledgeRetriever.invoke(question)`` returns knowledge snippets.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import ConfigDict

from ecg.errors import ECGError
from ecg.io import read_ecg
from retrieval import DEFAULT_INDEX_FOLDER
from retrieval.knowledge import KNOWLEDGE_INDEX_NAME, minilm_embedding
from retrieval.reports import REPORTS_INDEX_NAME, encoder_embedding
from retrieval.store import EmbeddingIndex, Exclusions, Hit

# Cosine similarity above which an indexed ECG is the query itself: the encoder is deterministic,
# so the same signal embeds identically (float32 rounding only). Project choice.
SELF_MATCH_MIN_COSINE = 0.9999
SELF_MATCH_CANDIDATES = 4


def to_document(hit: Hit) -> Document:
    entry = hit.entry
    return Document(page_content=entry.text,
                    metadata={**entry.metadata, "record_id": entry.record_id, "patient_id": entry.patient_id,
                              "split": entry.split, "score": hit.score})


def self_matches(index: EmbeddingIndex, query: np.ndarray) -> Exclusions:
    """The indexed entries identical to the query (the query's own record) and their patients."""
    hits = index.search(query, SELF_MATCH_CANDIDATES)[0]
    own = [h.entry for h in hits if h.score >= SELF_MATCH_MIN_COSINE]
    return Exclusions.of([e.record_id for e in own], [e.patient_id for e in own if e.patient_id])


class SimilarECGRetriever(BaseRetriever):
    """Reports of the k historical ECGs most similar to the ECG file named by the query."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: EmbeddingIndex
    embed: Any  # ECGRecord -> (D,) embedding, e.g. retrieval.reports.encoder_embedding()[0]
    k: int = 5
    exclude_record_ids: frozenset[str] = frozenset()
    exclude_patient_ids: frozenset[str] = frozenset()
    exclude_splits: frozenset[str] = frozenset()

    def search_embedding(self, vector: np.ndarray, exclusions: Exclusions = Exclusions()) -> list[Document]:
        """Documents for an embedding, with this retriever's and ``exclusions``' records left out."""
        vector = np.asarray(vector, dtype=np.float32)[None]
        if vector.shape[1] != self.index.dim:
            raise ECGError(None, f"an embedding of {vector.shape[1]} dimensions for an index of {self.index.dim}; "
                                 "rebuild the index with `ecg-agent index build` for this encoder")
        own = self_matches(self.index, vector)
        excluded = Exclusions(self.exclude_record_ids | exclusions.record_ids | own.record_ids,
                              self.exclude_patient_ids | exclusions.patient_ids | own.patient_ids,
                              self.exclude_splits | exclusions.splits)
        return [to_document(hit) for hit in self.index.search(vector, self.k, excluded)[0]]

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return self.search_embedding(self.embed(read_ecg(query)))


class KnowledgeRetriever(BaseRetriever):
    """The k knowledge snippets closest in meaning to the question."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    index: EmbeddingIndex
    embed_texts: Any  # list[str] -> (n, 384), e.g. retrieval.knowledge.minilm_embedding()
    k: int = 4

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        return [to_document(hit) for hit in self.index.search(self.embed_texts([query]), self.k)[0]]


def default_similar_ecg_retriever(k: int = 5, folder: str | Path = DEFAULT_INDEX_FOLDER) -> SimilarECGRetriever:
    """The embedded default reports index with the default encoder (they must belong together)."""
    index = EmbeddingIndex.load(folder, REPORTS_INDEX_NAME)
    embed, embedder_name = encoder_embedding()
    if index.info.get("embedder") != embedder_name:
        raise ECGError(folder, f"the reports index was built with {index.info.get('embedder')}, not the "
                               f"current {embedder_name}; rebuild it with `ecg-agent index build --kind reports`")
    return SimilarECGRetriever(index=index, embed=embed, k=k)


def default_knowledge_retriever(k: int = 4, folder: str | Path = DEFAULT_INDEX_FOLDER) -> KnowledgeRetriever:
    """The embedded default knowledge index with all-MiniLM-L6-v2."""
    return KnowledgeRetriever(index=EmbeddingIndex.load(folder, KNOWLEDGE_INDEX_NAME), embed_texts=minilm_embedding(), k=k)

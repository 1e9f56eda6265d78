"""The knowledge base covers every statement the criteria engine makes; MiniLM finds by meaning;
the embedded default indexes load and belong to the current models."""

from __future__ import annotations

import pytest

from ecg.scp_codes import STATEMENTS
from retrieval import DEFAULT_INDEX_FOLDER
from retrieval.knowledge import KNOWLEDGE_INDEX_NAME, build_knowledge_index, knowledge_entries, minilm_embedding
from retrieval.langchain import KnowledgeRetriever
from retrieval.reports import REPORTS_INDEX_NAME, encoder_embedding
from retrieval.store import EmbeddingIndex


def test_every_statement_has_a_snippet_with_its_thresholds_and_sources():
    entries = knowledge_entries()
    covered = [code for e in entries for code in e.metadata["codes"]]
    assert sorted(covered) == sorted(STATEMENTS)
    first_degree = next(e for e in entries if e.record_id == "1AVB")
    assert "PR interval above 200 ms" in first_degree.text and "Kusumoto" in first_degree.text
    qrs = next(e for e in entries if e.record_id == "QRSDUR")
    assert qrs.metadata["codes"] == ["QRSDUR_BELOW", "QRSDUR_WITHIN", "QRSDUR_ABOVE"] and "ECG-QA" in qrs.text


@pytest.fixture(scope="module")
def minilm():
    return minilm_embedding()


@pytest.mark.slow
def test_knowledge_search_by_meaning(minilm):
    retriever = KnowledgeRetriever(index=build_knowledge_index(minilm), embed_texts=minilm, k=3)
    assert "1AVB" in [d.metadata["record_id"] for d in retriever.invoke("PR interval prolonged")]
    assert retriever.invoke("irregularly irregular rhythm without P waves")[0].metadata["record_id"] == "AFIB"
    assert retriever.invoke("ST elevation")[0].metadata["record_id"] == "STE_"


def test_default_indexes_are_current():
    knowledge = EmbeddingIndex.load(DEFAULT_INDEX_FOLDER, KNOWLEDGE_INDEX_NAME)
    assert [e.text for e in knowledge.entries] == [e.text for e in knowledge_entries()], \
        "the knowledge base changed: run `ecg-agent index build --kind knowledge`"
    reports = EmbeddingIndex.load(DEFAULT_INDEX_FOLDER, REPORTS_INDEX_NAME)
    assert len(reports) == 160 and reports.kind == "flat"
    assert reports.info["embedder"] == encoder_embedding()[1], \
        "the encoder changed: run `ecg-agent index build --kind reports`"

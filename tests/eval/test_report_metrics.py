"""BLEU, ROUGE-L and METEOR of report drafts, against hand-computed values."""

from __future__ import annotations

import math

import pytest

from ecg.errors import ECGError
from eval.report_metrics import paired_reports, read_reports, report_metrics, tokens
from eval.wordnet import load_wordnet


def test_tokens_keep_numbers_and_hyphenated_words():
    assert tokens("QRS 120 ms, T-wave inversion.") == ["qrs", "120", "ms", ",", "t-wave", "inversion", "."]


def test_identical_reports_score_one():
    results = report_metrics(["the qrs is wide"], ["the qrs is wide"])
    assert all(results[f"bleu_{n}"] == pytest.approx(1.0) for n in range(1, 5))
    assert results["rouge_l"] == pytest.approx(1.0)


def test_bleu_and_rouge_l_by_hand():
    # draft: 4 tokens, all in the 5-token reference; bigrams: 2 of 3 match.
    results = report_metrics(["sinus rhythm normal axis"], ["sinus rhythm with normal axis"])
    brevity = math.exp(1 - 5 / 4)
    assert results["bleu_1"] == pytest.approx(brevity)
    assert results["bleu_2"] == pytest.approx(brevity * math.sqrt(1.0 * 2 / 3))
    assert results["bleu_3"] == pytest.approx(0.0)  # no trigram matches, no smoothing
    # LCS 4: precision 4/4, recall 4/5
    assert results["rouge_l"] == pytest.approx(2 * 1.0 * 0.8 / 1.8)


def test_meteor_is_skipped_with_a_reason_without_wordnet():
    results = report_metrics(["a"], ["a"], wordnet=None)
    assert "meteor" not in results and "WordNet" in results["skipped"]["meteor"]
    assert "bertscore" in results["skipped"]


@pytest.mark.skipif(load_wordnet() is None, reason="no WordNet data on this machine")
def test_meteor_matches_synonyms_through_wordnet():
    wordnet = load_wordnet()
    synonym = report_metrics(["the heart rate is quick"], ["the heart rate is fast"], wordnet=wordnet)["meteor"]
    other = report_metrics(["the heart rate is blue"], ["the heart rate is fast"], wordnet=wordnet)["meteor"]
    same = report_metrics(["the heart rate is fast"], ["the heart rate is fast"], wordnet=wordnet)["meteor"]
    assert other < synonym == pytest.approx(same)  # nltk weighs a synonym match like an exact one


def test_reports_are_paired_by_id(tmp_path):
    drafts = tmp_path / "drafts.jsonl"
    drafts.write_text('{"id": 2, "report": "b"}\n{"id": 1, "report": "a"}\n', encoding="utf-8")
    references = tmp_path / "refs.txt"
    references.write_text("A\n\nB\n", encoding="utf-8")
    assert paired_reports(read_reports(drafts), read_reports(references), drafts) == (["a", "b"], ["A", "B"])
    references.write_text("A\nB\nC\n", encoding="utf-8")
    with pytest.raises(ECGError, match="no draft for 1 reference report"):
        paired_reports(read_reports(drafts), read_reports(references), drafts)
    drafts.write_text('{"id": 1}\n', encoding="utf-8")
    with pytest.raises(ECGError, match="line 1 is not a JSON object"):
        read_reports(drafts)
    with pytest.raises(ECGError, match="need the same number"):
        report_metrics([], [])


@pytest.fixture(scope="module")
def tiny_bert(tmp_path_factory):
    """A randomly initialised 2-layer BERT and its word-level vocabulary, saved as a model folder."""
    transformers = pytest.importorskip("transformers")
    folder = tmp_path_factory.mktemp("tiny_bert")
    words = "[PAD] [UNK] [CLS] [SEP] [MASK] sinus rhythm normal axis left bundle branch block".split()
    tokenizer = transformers.BertTokenizerFast(vocab={w: i for i, w in enumerate(words)}, model_max_length=64)
    tokenizer.save_pretrained(folder)
    config = transformers.BertConfig(vocab_size=len(words), hidden_size=32, num_hidden_layers=2,
                                     num_attention_heads=2, intermediate_size=64, max_position_embeddings=64)
    transformers.BertModel(config).save_pretrained(folder)
    return str(folder)


def test_bertscore_with_a_local_model_folder(tiny_bert):
    pytest.importorskip("bert_score")
    same = report_metrics(["sinus rhythm normal axis"], ["sinus rhythm normal axis"],
                          bertscore_model=tiny_bert, bertscore_layers=2)
    other = report_metrics(["sinus rhythm normal axis"], ["left bundle branch block"],
                           bertscore_model=tiny_bert, bertscore_layers=2)
    assert same["bertscore_f1"] == pytest.approx(1.0, abs=1e-5)
    assert other["bertscore_f1"] < same["bertscore_f1"]
    assert "bertscore" not in same["skipped"]
    with pytest.raises(ECGError, match="--bertscore-layers"):
        report_metrics(["a"], ["a"], bertscore_model=tiny_bert)

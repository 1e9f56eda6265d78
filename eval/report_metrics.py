"""Report drafts against reference reports: BLEU-1..4, METEOR, ROUGE-L, and BERTScore when a
local model folder is named.

- BLEU-n: corpus BLEU with uniform weights over 1..n-grams (nltk.translate.bleu_score, no
  smoothing, as report-generation papers report it), on lower-cased word tokens.
- METEOR: mean sentence METEOR (nltk.translate.meteor_score: exact, Porter-stem and WordNet
  synonym matching); WordNet comes from eval.wordnet, and METEOR is skipped with a reason
  when no WordNet data is on the machine.
- ROUGE-L: mean F-measure of Google's rouge-score package (its own tokenizer, stemming on).
- BERTScore: mean F1 of the bert-score package with a model folder the user has; skipped
  otherwise (nothing is downloaded).
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

from ecg.errors import ECGError

_WORD = re.compile(r"[a-z0-9]+(?:[.'-][a-z0-9]+)*|[^\sa-z0-9]")


def tokens(text: str) -> list[str]:
    """Lower-cased word and punctuation tokens (no tokenizer model needed)."""
    return _WORD.findall(text.lower())


def bleu_scores(hypotheses: list[str], references: list[str]) -> dict[str, float]:
    from nltk.translate.bleu_score import corpus_bleu

    hyp = [tokens(h) for h in hypotheses]
    ref = [[tokens(r)] for r in references]
    scores = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # nltk warns when an n-gram order has no match (score 0)
        for n in range(1, 5):
            scores[f"bleu_{n}"] = float(corpus_bleu(ref, hyp, weights=tuple([1.0 / n] * n)))
    return scores


def meteor(hypotheses: list[str], references: list[str], wordnet) -> float:
    from nltk.translate.meteor_score import meteor_score

    values = [meteor_score([tokens(r)], tokens(h), wordnet=wordnet) for h, r in zip(hypotheses, references)]
    return sum(values) / len(values)


def rouge_l(hypotheses: list[str], references: list[str]) -> float:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(["rougeL"], use_stemmer=True)
    values = [scorer.score(r, h)["rougeL"].fmeasure for h, r in zip(hypotheses, references)]
    return sum(values) / len(values)


def bert_score_f1(hypotheses: list[str], references: list[str], model_dir: str, num_layers: int | None) -> float:
    """Mean BERTScore F1; the layer is bert-score's choice for a model it knows by name
    (model2layers), else ``num_layers`` must be given."""
    from bert_score import score
    from bert_score.utils import model2layers

    if num_layers is None and model_dir not in model2layers:
        raise ECGError(model_dir, "bert-score has no default layer for this model: name one (--bertscore-layers)")
    _, _, f1 = score(hypotheses, references, model_type=model_dir, num_layers=num_layers, verbose=False)
    return float(f1.mean())


def report_metrics(hypotheses: list[str], references: list[str], *, wordnet=None,
                   bertscore_model: str | None = None, bertscore_layers: int | None = None) -> dict:
    """Every metric of the module docstring; ``skipped`` names what could not run, and why."""
    if len(hypotheses) != len(references) or not hypotheses:
        raise ECGError(None, f"{len(hypotheses)} drafts for {len(references)} reference reports: "
                             "need the same number, at least one")
    results: dict = {"reports": len(hypotheses), **bleu_scores(hypotheses, references),
                     "rouge_l": rouge_l(hypotheses, references), "skipped": {}}
    if wordnet is None:
        results["skipped"]["meteor"] = ("no WordNet data on this machine (nltk_data corpora/wordnet, "
                                        "or Debian's wordnet-base in /usr/share/wordnet)")
    else:
        results["meteor"] = meteor(hypotheses, references, wordnet)
    if bertscore_model is None:
        results["skipped"]["bertscore"] = "no local BERTScore model folder given (--bertscore-model)"
    else:
        try:
            results["bertscore_f1"] = bert_score_f1(hypotheses, references, bertscore_model, bertscore_layers)
        except ImportError:
            results["skipped"]["bertscore"] = "the bert-score package is not installed"
    return results


def read_reports(path: str | Path) -> dict[str, str]:
    """Reports by id from JSON lines ({"id": ..., "report": ...}) or a text file (one report per
    line, ids 1, 2, ...)."""
    path = Path(path)
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ECGError(path, f"cannot read the reports ({exc})") from None
    if path.suffix.lower() not in (".jsonl", ".json"):
        return {str(i): line for i, line in enumerate((ln for ln in lines if ln.strip()), start=1)}
    reports = {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            reports[str(item["id"])] = str(item["report"])
        except (json.JSONDecodeError, KeyError, TypeError):
            raise ECGError(path, f"line {number} is not a JSON object with \"id\" and \"report\"") from None
    return reports


def paired_reports(drafts: dict[str, str], references: dict[str, str], drafts_path: str | Path) -> tuple[list[str], list[str]]:
    """Drafts and references in matching order; every reference needs its draft."""
    missing = [key for key in references if key not in drafts]
    if missing:
        raise ECGError(drafts_path, f"no draft for {len(missing)} reference report(s), e.g. id {missing[0]}")
    keys = list(references)
    return [drafts[k] for k in keys], [references[k] for k in keys]

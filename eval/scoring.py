"""ECG-QA's official exact match, and its tables per question type, attribute type and template.

Exact match (https://github.com/Jwoo5/ecg-qa llm_modeling/llm_modeling.py): a question counts
only when the predicted answer set equals the ground-truth set; an empty ground truth is
{"none"}. Answers are compared lower-cased. As in ECG-QA's label encoding (fairseq-signals
preprocess_ecgqa.py encode_answer: "none" is the empty label vector), "none" beside real
answers is dropped, and an empty prediction means "none".

When a question's answer options are known, a prediction is first read against them as
ECG-QA's LLM evaluation reads a model's text: the options (and "none") mentioned in it. Where
one option contains another ("ischemic in anterior leads" and "ischemic in anterolateral
leads" are distinct; "myocardial infarction" is inside "myocardial infarction in inferior
leads"), the longest mention wins. A mention is a whole phrase: "no" is not read inside "not sure",
"normal" or "know".
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from typing import Iterable

from eval.ecgqa_data import NONE_ANSWER

BREAKDOWNS = ("question_type", "attribute_type", "template_id")


def answer_set(answer: Iterable[str]) -> frozenset[str]:
    """An answer list as ECG-QA compares it: lower-cased, "none" only when nothing else."""
    items = {str(a).strip().lower() for a in answer} - {""}
    real = items - {NONE_ANSWER}
    return frozenset(real) if real else frozenset({NONE_ANSWER})


def read_against_options(predicted: Iterable[str], options: Iterable[str] | None) -> frozenset[str]:
    """The options (and "none") that the predicted strings name; the strings as they are when
    no options are known. A string that is exactly an option counts as that option."""
    items = [str(p).strip().lower() for p in predicted]
    if options is None:
        return answer_set(items)
    names = sorted({o.lower() for o in options} | {NONE_ANSWER}, key=len, reverse=True)
    pattern = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(name) for name in names) + r")(?![\w-])")
    found: set[str] = set()
    for item in items:
        if item in names:
            found.add(item)
        else:
            found.update(match.group() for match in pattern.finditer(item))
    return answer_set(found)


def exact_match(predicted: Iterable[str], truth: Iterable[str], options: Iterable[str] | None = None) -> bool:
    """ECG-QA's exact match of one prediction against its ground truth."""
    return read_against_options(predicted, options) == answer_set(truth)


@dataclass
class Tally:
    correct: int = 0
    total: int = 0

    @property
    def accuracy(self) -> float:
        return self.correct / self.total if self.total else 0.0

    def to_dict(self) -> dict:
        return {"correct": self.correct, "total": self.total, "exact_match": round(self.accuracy, 4)}


def score(rows: Iterable[dict]) -> dict:
    """Exact-match accuracy overall and per question type, attribute type and template.

    Each row holds ``correct`` (bool) and the question's question_type, attribute_type and
    template_id (None for a question outside ECG-QA's templates, tallied as "none").
    """
    overall = Tally()
    tables: dict[str, dict[str, Tally]] = {name: defaultdict(Tally) for name in BREAKDOWNS}
    for row in rows:
        hit = int(bool(row["correct"]))
        overall.correct += hit
        overall.total += 1
        for name in BREAKDOWNS:
            tally = tables[name][str(row.get(name))] if row.get(name) is not None else tables[name]["none"]
            tally.correct += hit
            tally.total += 1
    return {"overall": overall.to_dict(),
            **{name: {key: tables[name][key].to_dict() for key in sorted(tables[name], key=_natural)}
               for name in BREAKDOWNS}}


def markdown_tables(results: dict) -> str:
    """The breakdowns of ``score`` as Markdown tables (exact match in %)."""
    overall = results["overall"]
    lines = [f"Exact match: **{100 * overall['exact_match']:.1f}%** "
             f"({overall['correct']} of {overall['total']} questions)", ""]
    for name in BREAKDOWNS:
        lines += [f"| {name} | questions | exact match % |", "|---|---:|---:|"]
        lines += [f"| {key} | {t['total']} | {100 * t['exact_match']:.1f} |" for key, t in results[name].items()]
        lines.append("")
    return "\n".join(lines)


def _natural(key: str) -> tuple[int, int | str]:
    return (0, int(key)) if key.isdigit() else (1, key)

"""Two baselines that need no language model, to give the harness real first numbers.

- ``MajorityBaseline``: the most frequent answer set of each template in the training questions.
- ``RulesBaseline``: answers from the measurement engine (ecg.measure) and the criteria engine
  (ecg.criteria), whose statement names are ECG-QA's answer strings. It answers ECG-QA's
  numeric-feature comparisons of two ECGs (templates 68-70), single-ECG verify, choose and
  query questions about statements, and comparisons that name their change ("newly",
  "no longer", "still"); other comparison questions it answers "none".
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Mapping

from ecg.criteria import evaluate, numeric_range
from ecg.fingerprint import measurement_fingerprint
from ecg.measure import measure
from ecg.record import ECGRecord
from ecg.scp_codes import NUMERIC_FEATURES
from eval.cache import ECGCache
from eval.ecgqa_data import NONE_ANSWER, EcgId, Question
from eval.scoring import answer_set

# ECG-QA templates comparing the numeric features of two ECGs (comparison_irrelevant-query),
# as (state in the first ECG, state in the second). Wording of the template files:
# 68 "... of the second ECG now have become normal as compared to the first ECG?",
# 69 "... are now considered abnormal values ...", 70 "... are still abnormal ...".
NUMERIC_COMPARISON_TEMPLATES = {68: ("abnormal", "normal"), 69: ("normal", "abnormal"),
                                70: ("abnormal", "abnormal")}
RANGE_STATE = {"below": "abnormal", "above": "abnormal", "within": "normal"}
# Other comparisons name the change they ask about ("newly", "no longer", "still"), as
# (stated in the first ECG, stated in the second).
CHANGE_WORDS = {"no longer": (True, False), "newly": (False, True), "still": (True, True)}


class MajorityBaseline:
    """The most frequent answer set per template_id in the training questions; for questions
    without a template, per question type x attribute type; else the most frequent overall."""

    name = "majority"

    def __init__(self, train: list[Question]):
        self._by_template: dict[int, Counter] = defaultdict(Counter)
        self._by_type: dict[tuple[str, str], Counter] = defaultdict(Counter)
        self._overall: Counter = Counter()
        for question in train:
            answer = tuple(sorted(answer_set(question.answer)))
            if question.template_id is not None:
                self._by_template[question.template_id][answer] += 1
            self._by_type[(question.question_type, question.attribute_type)][answer] += 1
            self._overall[answer] += 1

    def predict(self, batch: list[Question], ecgs: Mapping[EcgId, ECGRecord]) -> list[list[str]]:
        return [list(self._answer(q)) for q in batch]

    def _answer(self, question: Question) -> tuple[str, ...]:
        for counts in (self._by_template.get(question.template_id),
                       self._by_type.get((question.question_type, question.attribute_type)), self._overall):
            if counts:
                return counts.most_common(1)[0][0]
        return (NONE_ANSWER,)


def measured_summary(record: ECGRecord) -> dict:
    """What ``ecg-agent measure --json`` reports: measurements plus the criteria statements."""
    measurements = measure(record)
    summary = measurements.to_dict()
    summary["statements"] = [s.to_dict() for s in evaluate(measurements)]
    return summary


def measurements_kind() -> str:
    """The cache kind of measured summaries: named by the measurement code's fingerprint, so that
    a cache folder written by an older version is not read as this one's."""
    return f"measurements-{measurement_fingerprint()}"


class RulesBaseline:
    """Answers from measured intervals and criteria statements (see the module docstring)."""

    name = "rules"

    def __init__(self, cache: ECGCache | None = None):
        self.cache = cache or ECGCache(None)

    def predict(self, batch: list[Question], ecgs: Mapping[EcgId, ECGRecord]) -> list[list[str]]:
        return [self._answer(q, [self._summary(e, ecgs[e]) for e in q.ecg_ids]) for q in batch]

    def _summary(self, ecg_id: EcgId, record: ECGRecord) -> dict:
        return self.cache.get(measurements_kind(), ecg_id, lambda: measured_summary(record))

    def _answer(self, question: Question, summaries: list[dict]) -> list[str]:
        if question.template_id in NUMERIC_COMPARISON_TEMPLATES and len(summaries) == 2:
            return numeric_comparison(*summaries, NUMERIC_COMPARISON_TEMPLATES[question.template_id])
        stated = [{s["name"].lower() for s in summary["statements"]} for summary in summaries]
        if len(stated) == 2:
            change = change_asked(question.question)
            return statement_comparison(question, *stated, change) if change else [NONE_ANSWER]
        return single_answer(question, stated[0])


def single_answer(question: Question, stated: set[str]) -> list[str]:
    """Verify: yes when every attribute asked about is stated; choose: the stated attributes;
    query (and choose without attributes): the stated options ("none" when nothing applies)."""
    attributes = [a.lower() for a in question.attribute or ()]
    if question.kind == "verify":
        return ["yes" if attributes and all(a in stated for a in attributes) else "no"]
    if question.kind == "choose" and attributes:
        chosen = [a for a in attributes if a in stated]
        return [a[: a.index(" of ")] if "the normal range" in a else a for a in chosen] or [NONE_ANSWER]
    options = [o.lower() for o in question.options or () if o.lower() != NONE_ANSWER]
    named = [o for o in options if o in stated or any(f"{o} of {a}" in stated for a in attributes)]
    return named or [NONE_ANSWER]


def change_asked(text: str) -> tuple[bool, bool] | None:
    """(stated in the first ECG, stated in the second) that a comparison question asks about."""
    lowered = text.lower()
    return next((states for word, states in CHANGE_WORDS.items() if word in lowered), None)


def statement_comparison(question: Question, first: set[str], second: set[str],
                         change: tuple[bool, bool]) -> list[str]:
    """Verify: whether the attribute changed as asked; query: the options that did."""
    if question.kind == "verify":
        attributes = [a.lower() for a in question.attribute or ()]
        return ["yes" if attributes and all((a in first, a in second) == change for a in attributes) else "no"]
    options = [o.lower() for o in question.options or () if o.lower() != NONE_ANSWER]
    return [o for o in options if (o in first, o in second) == change] or [NONE_ANSWER]


def numeric_comparison(first: dict, second: dict, states: tuple[str, str]) -> list[str]:
    """The numeric features whose state (normal/abnormal against ECG-QA's ranges) is
    ``states[0]`` in the first ECG and ``states[1]`` in the second; unmeasured ones are left out."""
    found = [feature.name for feature in NUMERIC_FEATURES
             if (_state(first, feature.field), _state(second, feature.field)) == states]
    return found or [NONE_ANSWER]


def _state(summary: dict, field: str) -> str | None:
    range_name = numeric_range(field, summary.get(field))
    return RANGE_STATE.get(range_name) if range_name else None

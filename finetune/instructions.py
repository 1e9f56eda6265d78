"""Instruction data: ECG-QA-style questions generated from labelled ECGs, split by patient.

A source (questions_ludb, questions_ecgqa, questions_measured) turns its labels into
``LabelledECG`` objects: for each ECG, the attribute strings that hold, per attribute type
(ECG-QA's names: "scp_code", "noise", "axis", "extrasystole", "infarction_stage",
"numeric_feature"), and the vocabulary of that type. ``generate_questions`` then writes all seven
ECG-QA question types from them: single-verify, single-choose, single-query, and
comparison_consecutive-/comparison_irrelevant- verify and query (consecutive: two ECGs of one
patient in time order; irrelevant: ECGs of two different patients).
"""

from __future__ import annotations

import hashlib
import random
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

QUESTION_TYPES = ("single-verify", "single-choose", "single-query",
                  "comparison_consecutive-verify", "comparison_consecutive-query",
                  "comparison_irrelevant-verify", "comparison_irrelevant-query")
YES_NO = ("no", "yes")
NONE = "none"
# What an attribute type is called inside a question ("What <noun> does this ECG show?").
TYPE_NOUNS = {"scp_code": "diagnostic statements", "noise": "kinds of noise", "axis": "heart axis",
              "extrasystole": "extrasystoles", "infarction_stage": "stage of myocardial infarction",
              "numeric_feature": "abnormal numeric features"}


@dataclass(frozen=True)
class LabelledECG:
    """One ECG's labels: attribute type -> the attribute strings that hold for it."""

    ecg_id: str
    patient_id: str
    labels: Mapping[str, frozenset[str]]
    time_order: float = 0.0  # orders one patient's ECGs for consecutive comparisons


@dataclass(frozen=True)
class Example:
    """One instruction example: a question about one or two ECGs and its answer set."""

    question_type: str
    attribute_type: str
    question: str
    answer: tuple[str, ...]
    options: tuple[str, ...]
    ecg_ids: tuple[str, ...]
    patient_ids: tuple[str, ...]
    template_id: int | None = None
    meta: Mapping[str, str] = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"question_type": self.question_type, "attribute_type": self.attribute_type,
                "question": self.question, "answer": list(self.answer), "options": list(self.options),
                "ecg_id": list(self.ecg_ids), "patient_id": list(self.patient_ids),
                "template_id": self.template_id, **dict(self.meta)}

    @classmethod
    def from_dict(cls, data: Mapping) -> "Example":
        known = {"question_type", "attribute_type", "question", "answer", "options", "ecg_id",
                 "patient_id", "template_id"}
        return cls(data["question_type"], data["attribute_type"], data["question"],
                   tuple(data["answer"]), tuple(data.get("options") or ()), tuple(map(str, data["ecg_id"])),
                   tuple(map(str, data.get("patient_id") or data["ecg_id"])), data.get("template_id"),
                   {k: v for k, v in data.items() if k not in known})


def patient_split(patient_id: str, held_out_share: float = 0.2, salt: str = "ecg-agent") -> str:
    """'train' or 'test' for a patient, stable across runs and sources (a hash, not a shuffle)."""
    digest = hashlib.sha256(f"{salt}:{patient_id}".encode()).digest()
    return "test" if int.from_bytes(digest[:8], "big") / 2 ** 64 < held_out_share else "train"


def split_examples(examples: Iterable[Example], held_out_share: float = 0.2) -> dict[str, list[Example]]:
    """Examples by split; an example is held out when any of its patients is (no patient leaks)."""
    splits: dict[str, list[Example]] = {"train": [], "test": []}
    for example in examples:
        held = any(patient_split(p, held_out_share) == "test" for p in example.patient_ids)
        splits["test" if held else "train"].append(example)
    return splits


def generate_questions(ecgs: Sequence[LabelledECG], vocabularies: Mapping[str, Sequence[str]], *,
                       seed: int = 0, comparisons_per_ecg: int = 1,
                       held_out_share: float = 0.2) -> list[Example]:
    """All seven question types for every attribute type in ``vocabularies``.

    Comparison pairs are drawn within a split only (both ECGs' patients train, or both test),
    so ``split_examples`` keeps every generated pair.
    """
    rng = random.Random(seed)
    examples: list[Example] = []
    for ecg in ecgs:
        for kind, vocabulary in vocabularies.items():
            if kind in ecg.labels:
                examples += _single(ecg, kind, tuple(vocabulary), rng)
    for first, second, relation in _pairs(ecgs, rng, comparisons_per_ecg, held_out_share):
        for kind, vocabulary in vocabularies.items():
            if kind in first.labels and kind in second.labels:
                examples += _comparison(first, second, relation, kind, tuple(vocabulary), rng)
    return examples


def _single(ecg: LabelledECG, kind: str, vocabulary: tuple[str, ...], rng: random.Random) -> list[Example]:
    present = sorted(ecg.labels[kind] & set(vocabulary) - {NONE})
    absent = sorted(set(vocabulary) - set(present) - {NONE})
    noun = TYPE_NOUNS.get(kind, kind)
    ids, patients = (ecg.ecg_id,), (ecg.patient_id,)
    out = []
    # verify: one present attribute (yes) and one absent one (no), when there are any
    for attribute, answer in ((_pick(present, rng), "yes"), (_pick(absent, rng), "no")):
        if attribute:
            out.append(Example("single-verify", kind, f"Does this ECG show {attribute}?", (answer,),
                               YES_NO, ids, patients, meta={"attribute": attribute}))
    # choose: two candidates, at least one of them present when possible
    candidates = [c for c in (_pick(present, rng), _pick(absent, rng)) if c]
    if len(candidates) < 2:
        candidates = rng.sample(absent, 2) if len(absent) >= 2 else []
    if candidates:
        first, second = rng.sample(candidates, 2)
        chosen = tuple(sorted(c for c in (first, second) if c in present)) or (NONE,)
        out.append(Example("single-choose", kind, f"Which one does this ECG show, {first} or {second}?",
                           chosen, (first, second, NONE), ids, patients))
    out.append(Example("single-query", kind, f"What {noun} does this ECG show?",
                       tuple(present) or (NONE,), _with_none(vocabulary), ids, patients))
    return out


def _comparison(first: LabelledECG, second: LabelledECG, relation: str, kind: str,
                vocabulary: tuple[str, ...], rng: random.Random) -> list[Example]:
    known = set(vocabulary) - {NONE}
    before, after = first.labels[kind] & known, second.labels[kind] & known
    ids, patients = (first.ecg_id, second.ecg_id), (first.patient_id, second.patient_id)
    noun = TYPE_NOUNS.get(kind, kind)
    verbs = {"newly": sorted(after - before), "no longer": sorted(before - after),
             "still": sorted(after & before)}
    question_type = f"comparison_{relation}"
    out = []
    change = rng.choice(list(verbs))
    answer = tuple(verbs[change]) or (NONE,)
    out.append(Example(f"{question_type}-query", kind,
                       f"What {noun} does the second ECG {_change_phrase(change)} compared to the first ECG?",
                       answer, _with_none(vocabulary), ids, patients, meta={"change": change}))
    attribute = _pick(sorted(before | after), rng) or _pick(sorted(known), rng)
    if attribute:
        verb = rng.choice(list(verbs))
        yes = attribute in verbs[verb]
        out.append(Example(f"{question_type}-verify", kind,
                           f"Does the second ECG {_change_phrase(verb)} {attribute} compared to the first ECG?",
                           ("yes" if yes else "no",), YES_NO, ids, patients,
                           meta={"attribute": attribute, "change": verb}))
    return out


def _change_phrase(change: str) -> str:
    return {"newly": "newly show", "no longer": "no longer show", "still": "still show"}[change]


def _pairs(ecgs: Sequence[LabelledECG], rng: random.Random, per_ecg: int,
           held_out_share: float) -> list[tuple[LabelledECG, LabelledECG, str]]:
    """Consecutive pairs (one patient, time order) and irrelevant pairs (two patients, one split)."""
    by_patient: dict[str, list[LabelledECG]] = defaultdict(list)
    for ecg in ecgs:
        by_patient[ecg.patient_id].append(ecg)
    pairs = []
    for records in by_patient.values():
        records = sorted(records, key=lambda e: e.time_order)
        pairs += [(a, b, "consecutive") for a, b in zip(records, records[1:])]
    by_split: dict[str, list[LabelledECG]] = defaultdict(list)
    for ecg in ecgs:
        by_split[patient_split(ecg.patient_id, held_out_share)].append(ecg)
    for group in by_split.values():
        for first in group:
            others = [e for e in group if e.patient_id != first.patient_id]
            for second in rng.sample(others, min(per_ecg, len(others))):
                pairs.append((first, second, "irrelevant"))
    return pairs


def _pick(values: Sequence[str], rng: random.Random) -> str | None:
    return rng.choice(list(values)) if values else None


def _with_none(vocabulary: Sequence[str]) -> tuple[str, ...]:
    return tuple(vocabulary) if NONE in vocabulary else (*vocabulary, NONE)

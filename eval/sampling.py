"""ECG-QA's 10% evaluation sample, drawn the way its authors drew it for the LLM experiments.

Procedure of https://github.com/Jwoo5/ecg-qa llm_modeling/random_sample.py (seed 42): the
questions of a split, in the order ECG-QA's preprocessing lists them (its JSON files sorted by
name, concatenated), are grouped by question type x attribute type in a fixed order; each group
keeps round(n / 10) questions chosen with ``random.sample`` from one generator seeded once,
groups visited in that order. Given the whole split folder, the sample is ECG-QA's own; given a
part of it, the same procedure runs on that part. Question or attribute types outside ECG-QA's
lists (a user's own set) form further groups, in order of first appearance.
"""

from __future__ import annotations

import itertools
import random

from eval.ecgqa_data import Question

SAMPLE_SEED = 42
SAMPLE_ONE_IN = 10  # keep round(n / 10) of each group; n / 10, not n * 0.1: 25 * 0.1 rounds up
# The group order of random_sample.py (qtypes1 x qtypes2 x attrs, named as in the JSON files).
QUESTION_KINDS = ("single", "comparison_consecutive", "comparison_irrelevant")
ANSWER_KINDS = ("verify", "choose", "query")
ATTRIBUTE_TYPES = ("scp_code", "noise", "stage_of_infarction", "extra_systole", "heart_axis",
                   "numeric_feature")
GROUP_ORDER = tuple((f"{q}-{a}", attr)
                    for q, a, attr in itertools.product(QUESTION_KINDS, ANSWER_KINDS, ATTRIBUTE_TYPES))


def official_sample(questions: list[Question], one_in: int = SAMPLE_ONE_IN,
                    seed: int = SAMPLE_SEED) -> list[Question]:
    """The ECG-QA evaluation sample of ``questions`` (see the module docstring)."""
    groups: dict[tuple[str, str], list[Question]] = {key: [] for key in GROUP_ORDER}
    for question in questions:
        groups.setdefault((question.question_type, question.attribute_type), []).append(question)
    rng = random.Random(seed)
    sample: list[Question] = []
    for members in groups.values():
        sample.extend(rng.sample(members, round(len(members) / one_in)))
    return sample

"""Thresholds are named once, with a unit and a source, and the criteria modules use no bare numbers."""

from __future__ import annotations

import ast
import csv
from pathlib import Path

import pytest

from ecg import thresholds
from ecg.scp_codes import NAMED_BY_THE_PROJECT, NUMERIC_FEATURES, NUMERIC_RANGES, STATEMENTS, codes_for, knowledge_base
from ecg.thresholds import Threshold, all_thresholds

ROOT = Path(__file__).resolve().parents[2]
ECGQA_ANSWERS = Path(__file__).resolve().parents[1] / "fixtures" / "ecgqa" / "answers.csv"
ECGQA_MIMIC_ANSWERS = ECGQA_ANSWERS.with_name("answers_mimic_iv_ecg.csv")
CRITERIA_MODULES = sorted((ROOT / "ecg").glob("criteria*.py"))
# Numbers a rule may spell out: sign tests, counts of one, and the angle arithmetic of the axis.
ALLOWED_LITERALS = {0, 1, 2, 180, 360}


def test_every_threshold_has_unit_source_and_meaning():
    found = all_thresholds()
    assert len(found) > 40
    for threshold in found:
        assert threshold.unit and threshold.source and threshold.meaning, threshold.name


def test_threshold_names_are_unique_and_match_their_constant():
    for constant, value in vars(thresholds).items():
        if isinstance(value, Threshold):
            assert value.name == constant.lower()
    names = [threshold.name for threshold in all_thresholds()]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("path", CRITERIA_MODULES, ids=lambda p: p.name)
def test_criteria_modules_use_named_thresholds_not_bare_numbers(path):
    tree = ast.parse(path.read_text())
    numbers = [node.value for node in ast.walk(tree)
               if isinstance(node, ast.Constant) and type(node.value) in (int, float)]
    assert set(numbers) <= ALLOWED_LITERALS, f"{path.name} spells out {set(numbers) - ALLOWED_LITERALS}"


def test_ecgqa_normal_ranges_are_the_published_ones_in_ms():
    ranges = {f.name: (f.low.value if f.low else None, f.high.value) for f in NUMERIC_FEATURES}
    assert ranges == {"rr interval": (600, 1000), "p duration": (None, 120), "pr interval": (120, 200),
                      "qrs duration": (60, 110), "qt interval": (330, 430), "qt corrected": (330, 555)}


def _ecgqa_answers(path: Path = ECGQA_ANSWERS) -> set[str]:
    with path.open(newline="") as handle:
        return {row["class"] for row in csv.DictReader(handle)}


def test_statement_names_and_aliases_are_ecgqa_answer_strings():
    answers = _ecgqa_answers()
    mimic_only = {name.lower() for name in _ecgqa_answers(ECGQA_MIMIC_ANSWERS)} - answers
    for definition in STATEMENTS.values():
        if definition.category == "numeric" or definition.code in NAMED_BY_THE_PROJECT:
            continue
        assert definition.name in answers or definition.name in mimic_only, definition.code
        assert set(definition.aliases) <= answers, definition.code
    assert {"2AVB", "2AVB_2TO1", "AVB_HIGH_GRADE", "2AVB_MOBITZ1", "3AVB", "SAB2", "SPAUSE", "WPW", "RVH"} == {
        d.code for d in STATEMENTS.values() if d.name in mimic_only}
    assert not any(STATEMENTS[code].name in answers | mimic_only for code in NAMED_BY_THE_PROJECT)


def test_numeric_statement_names_combine_ecgqa_range_and_feature_strings():
    answers = _ecgqa_answers()
    for feature in NUMERIC_FEATURES:
        assert feature.name in answers
    for range_name in NUMERIC_RANGES:
        assert f"{range_name} the normal range" in answers
    numeric = [d for d in STATEMENTS.values() if d.category == "numeric"]
    assert len(numeric) == 3 * len(NUMERIC_FEATURES) - 1  # P duration has no lower limit
    assert STATEMENTS["QRSDUR_ABOVE"].name == "above the normal range of qrs duration"


def test_knowledge_base_lists_every_statement_with_cited_thresholds():
    entries = knowledge_base()
    assert [e["code"] for e in entries] == list(STATEMENTS)
    names = [e["name"] for e in entries]
    assert len(names) == len(set(names))
    for entry in entries:
        assert entry["definition"] and entry["thresholds"], entry["code"]
        assert "Threshold(" not in entry["definition"], entry["code"]
        for threshold in entry["thresholds"]:
            assert threshold["source"] and threshold["unit"]


def test_ecgqa_strings_lead_to_the_codes_that_answer_them():
    assert codes_for("Sinus Rhythm ") == ["SR"]
    assert codes_for("extrasystoles") == ["PVC", "PAC"]
    assert codes_for("prolonged pr interval") == ["1AVB"]
    assert codes_for("above the normal range of qt corrected") == ["QTC_ABOVE"]
    assert codes_for("myocardial infarction in inferior leads") == ["IMI"]
    assert codes_for("Third degree AV block") == ["3AVB"]
    assert codes_for("ischemic in inferior leads") == []

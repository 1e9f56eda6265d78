"""ECG-QA exact match and its tables, against hand-computed cases."""

from __future__ import annotations

import pytest

from eval.scoring import answer_set, exact_match, markdown_tables, read_against_options, score

FEATURES = ("none", "p duration", "pr interval", "qrs duration", "qt corrected", "qt interval", "rr interval")


def test_multi_answer_sets_match_in_any_order_and_only_whole():
    truth = ["rr interval", "qt interval", "p duration"]
    assert exact_match(["p duration", "qt interval", "rr interval"], truth)
    assert not exact_match(["qt interval", "rr interval"], truth)  # a subset is wrong
    assert not exact_match(["qt interval", "rr interval", "p duration", "pr interval"], truth)  # a superset too


def test_none_is_the_empty_answer_on_both_sides():
    assert answer_set([]) == {"none"}
    assert exact_match(["none"], [])
    assert exact_match([], ["none"])
    assert not exact_match(["qt interval"], ["none"])
    assert not exact_match(["none"], ["qt interval"])
    # ECG-QA encodes "none" as the empty label vector: beside a real answer it adds nothing.
    assert exact_match(["none", "qt interval"], ["qt interval"])


def test_answers_are_compared_lower_cased_and_stripped():
    assert exact_match([" Yes"], ["yes"])
    assert not exact_match(["yes"], ["no"])
    assert not exact_match(["not sure"], ["no"])


def test_free_text_is_read_against_the_options():
    options = ("left axis deviation", "normal heart axis", "right axis deviation", "none")
    assert read_against_options(["The axis shows left axis deviation."], options) == {"left axis deviation"}
    assert exact_match(["Answer: right axis deviation"], ["right axis deviation"], options)
    assert read_against_options(["I cannot tell"], options) == {"none"}
    # without options the text is taken as it is, and so does not match
    assert not exact_match(["Answer: right axis deviation"], ["right axis deviation"])


def test_the_longest_option_mentioned_wins():
    options = ("myocardial infarction", "myocardial infarction in inferior leads", "none")
    assert read_against_options(["myocardial infarction in inferior leads"], options) == {
        "myocardial infarction in inferior leads"}
    assert read_against_options(["qt interval and rr interval"], FEATURES) == {"qt interval", "rr interval"}


def row(template_id, correct, question_type="comparison_irrelevant-query", attribute_type="numeric_feature"):
    return {"template_id": template_id, "correct": correct, "question_type": question_type,
            "attribute_type": attribute_type}


def test_tables_per_template_gather_paraphrases_and_types():
    # Paraphrases of one template share its template_id: 68 has 2 of 3 right, 69 1 of 2,
    # one single-verify noise question is right, one user question without template is wrong.
    rows = [row(68, True), row(68, False), row(68, True), row(69, True), row(69, False),
            row(26, True, "single-verify", "noise"), row(None, False, "single-query", "heart_axis")]
    results = score(rows)
    assert results["overall"] == {"correct": 4, "total": 7, "exact_match": round(4 / 7, 4)}
    assert results["template_id"]["68"] == {"correct": 2, "total": 3, "exact_match": 0.6667}
    assert results["template_id"]["69"]["exact_match"] == 0.5
    assert results["template_id"]["none"] == {"correct": 0, "total": 1, "exact_match": 0.0}
    assert list(results["template_id"]) == ["26", "68", "69", "none"]
    assert results["question_type"]["comparison_irrelevant-query"] == {"correct": 3, "total": 5, "exact_match": 0.6}
    assert results["attribute_type"]["noise"]["correct"] == 1
    table = markdown_tables(results)
    assert "| 68 | 3 | 66.7 |" in table and "57.1%" in table


@pytest.mark.parametrize("truth, predicted, expected", [
    (["p duration", "qt corrected"], ["qt corrected", "p duration"], True),
    (["p duration", "qt corrected"], ["qt corrected"], False),
    ([], [], True),
])
def test_exact_match_table(truth, predicted, expected):
    assert exact_match(predicted, truth, FEATURES) is expected

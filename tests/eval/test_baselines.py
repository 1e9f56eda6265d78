"""The majority and rules baselines, on hand-made measurements and on simulated ECGs."""

from __future__ import annotations

import pytest

from ecg.record import make_record
from eval.baselines import MajorityBaseline, RulesBaseline, measurements_kind, numeric_comparison
from eval.cache import ECGCache
from eval.ecgqa_data import Question
from eval.neurokit_baseline import NeuroKitReplicaBaseline, ecgqa_features
from tests.conftest import synthetic_12lead


def q(key, template_id, answer, question_type="comparison_irrelevant-query", attribute_type="numeric_feature",
      ecg_ids=(1, 2), attribute=None, options=None):
    return Question(str(key), "q", tuple(ecg_ids), tuple(answer), question_type, attribute_type, template_id,
                    template_id, attribute, options)


def test_majority_answers_each_templates_most_frequent_set():
    train = [q(1, 68, ["qt interval", "rr interval"]), q(2, 68, ["rr interval", "qt interval"]),
             q(3, 68, ["none"]), q(4, 69, []), q(5, 69, ["p duration"]), q(6, 69, ["none"]),
             q(7, None, ["yes"], "single-verify", "noise")]
    baseline = MajorityBaseline(train)
    asked = [q(10, 68, []), q(11, 69, []), q(12, None, [], "single-verify", "noise"),
             q(13, 70, [], "single-query", "heart_axis")]
    assert baseline.predict(asked, {}) == [["qt interval", "rr interval"], ["none"], ["yes"],
                                           ["none"]]  # unseen type: the overall most frequent ("none": 3 times)


def summary(statements=(), **values):
    """What measured_summary returns, reduced to what the rules read."""
    fields = {"rr_ms": None, "p_duration_ms": None, "pr_interval_ms": None, "qrs_duration_median_lead_ms": None,
              "qt_interval_ms": None, "qtc_bazett_ms": None}
    fields.update(values)
    fields["statements"] = [{"name": name} for name in statements]
    return fields


def test_numeric_comparison_by_hand():
    # ECG-QA ranges: RR 600-1000 ms, QRS 60-110 ms, QT 330-430 ms, PR 120-200 ms
    first = summary(rr_ms=1200.0, qrs_duration_median_lead_ms=130.0, qt_interval_ms=400.0, pr_interval_ms=150.0)
    second = summary(rr_ms=800.0, qrs_duration_median_lead_ms=120.0, qt_interval_ms=450.0, pr_interval_ms=None)
    assert numeric_comparison(first, second, ("abnormal", "normal")) == ["rr interval"]        # 68
    assert numeric_comparison(first, second, ("normal", "abnormal")) == ["qt interval"]        # 69
    assert numeric_comparison(first, second, ("abnormal", "abnormal")) == ["qrs duration"]     # 70
    assert numeric_comparison(second, second, ("abnormal", "normal")) == ["none"]
    # bounds are inclusive: 1000 ms is a normal RR, 1000.5 is not
    assert numeric_comparison(summary(rr_ms=1000.5), summary(rr_ms=1000.0), ("abnormal", "normal")) == ["rr interval"]


def cached(summaries: dict) -> ECGCache:
    cache = ECGCache(None)
    for ecg_id, value in summaries.items():
        cache.get(measurements_kind(), ecg_id, lambda value=value: value)
    return cache


def test_rules_answer_verify_choose_and_query_from_statements():
    stated = summary(rr_ms=900.0, statements=["sinus rhythm", "left axis deviation",
                                              "above the normal range of qt interval"])
    rules = RulesBaseline(cached({1: stated, 2: summary(rr_ms=1300.0)}))
    questions = [
        q(1, 1, ["yes"], "single-verify", "scp_code", (1,), ["sinus rhythm"]),
        q(2, 1, ["no"], "single-verify", "scp_code", (1,), ["atrial fibrillation"]),
        q(3, 41, ["above the normal range"], "single-choose", "numeric_feature", (1,),
          ["above the normal range of qt interval", "below the normal range of qt interval"]),
        q(4, 21, ["left axis deviation"], "single-query", "heart_axis", (1,), None,
          ("left axis deviation", "normal heart axis", "none")),
        q(5, 40, ["above the normal range"], "single-query", "numeric_feature", (1,), ["qt interval"],
          ("above the normal range", "below the normal range", "within the normal range", "none")),
        q(6, 68, ["none"], ecg_ids=(2, 1)),
        q(7, 47, ["none"], "comparison_consecutive-query", "scp_code", (1, 2)),
    ]
    assert rules.predict(questions, {1: None, 2: None}) == [["yes"], ["no"], ["above the normal range"], ["left axis deviation"],
                                            ["above the normal range"], ["rr interval"], ["none"]]


def test_rules_answer_comparisons_that_name_their_change():
    first = summary(statements=["sinus rhythm", "left axis deviation"])
    second = summary(statements=["sinus rhythm", "complete right bundle branch block"])
    rules = RulesBaseline(cached({1: first, 2: second}))
    options = ("sinus rhythm", "left axis deviation", "complete right bundle branch block", "none")

    def ask(text, kind="query", attribute=None):
        return Question(text, text, (1, 2), (), f"comparison_irrelevant-{kind}", "scp_code", None, None,
                        attribute, options if kind == "query" else ("no", "yes"))

    asked = [ask("What does the second ECG newly show compared to the first ECG?"),
             ask("What does the second ECG no longer show compared to the first ECG?"),
             ask("What does the second ECG still show compared to the first ECG?"),
             ask("Does the second ECG newly show sinus rhythm?", "verify", ("sinus rhythm",)),
             ask("Does the second ECG still show sinus rhythm?", "verify", ("sinus rhythm",)),
             ask("How do the two ECGs differ?")]
    assert rules.predict(asked, {1: None, 2: None}) == [
        ["complete right bundle branch block"], ["left axis deviation"], ["sinus rhythm"], ["no"], ["yes"],
        ["none"]]


@pytest.mark.slow
def test_rules_on_simulated_ecgs_see_the_heart_rate_return_to_normal(tmp_path):
    records = {}
    for ecg_id, rate in ((1, 125), (2, 70)):
        signal, leads = synthetic_12lead(heart_rate=rate, seed=ecg_id)
        records[ecg_id] = make_record(signal, 500, leads, source=f"sim{rate}", format="synthetic")
    cache = ECGCache(tmp_path / "cache")
    rules = RulesBaseline(cache)
    became_normal, became_abnormal = rules.predict([q(1, 68, []), q(2, 69, [], ecg_ids=(2, 1))], records)
    assert "rr interval" in became_normal and "rr interval" in became_abnormal
    assert (tmp_path / "cache" / measurements_kind() / "1.json").is_file()
    # a second baseline over the same cache measures nothing again
    again = RulesBaseline(ECGCache(tmp_path / "cache"))
    assert again.predict([q(1, 68, [])], {1: None, 2: None}) == [became_normal]


@pytest.mark.slow
def test_the_neurokit_replica_sees_the_heart_rate_return_to_normal():
    records = {}
    for ecg_id, rate in ((1, 125), (2, 70)):
        signal, leads = synthetic_12lead(heart_rate=rate, seed=ecg_id, fs=100)
        records[ecg_id] = make_record(signal, 100, leads, source=f"sim{rate}", format="synthetic")
    features = ecgqa_features(records[2])
    assert features["rr interval"] == pytest.approx(60 / 70, abs=0.02)
    replica = NeuroKitReplicaBaseline()
    became_normal, other = replica.predict([q(1, 68, []), q(2, 47, [], "comparison_consecutive-query", "scp_code")],
                                           records)
    assert "rr interval" in became_normal and other == ["none"]

from types import SimpleNamespace

import pytest

from agent.pipeline import Agent
from agent.rules import allows_several, asked_range, decide, is_verify, mentioned_leads, mentioned_phrases
from ecg.criteria import evaluate_all
from tests.ecg.built_measurements import normal

VERIFY = ["yes", "no", "not sure"]


def test_question_parsing():
    assert mentioned_leads("Does this ECG show static noise in lead aVL?") == ["aVL"]
    assert mentioned_leads("Is there baseline drift in leads V1, V2 and III?") == ["V1", "V2", "III"]
    assert mentioned_phrases("does it show sinus bradycardia?", ["sinus rhythm", "sinus bradycardia"]) == [
        "sinus bradycardia"]
    assert is_verify("Does this ECG show x?", []) and is_verify("Which?", VERIFY)
    assert asked_range("Which numeric features are abnormal?") == "abnormal"
    assert asked_range("What numeric features have become normal?") == "within"
    assert allows_several("Which numeric features are above the normal range?", ["rr interval", "qt interval"])
    assert not allows_several("Does this ECG show sinus rhythm?", VERIFY)


def test_verify_statement_answers_from_the_criteria_engine(example_hea, ludb):
    agent = Agent(retrieval=False)
    yes = agent.ask([example_hea], "Does this ECG show sinus bradycardia?", VERIFY)
    assert yes.answer == ["yes"] and yes.evidence[0]["id"] == "s:SBRAD" and not yes.abstained
    no = agent.ask([ludb / "2.hea"], "Does this ECG show atrial fibrillation?", VERIFY)
    assert no.answer == ["no"]
    afib = agent.ask([ludb / "44.hea"], "Does this ECG show atrial fibrillation?", VERIFY)
    assert afib.answer == ["yes"] and afib.decided_by == "evidence"
    # no PR in atrial fibrillation: AV conduction cannot be read, so not "no"
    avb = agent.ask([ludb / "44.hea"], "Does this ECG show first degree av block?", VERIFY)
    assert avb.answer == ["not sure"] and avb.abstained and avb.evidence[0]["id"] == "m:pr_interval_ms"


def test_numeric_questions_follow_the_measured_values(example_hea):
    agent = Agent(retrieval=False)
    answer = agent.ask([example_hea], "Which numeric features are above the normal range?",
                       ["rr interval", "qrs duration", "qt interval"])
    m = agent.context(example_hea).measurements
    assert (m.rr_ms > 1200) == ("rr interval" in answer.answer)   # ECG-QA range 600-1200 ms
    assert (m.qrs_duration_median_lead_ms > 110) == ("qrs duration" in answer.answer)
    assert "m:rr_ms" in [e["id"] for e in answer.evidence[:6]]


def test_comparison_of_two_ecgs(example_hea, ludb):
    agent = Agent(retrieval=False)
    # ludb_1 (45 bpm, RR above range) -> record 2 (66 bpm, RR within): RR became normal
    answer = agent.ask([example_hea, ludb / "2.hea"],
                       "What numeric features of the second ECG now have become normal as compared to the first ECG?",
                       ["rr interval", "qrs duration", "pr interval"])
    assert answer.answer == ["rr interval"]
    assert {"ecg1/m:rr_ms", "ecg2/m:rr_ms"} <= {e["id"] for e in answer.evidence}


def test_choose_options_among_statements(ludb):
    answer = Agent(retrieval=False).ask([ludb / "44.hea"], "Which rhythm does this ECG show?",
                                        ["sinus rhythm", "atrial fibrillation"])
    assert answer.answer == ["atrial fibrillation"]


def test_numeric_query_with_none_among_the_options(ludb):
    agent = Agent(retrieval=False)
    # record 2: QRS 106 ms and PR 194 ms are inside their ECG-QA ranges
    answer = agent.ask([ludb / "2.hea"], "Which numeric features are below the normal range?",
                       ["qrs duration", "pr interval", "none"])
    assert answer.answer == ["none"] and not answer.abstained


def test_comparison_verify_names_the_change(ludb):
    agent = Agent(retrieval=False)
    pair = [ludb / "2.hea", ludb / "44.hea"]  # sinus rhythm, then atrial fibrillation
    newly = agent.ask(pair, "Does the second ECG newly show atrial fibrillation compared to the first?", VERIFY)
    assert newly.answer == ["yes"] and newly.evidence[0]["id"] == "ecg2/s:AFIB"
    still = agent.ask(pair, "Does the second ECG still show atrial fibrillation compared to the first?", VERIFY)
    assert still.answer == ["no"]
    gone = agent.ask(pair, "Does the second ECG no longer show sinus rhythm compared to the first?", VERIFY)
    assert gone.answer == ["yes"]


# --- undetermined statements and lead-specific ST-T questions (rule level, hand-built values) -----

def context(m):
    return SimpleNamespace(measurements=m, assessments=evaluate_all(m))


def test_verify_on_an_undetermined_code_answers_not_sure_with_the_reason():
    m = normal(pr_interval_ms=None, p_wave_present_share=0.1, notes={"pr_interval_ms": "no P waves"})
    question = "Does this ECG show first degree av block?"
    found = decide([context(m)], question, VERIFY)
    assert found.answer == ["not sure"] and found.abstained
    assert "pr_interval_ms (no P waves)" in found.text and found.evidence_ids == ["m:pr_interval_ms"]
    assert decide([context(m)], question, []).answer == ["not sure"]
    assert decide([context(m)], question, ["yes", "no"]) is None       # "not sure" is no option here
    assert decide([context(normal())], question, VERIFY).answer == ["no"]


def test_verify_on_st_t_with_missing_lead_group_is_not_sure():
    m = normal()
    del m.per_lead["V1"], m.per_lead["V2"]
    found = decide([context(m)], "Does this ECG show non-specific st elevation?", VERIFY)
    assert found.answer == ["not sure"] and "lead V1 missing or unusable" in found.text
    assert found.evidence_ids == ["q:quality"]


def test_verify_change_is_not_sure_when_either_ecg_cannot_be_judged():
    first, second = normal(pr_interval_ms=250.0), normal(pr_interval_ms=None)
    found = decide([context(first), context(second)],
                   "Does the second ECG no longer show first degree av block compared to the first?", VERIFY)
    assert found.answer == ["not sure"] and found.evidence_ids == ["ecg2/m:pr_interval_ms"]


def test_choose_leaves_undetermined_options_out_and_says_so():
    m = normal(pr_interval_ms=None, qrs_axis_deg=None)
    found = decide([context(m)], "Which of these does this ECG show?",
                   ["first degree av block", "sinus rhythm", "left axis deviation"])
    assert found.answer == ["sinus rhythm"]
    assert "left out, cannot be judged: first degree av block" in found.text and "left axis deviation" in found.text
    only_unknown = decide([context(m)], "Which of these does this ECG show?", ["first degree av block", "none"])
    assert only_unknown is None


@pytest.mark.parametrize("question, expected", [
    ("Does this ECG show T-wave inversion in lead V5?", "yes"),
    ("Does this ECG show inverted t-waves in lead V2?", "no"),
    ("Does this ECG show inverted t-waves in leads V5 and V6?", "yes"),
    ("Does this ECG show inverted t-waves in leads V2 and V5?", "no"),
    ("Does this ECG show non-specific st elevation in lead III?", "yes"),
    ("Does this ECG show ST elevation in lead II?", "no"),
    ("Does this ECG show non-specific st depression in lead aVL?", "not sure"),   # lead missing
])
def test_lead_specific_st_t_questions_concern_the_named_leads(question, expected):
    # one lateral lead alone: no lead-group statement, yet the answer about V5 itself is yes
    m = normal({"V5": {"t_amplitude_mv": -0.2}, "V6": {"t_amplitude_mv": -0.15}, "III": {"st_j_mv": 0.12}})
    del m.per_lead["aVL"]
    found = decide([context(m)], question, VERIFY)
    assert found.answer == [expected]
    assert ("per_lead.V5.t_amplitude_mv [V5] = -0.2 mV <= -0.1 mV" in found.text) is ("V5" in question)


def test_lead_specific_answer_shows_the_values_that_fail_the_criterion():
    m = normal({"V4": {"st_j_mv": -0.1, "st_j60_mv": None}})
    found = decide([context(m)], "Does this ECG show ST depression in lead V4?", VERIFY)
    assert found.answer == ["not sure"] and "per_lead.V4.st_j60_mv not measured" in found.text   # J met, J+60 unknown
    m = normal({"V4": {"st_j_mv": -0.01, "st_j60_mv": None}})
    found = decide([context(m)], "Does this ECG show ST depression in lead V4?", VERIFY)
    assert found.answer == ["no"] and "st_j_mv = -0.01 mV, st_j60_mv not measured" in found.text


def test_lead_specific_st_t_is_not_sure_with_a_wide_qrs():
    m = normal({"V2": {"st_j_mv": 0.4}}, qrs_duration_median_lead_ms=150.0)
    found = decide([context(m)], "Does this ECG show ST elevation in lead V2?", VERIFY)
    assert found.answer == ["not sure"] and "QRS (median lead) 150 ms" in found.text


def test_which_leads_show_an_st_t_change():
    m = normal({"V5": {"t_amplitude_mv": -0.2}, "V2": {"t_amplitude_mv": -0.3}})
    del m.per_lead["V6"]
    leads = ["lead V2", "lead V5", "lead V6", "lead I", "none"]
    found = decide([context(m)], "Which leads show inverted t-waves?", leads)
    assert found.answer == ["lead V2", "lead V5"] and "lead V6: lead missing or unusable" in found.text
    assert decide([context(normal())], "Which leads show inverted t-waves?", leads).answer == ["none"]

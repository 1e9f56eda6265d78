from agent.pipeline import Agent
from agent.rules import allows_several, asked_range, is_verify, mentioned_leads, mentioned_phrases

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


def test_numeric_questions_follow_the_measured_values(example_hea):
    agent = Agent(retrieval=False)
    answer = agent.ask([example_hea], "Which numeric features are above the normal range?",
                       ["rr interval", "qrs duration", "qt interval"])
    m = agent.context(example_hea).measurements
    assert (m.rr_ms > 1200) == ("rr interval" in answer.answer)   # ECG-QA range 600-1200 ms
    assert (m.qrs_duration_ms > 110) == ("qrs duration" in answer.answer)
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

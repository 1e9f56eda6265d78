"""The prompt format the agent uses at inference: content, order, answer round trip."""

from finetune.prompt import build_messages, format_answer, measurement_summary, parse_answer


def test_user_turn_holds_ecgs_measurements_context_question_options_in_order():
    messages = build_messages("Which one does this ECG show?", ecg_tokens=[["<ecg_seg>", "<ecg_3>"], ["<ecg_seg>"]],
                              measurements=["heart rate 60 bpm", "heart rate 90 bpm"],
                              context=["QRS >= 120 ms is complete block"], options=["a", "b"])
    assert [m["role"] for m in messages] == ["system", "user"]
    lines = messages[1]["content"].splitlines()
    assert lines == ["ECG 1: <ecg_seg><ecg_3>", "ECG 1 measurements: heart rate 60 bpm", "ECG 2: <ecg_seg>",
                     "ECG 2 measurements: heart rate 90 bpm", "Context:", "- QRS >= 120 ms is complete block",
                     "Question: Which one does this ECG show?", "Options: a; b"]


def test_single_ecg_without_options_or_context():
    content = build_messages("Is it normal?", ecg_tokens=[["<ecg_seg>"]])[1]["content"]
    assert content == "ECG: <ecg_seg>\nQuestion: Is it normal?"


def test_answer_sets_have_one_spelling_and_parse_back_to_options():
    assert format_answer(["qt interval", "rr interval", "qt interval"]) == "qt interval; rr interval"
    assert format_answer([]) == "none"
    options = ["bigeminal pattern (unknown origin, supraventricular, or ventricular)", "sinus rhythm", "none"]
    text = format_answer([options[0], "sinus rhythm"])
    assert parse_answer(text, options) == sorted([options[0], "sinus rhythm"])
    assert parse_answer("Sinus Rhythm; made up", options) == ["sinus rhythm"]


def test_measurement_summary_skips_unmeasured_values_and_normal_ranges():
    summary = measurement_summary({"heart_rate_bpm": 61.6, "pr_interval_ms": None, "qrs_duration_ms": 98.2,
                                   "statements": [{"name": "sinus rhythm"},
                                                  {"name": "within the normal range of qrs duration"}]})
    assert summary == "heart rate 62 bpm; QRS 98 ms; criteria: sinus rhythm"
    assert measurement_summary(None) == ""

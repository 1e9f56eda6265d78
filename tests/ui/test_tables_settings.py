from agent.factory import AgentSettings
from ui.settings import agent_settings, data_folder, settings_env
from ui.tables import evidence_groups, measurement_flag, measurement_rows, quality_rows


def test_measurement_flags_against_the_normal_range():
    assert measurement_flag({"value": 504.0, "normal_range": [330.0, 430.0]}) == "high"
    assert measurement_flag({"value": 50.0, "normal_range": [60.0, 110.0]}) == "low"
    assert measurement_flag({"value": 100.0, "normal_range": [None, 120.0]}) == "normal"
    assert measurement_flag({"value": 25.7}) == ""
    assert measurement_flag({"value": None, "note": "no P waves"}) == "not measured: no P waves"


def test_measurement_rows_name_every_field():
    rows = measurement_rows({"qt_interval_ms": 504.0, "heart_rate_bpm": 45.49, "notes": {"pr_interval_ms": "AF"}})
    by_name = {r["measure"]: r for r in rows}
    assert by_name["qt_interval_ms"] == {"measure": "qt_interval_ms", "value": "504", "unit": "ms",
                                         "normal range": "330-430", "flag": "high"}
    assert by_name["heart_rate_bpm"]["value"] == "45"
    assert by_name["p_duration_ms"]["normal range"] == "≤ 120"
    assert by_name["pr_interval_ms"]["flag"] == "not measured: AF"


def test_quality_rows_list_problems_per_lead():
    quality = {"leads": {"I": {"verdict": "good", "problems": []},
                         "V1": {"verdict": "unusable", "problems": [{"name": "flat_line"}]}}}
    assert quality_rows(quality) == [{"lead": "I", "verdict": "good", "problems": "none"},
                                     {"lead": "V1", "verdict": "unusable", "problems": "flat_line"}]


def test_evidence_is_grouped_by_kind_in_reading_order():
    items = [{"id": "k:1", "kind": "knowledge"}, {"id": "m:rr_ms", "kind": "measurement"},
             {"id": "r:7", "kind": "report"}, {"id": "s:SBRAD", "kind": "statement"}]
    assert [(title, [i["id"] for i in group]) for title, group in evidence_groups(items)] == [
        ("Measurements", ["m:rr_ms"]), ("Statements", ["s:SBRAD"]), ("Similar reports", ["r:7"]),
        ("Knowledge", ["k:1"])]


def test_settings_travel_through_the_environment(tmp_path):
    env = settings_env(str(tmp_path), no_llm=True, no_retrieval=False, llm_url="http://127.0.0.1:8000/v1",
                       model=None)
    assert env == {"ECG_AGENT_UI_NO_LLM": "1", "ECG_AGENT_LLM_URL": "http://127.0.0.1:8000/v1",
                   "ECG_AGENT_UI_DATA": str(tmp_path.resolve())}
    assert agent_settings(env) == AgentSettings(use_llm=False, llm_url="http://127.0.0.1:8000/v1")
    assert data_folder(env) == tmp_path.resolve()
    assert agent_settings({}) == AgentSettings()

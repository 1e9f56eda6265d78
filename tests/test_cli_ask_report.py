import json

import pytest

from cli.main import main
from tests.agent.conftest import LUDB

VERIFY = ["yes", "no", "not sure"]


def _json(capsys, argv):
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_ask_json_evidence_matches_measure_json(capsys, example_hea):
    measured = _json(capsys, ["measure", str(example_hea), "--json"])
    answer = _json(capsys, ["ask", str(example_hea), "Does this ECG show sinus bradycardia?",
                            "--options", *VERIFY, "--json", "--no-llm", "--no-retrieval"])
    assert answer["answer"] == ["yes"] and answer["text"].startswith("yes")
    values = {e["measure"]: e["value"] for e in answer["evidence"] if e["kind"] == "measurement"}
    for key in ("heart_rate_bpm", "rr_ms", "pr_interval_ms", "qrs_duration_ms", "qt_interval_ms",
                "qtc_bazett_ms", "qrs_axis_deg"):
        assert values[key] == pytest.approx(measured[key])
    codes = {e["code"] for e in answer["evidence"] if e["kind"] == "statement"}
    assert codes == {s["code"] for s in measured["statements"]}


def test_ask_two_ecgs_compares_them(capsys, example_hea):
    answer = _json(capsys, ["ask", str(example_hea), str(LUDB / "2.hea"),
                            "What numeric features of the second ECG now have become normal as compared to the first ECG?",
                            "--options", "rr interval", "qrs duration", "--json", "--no-llm", "--no-retrieval"])
    assert answer["answer"] == ["rr interval"]


def test_ask_text_output(capsys, example_hea):
    assert main(["ask", str(example_hea), "Does this ECG show atrial fibrillation?", "--no-llm",
                 "--no-retrieval"]) == 0
    assert capsys.readouterr().out.startswith("no:")


def test_report_markdown_and_json(capsys):
    assert main(["report", str(LUDB / "44.hea"), "--no-retrieval"]) == 0
    markdown = capsys.readouterr().out
    assert "## Impression" in markdown and "- atrial fibrillation [s:AFIB" in markdown
    report = _json(capsys, ["report", str(LUDB / "44.hea"), "--format", "json", "--no-retrieval"])
    assert all(f["evidence"] for f in report["findings"])


def test_bad_file_is_one_line_error(capsys, tmp_path):
    bad = tmp_path / "bad.hea"
    bad.write_text("not a header\n")
    assert main(["ask", str(bad), "Does this ECG show sinus rhythm?", "--no-llm", "--no-retrieval"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ecg-agent ask: error:") and "bad.hea" in err and err.count("\n") == 1
    assert main(["report", str(tmp_path / "missing.hea"), "--no-retrieval"]) == 2
    assert "missing.hea" in capsys.readouterr().err


def test_ask_needs_a_file_and_a_question(capsys):
    assert main(["ask", "Does this ECG show sinus rhythm?", "--no-llm"]) == 2
    assert "one or two ECG files" in capsys.readouterr().err


def test_ask_about_a_synthetic_wfdb_record(capsys, tmp_path, monkeypatch):
    import wfdb

    from ecg.leads import STANDARD_LEADS
    from tests.conftest import synthetic_12lead

    signal, _ = synthetic_12lead(heart_rate=70)
    monkeypatch.chdir(tmp_path)
    wfdb.wrsamp("synthetic", fs=500, units=["mV"] * 12, sig_name=list(STANDARD_LEADS), p_signal=signal.T,
                fmt=["16"] * 12)
    answer = _json(capsys, ["ask", "synthetic.hea", "Which numeric features are within the normal range?",
                            "--options", "rr interval", "--json", "--no-llm", "--no-retrieval"])
    assert answer["answer"] == ["rr interval"]  # 70 bpm: RR about 857 ms, inside 600-1200 ms


def test_ask_with_the_default_indexes_cites_reports_and_knowledge(capsys, example_hea):
    pytest.importorskip("faiss")
    pytest.importorskip("sentence_transformers")
    answer = _json(capsys, ["ask", str(example_hea), "Does this ECG show sinus bradycardia?", "--json", "--no-llm"])
    kinds = {e["kind"] for e in answer["evidence"]}
    assert {"report", "knowledge"} <= kinds
    assert all(e["id"].startswith("r:") for e in answer["evidence"] if e["kind"] == "report")

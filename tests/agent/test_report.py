import json

import numpy as np

from agent.pipeline import Agent
from agent.report import SECTIONS, to_markdown
from ecg.record import make_record
from tests.ecg.synthetic_waves import LEADS, blocked_pac_record, dropped_beat_record


def test_every_impression_line_cites_evidence_present_in_the_report(ludb):
    agent = Agent(retrieval=False)
    for name in ("2.hea", "44.hea", "74.hea"):
        report = agent.report(ludb / name)
        assert set(report.sections) == set(SECTIONS)
        ids = {item["id"] for item in report.evidence}
        assert report.findings and all(f["evidence"] and set(f["evidence"]) <= ids for f in report.findings)
        assert len(report.sections["impression"]) == len(report.findings)


def test_report_names_the_measured_findings(ludb):
    report = Agent(retrieval=False).report(ludb / "44.hea")
    texts = [f["text"] for f in report.findings]
    assert "atrial fibrillation" in texts and "complete left bundle branch block" in texts
    markdown = to_markdown(report)
    assert "## Impression" in markdown and "s:CLBBB" in markdown
    json.dumps(report.to_dict())


def test_poor_quality_is_the_first_finding(noise_record):
    report = Agent(retrieval=False).report(noise_record)
    assert report.findings[0]["evidence"] == ["q:quality"] and "unusable" in report.findings[0]["text"]


def test_the_rate_section_gives_the_atrial_rate_where_it_differs(ludb):
    agent = Agent(retrieval=False)
    assert agent.report(ludb / "2.hea").sections["rate"] == "heart rate 66 bpm"            # sinus rhythm
    assert agent.report(ludb / "52.hea").sections["rate"] == "heart rate 67 bpm; atrial rate 268 bpm"   # flutter
    paced = agent.report(ludb / "111.hea")                # complete AV block under ventricular pacing
    assert paced.sections["rate"].startswith("heart rate 60 bpm; atrial rate 74 bpm: P waves independent of the QRS")
    assert "third degree av block" in [f["text"] for f in paced.findings]


def test_wenckebach_block_is_reported_as_sinus_rhythm_with_mobitz_type_1_block():
    signal = dropped_beat_record(75.0, (0.16, 0.24, 0.28)).astype(np.float32)
    record = make_record(signal, 500.0, list(LEADS), source="wenckebach.npy", format="npy")
    report = Agent(retrieval=False).report(record)
    assert report.sections["rate"].startswith("heart rate 58 bpm; atrial rate 75 bpm: a non-conducted P wave in the pauses")
    assert any(line.startswith("sinus rhythm:") for line in report.sections["rhythm"])
    assert "PR not measured (P waves at PRs that change from beat to beat" in report.sections["intervals"][0]
    (typed,) = [f for f in report.findings if f["text"] == "mobitz type 1 second-degree av block"]
    assert typed["evidence"][0] == "s:2AVB_MOBITZ1" and "m:pr_shortening_after_pause_ms" in typed["evidence"]


def test_blocked_premature_atrial_beats_are_reported_as_pacs_at_the_sinus_rate():
    signal = blocked_pac_record(75.0, 0.5, 3).astype(np.float32)
    record = make_record(signal, 500.0, list(LEADS), source="blocked_pacs.npy", format="npy")
    report = Agent(retrieval=False).report(record)
    assert report.sections["rate"].startswith("heart rate 64 bpm; atrial rate 75 bpm: sinus P waves between the pauses")
    (pac,) = [f for f in report.findings if f["text"] == "atrial premature complex"]
    assert pac["evidence"] == ["s:PAC", "m:blocked_premature_beats"]
    assert "sinus arrhythmia" not in [f["text"] for f in report.findings]

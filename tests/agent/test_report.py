import json

from agent.pipeline import Agent
from agent.report import SECTIONS, to_markdown


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

import json

import pytest

from agent.pipeline import Agent
from agent.report import to_markdown
from tests.ui.conftest import EXAMPLE
from ui.plot_image import ecg_png
from ui.report_export import report_json, report_pdf


@pytest.fixture(scope="module")
def draft():
    agent = Agent(retrieval=False)
    report = agent.report(EXAMPLE.with_suffix(".hea"))
    return report, to_markdown(report), ecg_png(agent.context(EXAMPLE.with_suffix(".hea")).record)


def test_json_holds_the_report_and_the_edited_text(draft):
    report, markdown, _ = draft
    data = json.loads(report_json(report, markdown + "\nEdited: QT ≥ 500 ms, check drugs."))
    assert data["sections"]["rhythm"] == report.sections["rhythm"]
    assert all(f["evidence"] for f in data["findings"])
    assert data["markdown"].endswith("QT ≥ 500 ms, check drugs.")


def test_pdf_with_the_plot_and_characters_outside_latin1(draft):
    _, markdown, png = draft
    assert png.startswith(b"\x89PNG")
    pdf = report_pdf(markdown + "\n- QT ≥ 500 ms → review", png)
    without_plot = report_pdf(markdown)
    assert pdf.startswith(b"%PDF") and without_plot.startswith(b"%PDF")
    assert b"/Subtype /Image" in pdf and b"/Subtype /Image" not in without_plot

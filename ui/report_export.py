"""A report draft as the files the chat offers for download: Markdown, JSON and PDF.

The Markdown is the draft as the user edited it (``agent.report.to_markdown`` gives the first
version); the JSON is ``Report.to_dict()`` with that Markdown beside it; the PDF prints the
Markdown (headings, bullets, paragraphs) under the ECG plot when one is given.
"""

from __future__ import annotations

import io
import json

from fpdf import FPDF

from agent.types import Report

PAGE_WIDTH_MM = 190.0  # A4 portrait less 10 mm margins
# fpdf2's core fonts hold Latin-1 only: the few other characters a draft may hold, spelled out.
_PLAIN = str.maketrans({"≥": ">=", "≤": "<=", "–": "-", "—": "-", "‘": "'", "’": "'", "“": '"', "”": '"',
                        "→": "->", "×": "x", "…": "..."})
_HEADING_SIZES = {1: 15, 2: 12, 3: 11}
BODY_SIZE = 9.5


def report_json(report: Report, markdown: str) -> str:
    """The draft's structure (sections, findings with evidence ids, evidence) and the edited text."""
    return json.dumps({**report.to_dict(), "markdown": markdown}, indent=2, default=str)


def report_pdf(markdown: str, plot_png: bytes | None = None, title: str = "ECG report draft") -> bytes:
    """An A4 PDF: the ECG plot (when given) above the Markdown draft."""
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_creator("ecg-agent")
    pdf.set_margins(10, 10, 10)
    pdf.set_auto_page_break(True, margin=12)
    pdf.add_page()
    if plot_png:
        pdf.image(io.BytesIO(plot_png), w=PAGE_WIDTH_MM)
        pdf.ln(3)
    for line in markdown.splitlines():
        _write_line(pdf, line.translate(_PLAIN).encode("latin-1", "replace").decode("latin-1"))
    return bytes(pdf.output())


def _write_line(pdf: FPDF, line: str) -> None:
    stripped = line.strip()
    level = len(stripped) - len(stripped.lstrip("#"))
    if level and stripped[level:level + 1] == " ":
        pdf.ln(2)
        pdf.set_font("Helvetica", "B", _HEADING_SIZES.get(level, BODY_SIZE))
        pdf.multi_cell(0, 6, stripped[level + 1:], new_x="LMARGIN", new_y="NEXT")
    elif stripped.startswith(("- ", "* ")):
        pdf.set_font("Helvetica", "", BODY_SIZE)
        pdf.set_x(pdf.l_margin + 3)
        pdf.multi_cell(0, 4.5, "- " + stripped[2:], new_x="LMARGIN", new_y="NEXT")
    elif stripped:
        pdf.set_font("Helvetica", "", BODY_SIZE)
        pdf.multi_cell(0, 4.5, stripped, new_x="LMARGIN", new_y="NEXT")
    else:
        pdf.ln(2)

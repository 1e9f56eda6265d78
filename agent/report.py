"""The report draft of one ECG: rhythm, rate, intervals, axis, morphology, impression.

Every impression line is a criteria-engine statement (or the quality verdict) and cites the ids
of its evidence items: the statement "s:<code>" and the measurements "m:<field>" it rests on.
"""

from __future__ import annotations

import json

from agent.context import ECGContext
from agent.evidence import MEASURED_FIELDS
from agent.types import Report

SECTIONS = ("rhythm", "rate", "intervals", "axis", "morphology", "impression")
MORPHOLOGY_CATEGORIES = ("ectopy", "conduction", "hypertrophy", "repolarization")
INTERVAL_FIELDS = (("pr_interval_ms", "PR"), ("qrs_duration_ms", "QRS"),
                   ("qrs_duration_median_lead_ms", "QRS (median lead)"), ("qt_interval_ms", "QT"),
                   ("qtc_bazett_ms", "QTc (Bazett)"))
AXIS_FIELDS = (("p_axis_deg", "P"), ("qrs_axis_deg", "QRS"), ("t_axis_deg", "T"))
_NORMAL_NUMERIC_SUFFIX = "_WITHIN"


def _value(ctx: ECGContext, field: str, label: str, unit: str) -> str:
    value = getattr(ctx.measurements, field)
    if value is None:
        return f"{label} not measured ({ctx.measurements.notes.get(field, 'no reason recorded')})"
    return f"{label} {value:.0f} {unit}"


def _rate(ctx: ECGContext) -> str:
    """The heart (ventricular) rate, the atrial rate where it differs (AV block, flutter), and
    the rate statements."""
    m = ctx.measurements
    parts = [_value(ctx, "heart_rate_bpm", "heart rate", "bpm")]
    if m.atrial_rate_bpm is not None and m.heart_rate_bpm and round(m.atrial_rate_bpm) != round(m.heart_rate_bpm):
        how = m.notes.get("atrial_rate_bpm")
        parts.append(f"atrial rate {m.atrial_rate_bpm:.0f} bpm" + (f": {how}" if how else ""))
    return "; ".join(parts + [s.name for s in ctx.statements if s.code in ("SBRAD", "STACH")])


def _names(ctx: ECGContext, categories: tuple[str, ...]) -> list[str]:
    return [s.describe() for s in ctx.statements if s.category in categories]


def _finding(statement) -> dict:
    measured = [f"m:{e.measure}" for e in statement.evidence if e.measure in MEASURED_FIELDS]
    return {"text": statement.name + (f" in {statement.lead_group} leads" if statement.lead_group else ""),
            "evidence": [f"s:{statement.code}", *dict.fromkeys(measured)]}


def draft_report(ctx: ECGContext) -> Report:
    """The sections and the impression's findings, each finding citing its evidence ids."""
    findings = [_finding(s) for s in ctx.statements
                if not (s.category == "numeric" and s.code.endswith(_NORMAL_NUMERIC_SUFFIX))]
    warnings = []
    if ctx.quality.verdict != "good":
        unusable = [lead.lead for lead in ctx.quality.leads if lead.verdict == "unusable"]
        text = f"signal quality {ctx.quality.verdict}" + (f"; unusable leads: {', '.join(unusable)}" if unusable else "")
        warnings.append(text)
        findings.insert(0, {"text": text, "evidence": ["q:quality"]})
    sections = {
        "rhythm": _names(ctx, ("rhythm",)) or ["no rhythm statement met its criteria"],
        "rate": _rate(ctx),
        "intervals": [_value(ctx, field, label, "ms") for field, label in INTERVAL_FIELDS],
        "axis": [_value(ctx, field, f"{label} axis", "deg") for field, label in AXIS_FIELDS] + _names(ctx, ("axis",)),
        "morphology": _names(ctx, MORPHOLOGY_CATEGORIES) or ["no morphology statement met its criteria"],
        "impression": [f"{f['text']} [{', '.join(f['evidence'])}]" for f in findings],
    }
    return Report(ctx.source, sections, findings, ctx.evidence(), warnings)


def to_markdown(report: Report) -> str:
    """The draft as Markdown: one heading per section, then the cited evidence."""
    lines = [f"# ECG report draft: {report.source}", ""]
    for name in SECTIONS:
        lines.append(f"## {name.capitalize()}")
        content = report.sections[name]
        lines += [f"- {item}" for item in content] if isinstance(content, list) else [content]
        lines.append("")
    lines.append("## Evidence")
    cited = {i for f in report.findings for i in f["evidence"]}
    for item in report.evidence:
        if item["id"] in cited:
            lines.append(f"- {item['id']}: {json.dumps({k: v for k, v in item.items() if k != 'id'})}")
    lines.append("")
    lines.append("Draft for review by a clinician; generated from automatic measurements.")
    return "\n".join(lines)

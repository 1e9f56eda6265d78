"""Report-draft examples: findings that cite the measurements behind them.

The target text lists the measured values, then one finding per label, each followed by the
criteria evidence of the same name when the measurement engine found it (value, comparison,
threshold) or by "(labelled)" when only the source's label supports it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from finetune.instructions import Example
from finetune.prompt import measurement_summary

REPORT_QUESTION = "Write a report draft for this ECG: measurements, then findings with their evidence."


def report_text(findings: Sequence[str], measurements: Mapping) -> str:
    """Measurements line, then '- finding (evidence)' lines."""
    evidence = {s["name"]: s.get("evidence") or [] for s in measurements.get("statements") or []}
    lines = [f"Measurements: {measurement_summary(measurements) or 'not measurable'}", "Findings:"]
    for finding in findings:
        cited = [_cite(e) for e in evidence.get(finding, [])]
        lines.append(f"- {finding} ({'; '.join(cited) if cited else 'labelled'})")
    if not findings:
        lines.append("- no finding")
    return "\n".join(lines)


def report_example(ecg_id: str, patient_id: str, findings: Sequence[str], measurements: Mapping) -> Example:
    return Example("report", "report", REPORT_QUESTION, (report_text(sorted(findings), measurements),),
                   (), (str(ecg_id),), (str(patient_id),))


def _cite(evidence: Mapping) -> str:
    value = evidence["value"]
    shown = f"{value:.0f}" if isinstance(value, float) and abs(value) >= 10 else f"{value:g}"
    return (f"{evidence['measure']} {shown} {evidence['comparison']} "
            f"{evidence['threshold_value']:g} {evidence['unit']}").strip()

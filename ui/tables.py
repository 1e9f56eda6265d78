"""Rows the chat shows: measurements with their flags, per-lead quality, and evidence by kind.

Plain functions over the agent's dicts (evidence items, ``QualityReport.to_dict()``), so they
are tested without Streamlit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from agent.evidence import measurement_items

# evidence kind -> expander title, in the order the chat shows them
EVIDENCE_KINDS = {"measurement": "Measurements", "statement": "Statements", "report": "Similar reports",
                  "knowledge": "Knowledge", "quality": "Signal quality"}


def measurement_flag(item: Mapping[str, Any]) -> str:
    """"low", "high", "normal" against the item's normal range; "" without one; why when not measured."""
    value = item.get("value")
    if value is None:
        return "not measured: " + str(item.get("note", ""))
    low, high = item.get("normal_range") or (None, None)
    if low is not None and value < low:
        return "low"
    if high is not None and value > high:
        return "high"
    return "normal" if item.get("normal_range") else ""


def measurement_rows(measurements: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per measured field: value (rounded), unit, normal range and flag."""
    return measurement_rows_of(measurement_items(measurements))


def measurement_rows_of(items: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Rows of measurement evidence items (agent.evidence.measurement_item), ids as the first column."""
    return [{"measure": item["id"].replace("m:", ""), "value": _number(item["value"]) or "", "unit": item["unit"],
             "normal range": normal_range(item.get("normal_range")), "flag": measurement_flag(item)}
            for item in items]


def normal_range(bounds: Sequence[float | None] | None) -> str:
    """"600-1000", "≤ 120" or "≥ 60"; "" without a range."""
    low, high = bounds or (None, None)
    if low is not None and high is not None:
        return f"{_number(low)}-{_number(high)}"
    if high is not None:
        return f"≤ {_number(high)}"
    return f"≥ {_number(low)}" if low is not None else ""


def quality_rows(quality: Mapping[str, Any]) -> list[dict[str, Any]]:
    """One row per lead: its verdict and its problems (QualityReport.to_dict())."""
    return [{"lead": lead, "verdict": result["verdict"],
             "problems": ", ".join(p["name"] for p in result["problems"]) or "none"}
            for lead, result in quality["leads"].items()]


def evidence_groups(evidence: Sequence[Mapping[str, Any]]) -> list[tuple[str, list[Mapping[str, Any]]]]:
    """(title, items) per evidence kind present, in EVIDENCE_KINDS order; unknown kinds last."""
    groups: dict[str, list[Mapping[str, Any]]] = {}
    for item in evidence:
        groups.setdefault(item.get("kind", "other"), []).append(item)
    order = [k for k in EVIDENCE_KINDS if k in groups] + [k for k in groups if k not in EVIDENCE_KINDS]
    return [(EVIDENCE_KINDS.get(kind, kind.capitalize()), groups[kind]) for kind in order]


def evidence_line(item: Mapping[str, Any]) -> str:
    """One Markdown line for an evidence item that is not a measurement."""
    kind = item.get("kind")
    if kind == "statement":
        return f"**{item['id']}** {item['text']}"
    if kind == "report":
        return f"**{item['id']}** (similarity {item['score']:.2f}) {item['report']}"
    if kind == "knowledge":
        return f"**{item['id']}** {item['text']}"
    if kind == "quality":
        reversal = f"; suspected {item['suspected_reversal']} reversal" if item.get("suspected_reversal") else ""
        usable = ", ".join(item["usable_leads"]) or "none"
        return f"**{item['id']}** {item['verdict']}; usable leads: {usable}{reversal}"
    return f"**{item.get('id', '?')}** {item}"


def _number(value: Any) -> str | None:
    if value is None:
        return None
    return f"{value:.0f}" if abs(value) >= 10 else f"{value:.3g}"

"""Evidence items: measured values, criteria statements, retrieved reports and knowledge snippets.

Every item is a plain dict with an ``id`` that answers and report lines cite:
"m:<field>" for a measurement, "s:<code>" for a statement, "r:<record id>" for a retrieved
report, "k:<snippet id>" for a knowledge snippet; with two ECGs the ids of ECG n start "ecg<n>/".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ecg.criteria import Statement
from ecg.scp_codes import NUMERIC_FEATURES

# Measurements.to_dict() fields shown as evidence: field -> unit.
MEASURED_FIELDS: dict[str, str] = {
    "heart_rate_bpm": "bpm", "rr_ms": "ms", "p_duration_ms": "ms", "pr_interval_ms": "ms",
    "qrs_duration_ms": "ms", "qrs_duration_median_lead_ms": "ms", "qt_interval_ms": "ms",
    "qtc_bazett_ms": "ms", "qtc_fridericia_ms": "ms", "qtc_framingham_ms": "ms", "qtc_hodges_ms": "ms",
    "p_axis_deg": "deg", "qrs_axis_deg": "deg", "t_axis_deg": "deg", "rr_irregularity": "ratio",
    "p_wave_present_share": "fraction", "sokolow_lyon_mv": "mV", "cornell_mv": "mV",
    "atrial_rate_bpm": "bpm", "atrial_periodicity": "correlation",
    "dissociated_p_periodicity": "correlation", "blocked_p_correlation": "correlation",
    "dropped_p_correlation": "correlation", "pr_shortening_after_pause_ms": "ms",
    "blocked_pac_correlation": "correlation", "blocked_premature_beats": "beats",
}
_NORMAL_RANGES = {f.field: f for f in NUMERIC_FEATURES}


def _prefixed(item_id: str, prefix: str) -> str:
    return f"{prefix}/{item_id}" if prefix else item_id


def measurement_item(measurements: Mapping[str, Any], field_name: str, prefix: str = "") -> dict[str, Any]:
    """One measured value with its unit, ECG-QA normal range when it has one, or why it is missing."""
    value = measurements.get(field_name)
    item: dict[str, Any] = {"id": _prefixed(f"m:{field_name}", prefix), "kind": "measurement",
                            "measure": field_name, "value": value, "unit": MEASURED_FIELDS.get(field_name, "")}
    spec = _NORMAL_RANGES.get(field_name)
    if spec is not None:
        item["normal_range"] = [spec.low.value if spec.low else None, spec.high.value]
        item["thresholds"] = [t.name for t in (spec.low, spec.high) if t is not None]
    if value is None:
        item["note"] = (measurements.get("notes") or {}).get(field_name, "not measured")
    return item


def measurement_items(measurements: Mapping[str, Any], prefix: str = "") -> list[dict[str, Any]]:
    """Every field of MEASURED_FIELDS as evidence, measured or not."""
    return [measurement_item(measurements, name, prefix) for name in MEASURED_FIELDS]


def statement_item(statement: Statement, prefix: str = "") -> dict[str, Any]:
    """A criteria-engine statement with its evidence (value, threshold, comparison, source)."""
    return {"id": _prefixed(f"s:{statement.code}", prefix), "kind": "statement", "code": statement.code,
            "name": statement.name, "text": statement.describe(),
            "evidence": [e.to_dict() for e in statement.evidence]}


def report_item(document, prefix: str = "") -> dict[str, Any]:
    """A retrieved historical report (a LangChain Document from SimilarECGRetriever)."""
    record_id = str(document.metadata.get("record_id"))
    return {"id": _prefixed(f"r:{record_id}", prefix), "kind": "report", "record_id": record_id,
            "report": document.page_content, "score": float(document.metadata.get("score", 0.0))}


def knowledge_item(document) -> dict[str, Any]:
    """A knowledge snippet (a LangChain Document from KnowledgeRetriever)."""
    snippet_id = str(document.metadata.get("record_id"))
    return {"id": f"k:{snippet_id}", "kind": "knowledge", "text": document.page_content,
            "score": float(document.metadata.get("score", 0.0))}


def quality_item(quality: Mapping[str, Any], prefix: str = "") -> dict[str, Any]:
    """The quality verdict and the usable leads (QualityReport.to_dict())."""
    return {"id": _prefixed("q:quality", prefix), "kind": "quality", "verdict": quality["verdict"],
            "usable_leads": list(quality["usable_leads"]),
            "suspected_reversal": quality.get("suspected_reversal")}

"""THE prompt format: the chat messages the tuned model is trained on and the agent sends it.

One user turn carries, in this order: each ECG's tokens, its measurement summary, the retrieved
context, the question and the answer options when they are known. The assistant answers with
the chosen options joined by "; " (sorted, so one answer set has one spelling), or free text for
report drafts. Everything here is a pure function of its arguments.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

SYSTEM_PROMPT = ("You are an ECG assistant. Read the ECG tokens and the measurements, then answer "
                 "the question. When options are given, answer with the matching options only, "
                 "separated by '; '.")
ANSWER_SEPARATOR = "; "
NO_ANSWER = "none"
_NORMAL_RANGE_PREFIX = "within the normal range"  # numeric statements that say nothing abnormal

# Measurements.to_dict() fields in the summary: (key, label, unit, decimals).
SUMMARY_FIELDS: tuple[tuple[str, str, str, int], ...] = (
    ("heart_rate_bpm", "heart rate", "bpm", 0),
    ("rr_ms", "RR", "ms", 0),
    ("p_duration_ms", "P duration", "ms", 0),
    ("pr_interval_ms", "PR", "ms", 0),
    ("qrs_duration_ms", "QRS", "ms", 0),
    ("qt_interval_ms", "QT", "ms", 0),
    ("qtc_bazett_ms", "QTc (Bazett)", "ms", 0),
    ("p_axis_deg", "P axis", "deg", 0),
    ("qrs_axis_deg", "QRS axis", "deg", 0),
    ("t_axis_deg", "T axis", "deg", 0),
)


def measurement_summary(measurements: Mapping | None) -> str:
    """One line of the measured values (a Measurements.to_dict()); unmeasured values are left out."""
    if not measurements:
        return ""
    parts = [f"{label} {measurements[key]:.{decimals}f} {unit}"
             for key, label, unit, decimals in SUMMARY_FIELDS
             if isinstance(measurements.get(key), (int, float))]
    names = [s["name"] for s in measurements.get("statements") or []
             if s.get("name") and not s["name"].startswith(_NORMAL_RANGE_PREFIX)]
    if names:
        parts.append("criteria: " + ", ".join(names))
    return "; ".join(parts)


def build_messages(question: str, *, ecg_tokens: Sequence[Sequence[str]] = (),
                   measurements: Sequence[str] = (), context: Sequence[str] = (),
                   options: Sequence[str] = (), system: str = SYSTEM_PROMPT) -> list[dict[str, str]]:
    """System and user messages for one question about one or more ECGs.

    ``ecg_tokens[i]`` are ECG i's token strings ("<ecg_seg>", "<ecg_17>", ...), written without
    separators; ``measurements[i]`` is ECG i's summary line (``measurement_summary``);
    ``context`` holds retrieved passages; ``options`` the answers the question allows.
    """
    lines: list[str] = []
    several = len(ecg_tokens) > 1 or len(measurements) > 1
    for index in range(max(len(ecg_tokens), len(measurements))):
        name = f"ECG {index + 1}" if several else "ECG"
        if index < len(ecg_tokens) and ecg_tokens[index]:
            lines.append(f"{name}: {''.join(ecg_tokens[index])}")
        if index < len(measurements) and measurements[index]:
            lines.append(f"{name} measurements: {measurements[index]}")
    if context:
        lines.append("Context:")
        lines += [f"- {passage}" for passage in context]
    lines.append(f"Question: {question}")
    if options:
        lines.append("Options: " + ANSWER_SEPARATOR.join(options))
    return [{"role": "system", "content": system}, {"role": "user", "content": "\n".join(lines)}]


def format_answer(answer: Sequence[str]) -> str:
    """The assistant's reply for an answer set: sorted options joined by '; ' ('none' if empty)."""
    unique = sorted({a.strip() for a in answer if a.strip()})
    return ANSWER_SEPARATOR.join(unique) if unique else NO_ANSWER


def parse_answer(text: str, options: Sequence[str] = ()) -> list[str]:
    """The answer set in a reply; with options, only exact (case-insensitive) option matches."""
    parts = [p.strip().strip(".").strip() for p in text.strip().split(ANSWER_SEPARATOR.strip())]
    parts = [p for p in parts if p]
    if not options:
        return sorted(set(parts))
    by_lower = {o.lower(): o for o in options}
    return sorted({by_lower[p.lower()] for p in parts if p.lower() in by_lower})

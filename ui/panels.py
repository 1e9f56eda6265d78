"""The parts of the chat page: an ECG panel, an answer with its evidence, the report panel.

Each function draws into the current Streamlit container; ``ui.app`` decides where.
"""

from __future__ import annotations

import re
import time
from dataclasses import replace
from collections.abc import Iterator, Mapping
from typing import Any

import streamlit as st

from agent.report import to_markdown
from ui.plot_image import ecg_png
from ui.report_export import report_json, report_pdf
from ui.store import SessionStore, StoredECG
from ui.tables import evidence_groups, evidence_line, measurement_rows, measurement_rows_of, quality_rows

STREAM_DELAY_S = 0.015


def ecg_panel(ecg: StoredECG, ctx, path: str) -> None:
    """The ECG on paper, what was read, the measurements with flags and the per-lead quality."""
    record = ctx.record
    st.markdown(f"**{ecg.label}**")
    st.image(plot_png(path, ctx), caption=f"{ecg.label}: 25 mm/s, 10 mm/mV", width="stretch")
    st.caption(f"{record.format} · {record.fs:g} Hz · {len(record.leads)} leads · {record.duration_s:.1f} s · "
               f"signal quality {ctx.quality.verdict}")
    with st.expander("Measurements", expanded=True):
        st.table(measurement_rows(ctx.measurement_dict))
    with st.expander(f"Signal quality per lead ({ctx.quality.verdict})"):
        st.table(quality_rows(ctx.quality.to_dict()))


@st.cache_data(max_entries=64, show_spinner=False)
def plot_png(path: str, _ctx) -> bytes:
    """The plot of the ECG file at ``path`` (every upload has a path of its own), drawn once."""
    return ecg_png(_ctx.record)


def stream_words(text: str) -> Iterator[str]:
    """The answer a few characters at a time, for st.write_stream."""
    for piece in re.findall(r"\S+\s*", text):
        yield piece
        time.sleep(STREAM_DELAY_S)


def answer_body(answer: Mapping[str, Any], stream: bool = False) -> None:
    """The answer text (streamed when new), its warnings and one expander per evidence kind."""
    if stream:
        st.write_stream(stream_words(answer["text"]))
    else:
        st.markdown(answer["text"])
    for warning in answer.get("warnings", []):
        st.warning(warning)
    for title, items in evidence_groups(answer.get("evidence", [])):
        with st.expander(f"{title} ({len(items)})"):
            if items[0].get("kind") == "measurement":
                st.table(measurement_rows_of(items))
            else:
                st.markdown("\n".join(f"- {evidence_line(i)}" for i in items))


def report_panel(store: SessionStore, session_id: str, ecg: StoredECG, agent, path: str) -> None:
    """The report draft to edit (saved with the session on every change) and its downloads."""
    key = f"draft-{session_id}-{ecg.id}"
    report = replace(agent.report(path), source=ecg.label)  # the name the user gave, not the server's path
    if key not in st.session_state:
        st.session_state[key] = store.draft(session_id, ecg.id) or to_markdown(report)

    def save() -> None:
        store.save_draft(session_id, ecg.id, st.session_state[key])

    def reset() -> None:
        st.session_state[key] = to_markdown(report)
        save()

    st.text_area("Report draft (Markdown; edits are saved with the session)", key=key, height=360,
                 on_change=save)
    text = st.session_state[key]
    stem = re.sub(r"[^A-Za-z0-9_-]+", "_", ecg.label) or "ecg"
    columns = st.columns(4)
    columns[0].download_button("Markdown", text, f"{stem}_report.md", "text/markdown", key=f"{key}-md")
    columns[1].download_button("JSON", report_json(report, text), f"{stem}_report.json", "application/json",
                               key=f"{key}-json")
    columns[2].download_button("PDF", report_pdf(text, plot_png(path, agent.context(path))), f"{stem}_report.pdf",
                               "application/pdf", key=f"{key}-pdf")
    columns[3].button("Reset draft", on_click=reset, key=f"{key}-reset")

"""The chat page driven by Streamlit's AppTest: uploads, plot, measurements, answers, reload, compare."""

import os

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from tests.ui.conftest import EXAMPLE, ROOT, SECOND, wfdb_pair
from ui.store import SessionStore
from ui.uploads import add_uploads

APP = str(ROOT / "ui" / "app.py")
TIMEOUT_S = 120


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    """The store folder; the evidence-only agent without retrieval keeps the page fast."""
    folder = tmp_path_factory.mktemp("ui-data")
    env = {"ECG_AGENT_UI_DATA": str(folder), "ECG_AGENT_UI_NO_LLM": "1", "ECG_AGENT_UI_NO_RETRIEVAL": "1"}
    saved = {k: os.environ.get(k) for k in env}
    os.environ.update(env)
    yield folder
    for key, value in saved.items():
        os.environ.pop(key) if value is None else os.environ.__setitem__(key, value)


def session_with(data, *stems) -> str:
    store = SessionStore(data)
    sid = store.create_session()
    added = [e for stem in stems for e in add_uploads(store, sid, wfdb_pair(stem)).added]
    store.select(sid, [e.id for e in added])
    return sid


def open_page(sid: str | None = None) -> AppTest:
    page = AppTest.from_file(APP, default_timeout=TIMEOUT_S)
    if sid:
        page.query_params["session"] = sid
    page.run()
    assert not page.exception, page.exception
    return page


def ask(page: AppTest, question: str) -> AppTest:
    page.chat_input[0].set_value(question).run()
    assert not page.exception, page.exception
    return page


def texts(page: AppTest) -> list[str]:
    return [m.value for m in page.markdown]


def test_files_attached_in_the_chat_show_the_plot_and_measurements(data):
    page = open_page()
    sid = page.query_params["session"]
    assert SessionStore(data).has_session(sid) and not page.get("image")
    for name, content in wfdb_pair(EXAMPLE):
        page.chat_input[0].upload(name, content)
    page.run()
    assert not page.exception and not page.error
    assert len(page.get("image")) == 1
    rows = page.table[0].value
    assert rows.loc[rows["measure"] == "qt_interval_ms", "flag"].item() == "high"
    assert "Added ludb_1." in texts(page)
    [ecg] = SessionStore(data).ecgs(sid)
    assert page.sidebar.multiselect[0].value == [ecg.id]


def test_a_bad_upload_is_named_and_the_session_keeps_its_ecg(data):
    sid = session_with(data, EXAMPLE)
    page = open_page(sid)
    page.chat_input[0].upload("ludb_1.hea", wfdb_pair(EXAMPLE)[0][1]).upload("broken.edf", b"0       garbage")
    page.run()
    assert any(e.value.startswith("ludb_1.hea: the signal file ludb_1.dat named by the header is missing")
               for e in page.error)
    assert any(e.value.startswith("broken.edf: ") for e in page.error)
    assert len(page.get("image")) == 1 and [e.label for e in SessionStore(data).ecgs(sid)] == ["ludb_1"]


def test_a_question_is_answered_with_evidence_and_a_reload_restores_the_chat(data):
    sid = session_with(data, EXAMPLE)
    page = ask(open_page(sid), "Does this ECG show sinus bradycardia?")
    assert any(t.startswith("yes: sinus bradycardia: ") for t in texts(page))
    labels = [e.label for e in page.expander]
    assert any(label.startswith("Measurements (") for label in labels)
    assert any(label.startswith("Statements (") for label in labels)

    st.cache_resource.clear()  # as after a server restart: a new store and agent
    reloaded = open_page(sid)
    chat = texts(reloaded)
    assert "Does this ECG show sinus bradycardia?" in chat
    assert any(t.startswith("yes: sinus bradycardia: ") for t in chat)
    assert len(reloaded.get("image")) == 1


def test_the_report_draft_is_edited_saved_and_restored(data):
    sid = session_with(data, EXAMPLE)
    page = open_page(sid)
    draft = page.text_area[0]
    assert draft.value.startswith("# ECG report draft: ludb_1\n") and "sinus bradycardia" in draft.value
    assert [b.label for b in page.get("download_button")] == ["Markdown", "JSON", "PDF"]
    draft.set_value(draft.value + "\nReviewed: QT long, repeat ECG.").run()
    [ecg] = SessionStore(data).ecgs(sid)
    assert SessionStore(data).draft(sid, ecg.id).endswith("repeat ECG.")
    assert open_page(sid).text_area[0].value.endswith("repeat ECG.")


def test_two_selected_ecgs_are_compared(data):
    sid = session_with(data, EXAMPLE, SECOND)
    page = ask(open_page(sid), "Does the second ECG newly show sinus bradycardia compared to the first?")
    assert len(page.get("image")) == 2
    assert "about ludb_1 and 2" in [c.value for c in open_page(sid).caption]
    assert "no: sinus bradycardia (ECG 1: made, ECG 2: not made)" in texts(page)

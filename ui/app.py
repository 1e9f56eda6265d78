"""The Streamlit chat over uploaded ECGs: ``ecg-agent ui`` runs ``streamlit run ui/app.py``.

Attach ECG files in the chat box (a .hea with its .dat, a .zip, EDF, CSV, vendor XML, ...), see
each ECG on paper with its measurements and quality, ask questions about one ECG or compare two
(chosen in the sidebar), read each answer's evidence, and edit and download the report draft.
The session lives in SQLite (ui.store) under the id in the URL (``?session=...``): a browser
reload or a server restart brings back its ECGs, chat and drafts. The agent's settings and the
data folder come from environment variables (ui.settings).
"""

from __future__ import annotations

import streamlit as st

from agent.factory import build_agent
from agent.types import Answer
from ecg.errors import ECGError
from ui import panels, settings
from ui.store import SessionStore, StoredECG
from ui.uploads import add_uploads, restore_files

HISTORY_TURNS = 4  # earlier answers about the same ECGs that go into a follow-up's prompt
CHAT_PLACEHOLDER = "Ask about the selected ECG, or attach ECG files (.hea with .dat, .zip, EDF, CSV, XML, ...)"


@st.cache_resource(show_spinner="Loading the ECG agent ...")
def load_agent(agent_settings):
    return build_agent(agent_settings)


@st.cache_resource
def load_store(folder: str) -> SessionStore:
    return SessionStore(folder)


def current_session(store: SessionStore) -> str:
    """The session named in the URL, or a new one whose id goes into the URL."""
    session_id = st.query_params.get("session")
    if not store.has_session(session_id):
        session_id = store.create_session()
        st.query_params["session"] = session_id
    restore_files(store, session_id)
    return session_id


def handle_upload(store: SessionStore, session_id: str, files, agent_settings) -> None:
    """Add the attached files' ECGs (selecting them) and say in the chat what was added or why not."""
    names = ", ".join(f.name for f in files)
    store.add_message(session_id, "user", f"Attached: {names}")
    outcome = add_uploads(store, session_id, [(f.name, f.getvalue()) for f in files], agent_settings.read_options)
    if outcome.added:
        store.select(session_id, [e.id for e in outcome.added[:2]])
        st.session_state.pop(selection_key(session_id), None)
        store.add_message(session_id, "assistant", "Added " + ", ".join(e.label for e in outcome.added) + ".",
                          [e.id for e in outcome.added])
    if outcome.problems:
        store.add_message(session_id, "assistant", "Could not use part of the upload.",
                          answer={"problems": outcome.problems})


def selection_key(session_id: str) -> str:
    return f"selected-{session_id}"


def choose_ecgs(store: SessionStore, session_id: str, ecgs: list[StoredECG]) -> list[StoredECG]:
    """The sidebar's choice: one ECG, or two to compare (kept in the store)."""
    by_id = {e.id: e for e in ecgs}
    key = selection_key(session_id)
    if key not in st.session_state:
        st.session_state[key] = [i for i in store.selected(session_id) if i in by_id]
    chosen = st.sidebar.multiselect("ECGs (one, or two to compare)", list(by_id), key=key, max_selections=2,
                                    format_func=lambda i: f"{by_id[i].label} (#{i})")
    if chosen != store.selected(session_id):
        store.select(session_id, chosen)
    return [by_id[i] for i in chosen]


def show_message(message, labels: dict[int, str]) -> None:
    """A stored chat turn; a question says which ECGs it was about."""
    with st.chat_message(message.role):
        if message.role == "user" and message.ecg_ids:
            st.caption("about " + " and ".join(labels.get(i, f"#{i}") for i in message.ecg_ids))
        if message.answer and "problems" in message.answer:
            st.markdown(message.text)
            for problem in message.answer["problems"]:
                st.error(problem)
        elif message.answer:
            panels.answer_body(message.answer)
        else:
            st.markdown(message.text)


def history_for(messages, ecg_ids: list[int]) -> list[tuple[str, Answer]]:
    """The last question-answer pairs about the same ECGs, for follow-up questions."""
    pairs = [(q.text, Answer(**a.answer)) for q, a in zip(messages, messages[1:])
             if q.role == "user" and a.role == "assistant" and q.ecg_ids == ecg_ids == a.ecg_ids
             and a.answer and "text" in a.answer]
    return pairs[-HISTORY_TURNS:]


def answer_question(store: SessionStore, session_id: str, agent, question: str, chosen: list[StoredECG],
                    folder) -> None:
    ids = [e.id for e in chosen]
    history = history_for(store.messages(session_id), ids)
    store.add_message(session_id, "user", question, ids)
    with st.chat_message("user"):
        if chosen:
            st.caption("about " + " and ".join(e.label for e in chosen))
        st.markdown(question)
    with st.chat_message("assistant"):
        if not chosen:
            text = "Attach an ECG first (the + in the chat box), or choose one in the sidebar."
            st.info(text)
            store.add_message(session_id, "assistant", text)
            return
        try:
            with st.spinner("Reading the ECG ..."):
                answer = agent.ask([str(folder / e.relpath) for e in chosen], question, history=history)
        except ECGError as exc:
            st.error(str(exc))
            store.add_message(session_id, "assistant", "Could not answer.", ids, {"problems": [str(exc)]})
            return
        panels.answer_body(answer.to_dict(), stream=True)
    store.add_message(session_id, "assistant", answer.text, ids, answer.to_dict())


def main() -> None:
    st.set_page_config(page_title="ecg-agent chat", layout="wide")
    agent_settings = settings.agent_settings()
    store = load_store(str(settings.data_folder()))
    session_id = current_session(store)
    try:
        agent = load_agent(agent_settings)
    except Exception as exc:  # a model folder or server the settings name that cannot be used
        st.error(f"The ECG agent could not start: {exc}")
        st.stop()
    prompt = st.chat_input(CHAT_PLACEHOLDER, accept_file="multiple")
    if prompt and prompt.files:
        handle_upload(store, session_id, prompt.files, agent_settings)

    st.title("ECG chat")
    folder = store.session_folder(session_id)
    chosen = choose_ecgs(store, session_id, store.ecgs(session_id))
    st.sidebar.caption(f"Session {session_id}: bookmark this page's address to come back to it.")
    ecg_column, chat_column = st.columns([3, 2], gap="medium")
    with ecg_column:
        if not chosen:
            st.info("Attach an ECG with the + in the chat box below: a WFDB record (.hea with its .dat), "
                    "a .zip, EDF, CSV, NumPy, GE MUSE, HL7 aECG or Philips XML, SCP-ECG or DICOM.")
        try:
            for ecg in chosen:
                path = str(folder / ecg.relpath)
                panels.ecg_panel(ecg, agent.context(path), path)
                with st.expander("Report draft"):
                    panels.report_panel(store, session_id, ecg, agent, path)
        except ECGError as exc:
            st.error(str(exc))
    with chat_column:
        labels = {e.id: e.label for e in store.ecgs(session_id)}
        for message in store.messages(session_id):
            show_message(message, labels)
        if prompt and prompt.text:
            answer_question(store, session_id, agent, prompt.text, chosen, folder)


main()

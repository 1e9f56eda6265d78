import sqlite3

import pytest

from ui.store import SessionStore


def test_session_round_trip_survives_reopening(tmp_path):
    store = SessionStore(tmp_path)
    sid = store.create_session()
    [ecg] = store.add_upload(sid, {"upload-1/a.hea": b"header", "upload-1/a.dat": b"\x00\x01"},
                             [("a", "upload-1/a.hea")])
    store.select(sid, [ecg.id])
    store.add_message(sid, "user", "Is there AF?", [ecg.id])
    store.add_message(sid, "assistant", "no", [ecg.id], {"text": "no", "evidence": [{"id": "s:AFIB"}]})
    store.save_draft(sid, ecg.id, "# draft")
    store.save_draft(sid, ecg.id, "# edited draft")

    reopened = SessionStore(tmp_path)
    assert reopened.has_session(sid)
    assert reopened.ecgs(sid) == [ecg] and reopened.selected(sid) == [ecg.id]
    assert reopened.files(sid) == {"upload-1/a.hea": b"header", "upload-1/a.dat": b"\x00\x01"}
    user, assistant = reopened.messages(sid)
    assert (user.role, user.text, user.ecg_ids, user.answer) == ("user", "Is there AF?", [ecg.id], None)
    assert assistant.answer["evidence"] == [{"id": "s:AFIB"}]
    assert reopened.draft(sid, ecg.id) == "# edited draft"


def test_sessions_are_kept_apart(tmp_path):
    store = SessionStore(tmp_path)
    first, second = store.create_session(), store.create_session()
    store.add_message(first, "user", "hello")
    assert store.messages(second) == [] and len(store.messages(first)) == 1


@pytest.mark.parametrize("session_id", [None, "", "../../etc", "A" * 32, "0" * 31])
def test_only_hex_ids_name_a_session(tmp_path, session_id):
    store = SessionStore(tmp_path)
    assert not store.has_session(session_id)
    with pytest.raises(ValueError, match="not a session id"):
        store.session_folder(session_id)


def test_a_failed_write_leaves_nothing_behind(tmp_path):
    store = SessionStore(tmp_path)
    sid = store.create_session()
    store.add_upload(sid, {"upload-1/a.csv": b"1"}, [("a.csv", "upload-1/a.csv")])
    with pytest.raises(sqlite3.IntegrityError):  # the same file twice: the whole upload is refused
        store.add_upload(sid, {"upload-1/a.csv": b"2"}, [("b.csv", "upload-1/b.csv")])
    assert [e.label for e in store.ecgs(sid)] == ["a.csv"]
    assert store.files(sid) == {"upload-1/a.csv": b"1"}

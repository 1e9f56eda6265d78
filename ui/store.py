"""The chat's memory: sessions, uploaded files, their ECGs, chat messages and report drafts in SQLite.

A session is named by a random hex id that the app keeps in the URL (``?session=...``), so a
browser reload or a server restart finds it again. Uploaded files are kept as bytes, so the
ECG files can be written again where the data folder lost them. Every write is one transaction.
"""

from __future__ import annotations

import json
import re
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SESSION_ID = re.compile(r"^[0-9a-f]{32}$")

SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY, created REAL NOT NULL, selected TEXT NOT NULL DEFAULT '[]');
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL REFERENCES sessions(id),
    relpath TEXT NOT NULL, data BLOB NOT NULL, UNIQUE (session_id, relpath));
CREATE TABLE IF NOT EXISTS ecgs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL REFERENCES sessions(id),
    label TEXT NOT NULL, relpath TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL REFERENCES sessions(id),
    role TEXT NOT NULL, text TEXT NOT NULL, ecg_ids TEXT NOT NULL, answer TEXT, created REAL NOT NULL);
CREATE TABLE IF NOT EXISTS drafts (
    session_id TEXT NOT NULL REFERENCES sessions(id), ecg_id INTEGER NOT NULL REFERENCES ecgs(id),
    markdown TEXT NOT NULL, updated REAL NOT NULL, PRIMARY KEY (session_id, ecg_id));
"""


@dataclass(frozen=True)
class StoredECG:
    """An ECG of a session: ``relpath`` is the file to read, relative to the session's folder."""

    id: int
    label: str
    relpath: str


@dataclass(frozen=True)
class Message:
    """A chat turn; an assistant answer carries the Answer dict (text, options, evidence)."""

    id: int
    role: str
    text: str
    ecg_ids: list[int]
    answer: dict[str, Any] | None


class SessionStore:
    """SQLite file ``<folder>/sessions.sqlite3``; each session's ECG files under ``<folder>/files/<id>``."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        self.path = self.folder / "sessions.sqlite3"
        with self._transaction() as db:
            db.executescript(SCHEMA)

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30)
        try:
            db.execute("PRAGMA foreign_keys = ON")
            with db:  # commits, or rolls back on an exception
                yield db
        finally:
            db.close()

    def session_folder(self, session_id: str) -> Path:
        return self.folder / "files" / _checked(session_id)

    # sessions
    def create_session(self) -> str:
        session_id = uuid.uuid4().hex
        with self._transaction() as db:
            db.execute("INSERT INTO sessions (id, created) VALUES (?, ?)", (session_id, time.time()))
        return session_id

    def has_session(self, session_id: str | None) -> bool:
        if not session_id or not SESSION_ID.match(session_id):
            return False
        with self._transaction() as db:
            return db.execute("SELECT 1 FROM sessions WHERE id = ?", (session_id,)).fetchone() is not None

    def selected(self, session_id: str) -> list[int]:
        """The ids of the ECGs the session last chose (one, or two to compare)."""
        with self._transaction() as db:
            row = db.execute("SELECT selected FROM sessions WHERE id = ?", (_checked(session_id),)).fetchone()
        return json.loads(row[0]) if row else []

    def select(self, session_id: str, ecg_ids: list[int]) -> None:
        with self._transaction() as db:
            db.execute("UPDATE sessions SET selected = ? WHERE id = ?", (json.dumps(list(ecg_ids)),
                                                                         _checked(session_id)))

    # uploads and their ECGs
    def add_upload(self, session_id: str, files: dict[str, bytes], ecgs: list[tuple[str, str]]) -> list[StoredECG]:
        """Store the files (relpath -> bytes) and the ECGs found in them ((label, relpath)) at once."""
        _checked(session_id)
        with self._transaction() as db:
            db.executemany("INSERT INTO files (session_id, relpath, data) VALUES (?, ?, ?)",
                           [(session_id, relpath, data) for relpath, data in files.items()])
            ids = [db.execute("INSERT INTO ecgs (session_id, label, relpath) VALUES (?, ?, ?)",
                              (session_id, label, relpath)).lastrowid for label, relpath in ecgs]
        return [StoredECG(i, label, relpath) for i, (label, relpath) in zip(ids, ecgs)]

    def files(self, session_id: str) -> dict[str, bytes]:
        with self._transaction() as db:
            rows = db.execute("SELECT relpath, data FROM files WHERE session_id = ? ORDER BY id",
                              (_checked(session_id),)).fetchall()
        return dict(rows)

    def ecgs(self, session_id: str) -> list[StoredECG]:
        with self._transaction() as db:
            rows = db.execute("SELECT id, label, relpath FROM ecgs WHERE session_id = ? ORDER BY id",
                              (_checked(session_id),)).fetchall()
        return [StoredECG(*row) for row in rows]

    # chat
    def add_message(self, session_id: str, role: str, text: str, ecg_ids: list[int] = (),
                    answer: dict[str, Any] | None = None) -> None:
        with self._transaction() as db:
            db.execute("INSERT INTO messages (session_id, role, text, ecg_ids, answer, created) "
                       "VALUES (?, ?, ?, ?, ?, ?)",
                       (_checked(session_id), role, text, json.dumps(list(ecg_ids)),
                        json.dumps(answer) if answer is not None else None, time.time()))

    def messages(self, session_id: str) -> list[Message]:
        with self._transaction() as db:
            rows = db.execute("SELECT id, role, text, ecg_ids, answer FROM messages WHERE session_id = ? "
                              "ORDER BY id", (_checked(session_id),)).fetchall()
        return [Message(i, role, text, json.loads(ids), json.loads(answer) if answer else None)
                for i, role, text, ids, answer in rows]

    # report drafts
    def save_draft(self, session_id: str, ecg_id: int, markdown: str) -> None:
        with self._transaction() as db:
            db.execute("INSERT INTO drafts (session_id, ecg_id, markdown, updated) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT (session_id, ecg_id) DO UPDATE SET markdown = excluded.markdown, "
                       "updated = excluded.updated", (_checked(session_id), ecg_id, markdown, time.time()))

    def draft(self, session_id: str, ecg_id: int) -> str | None:
        with self._transaction() as db:
            row = db.execute("SELECT markdown FROM drafts WHERE session_id = ? AND ecg_id = ?",
                             (_checked(session_id), ecg_id)).fetchone()
        return row[0] if row else None


def _checked(session_id: str) -> str:
    """A session id is 32 hex digits: it names a folder, so nothing else may pass."""
    if not SESSION_ID.match(session_id or ""):
        raise ValueError(f"not a session id: {session_id!r}")
    return session_id

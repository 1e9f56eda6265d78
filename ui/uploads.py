"""Uploaded files -> the session's ECGs: group a WFDB header with its signal files, read, keep.

One chat submission may hold several files: a .hea with its .dat/.mat (and annotation files of
the same stem), a .zip, or any single file ``ecg.io.read_ecgs`` reads. The files are written
under sanitized names into a staging folder, every ECG in them is read once to check it, and
only then moved to their own folder ``upload-<n>`` and recorded in the store, so a bad file
never replaces or damages what the session already holds. A file or bundle holding several
ECGs (a zip, an .npz batch) gives one ``.npz`` per ECG.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ecg.errors import ECGError
from ecg.io import ReadOptions, read_ecgs
from ecg.record import ECGRecord
from ui.store import SessionStore, StoredECG

MAX_NAME_CHARS = 120
WFDB_SIGNAL_SUFFIXES = (".dat", ".mat")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


@dataclass
class UploadOutcome:
    """The ECGs added, and one line per file that could not be used (file name and problem)."""

    added: list[StoredECG] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def safe_name(name: str) -> str:
    """A plain file name: no folders, no leading dots, only letters, digits, '.', '_' and '-'."""
    base = _UNSAFE.sub("_", Path(name.replace("\\", "/")).name).lstrip(".")
    if len(base) > MAX_NAME_CHARS:
        stem, suffix = os.path.splitext(base)
        base = stem[: MAX_NAME_CHARS - len(suffix)] + suffix
    return base or "upload"


def group_files(names: Sequence[str]) -> dict[str, list[str]]:
    """Each file to read -> the files it brings along: a .hea takes every other file of its stem."""
    headers = {Path(n).stem: n for n in names if Path(n).suffix.lower() == ".hea"}
    groups: dict[str, list[str]] = {n: [] for n in headers.values()}
    for name in names:
        header = headers.get(Path(name).stem)
        if header is None:
            groups[name] = []
        elif header != name:
            groups[header].append(name)
    return groups


def add_uploads(store: SessionStore, session_id: str, files: Sequence[tuple[str, bytes]],
                options: ReadOptions | None = None) -> UploadOutcome:
    """Read the uploaded (name, bytes) files and add their ECGs to the session."""
    options = options or ReadOptions()
    outcome = UploadOutcome()
    accepted = _accepted_files(files, options, outcome.problems)
    if not accepted:
        return outcome
    session_folder = store.session_folder(session_id)
    session_folder.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".staging-", dir=session_folder))
    try:
        for name, data in accepted.items():
            (staging / name).write_bytes(data)
        ecgs, kept = _read_entries(staging, list(accepted), options, outcome.problems)
        if ecgs:
            batch = _next_batch_name(session_folder)
            staging.rename(session_folder / batch)
            stored = {f"{batch}/{name}": (session_folder / batch / name).read_bytes() for name in kept}
            try:
                outcome.added = store.add_upload(session_id, stored,
                                                 [(label, f"{batch}/{name}") for label, name in ecgs])
            except Exception:
                shutil.rmtree(session_folder / batch, ignore_errors=True)
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return outcome


def restore_files(store: SessionStore, session_id: str) -> None:
    """Write the session's stored files where the data folder lost them (a moved or cleaned folder)."""
    folder = store.session_folder(session_id)
    if all((folder / ecg.relpath).is_file() for ecg in store.ecgs(session_id)):
        return
    for relpath, data in store.files(session_id).items():
        path = folder / relpath
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)


def _accepted_files(files: Sequence[tuple[str, bytes]], options: ReadOptions, problems: list[str]) -> dict[str, bytes]:
    accepted: dict[str, bytes] = {}
    limit = options.limits.max_file_bytes
    for original, data in files:
        name = safe_name(original)
        if name in accepted:
            problems.append(f"{original}: a file of this name is already in this upload")
        elif len(data) > limit:
            problems.append(f"{original}: the file is {_size(len(data))}, more than the {_size(limit)} allowed")
        elif not data:
            problems.append(f"{original}: the file is empty")
        else:
            accepted[name] = data
    return accepted


def _read_entries(staging: Path, names: list[str], options: ReadOptions,
                  problems: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
    """(label, file name) of every ECG read, and the names of the files to keep."""
    ecgs: list[tuple[str, str]] = []
    kept: list[str] = []
    for entry, companions in group_files(names).items():
        if Path(entry).suffix.lower() in WFDB_SIGNAL_SUFFIXES:
            problems.append(f"{entry}: a WFDB signal file is read through its header; attach "
                            f"{Path(entry).stem}.hea with it")
            (staging / entry).unlink()
            continue
        try:
            records = read_ecgs(staging / entry, options)
        except ECGError as exc:
            problems.append(str(exc).replace(f"{staging}{os.sep}", ""))
            for name in (entry, *companions):
                (staging / name).unlink(missing_ok=True)
            continue
        kept += [entry, *companions]
        if len(records) == 1:
            ecgs.append((_label(entry), entry))
            continue
        for k, record in enumerate(records, start=1):
            name = f"{Path(entry).stem}-{k}.npz"
            _save_npz(record, staging / name)
            kept.append(name)
            ecgs.append((record.source.replace(f"{staging}{os.sep}", ""), name))
    return ecgs, kept


def _size(n_bytes: int) -> str:
    if n_bytes < 1024:
        return f"{n_bytes} bytes"
    return f"{n_bytes / 1024:.0f} KB" if n_bytes < 1024**2 else f"{n_bytes / 1024**2:.0f} MB"


def _label(name: str) -> str:
    return Path(name).stem if Path(name).suffix.lower() == ".hea" else name


def _save_npz(record: ECGRecord, path: Path) -> None:
    np.savez(path, signal=record.signal, fs=np.float64(record.fs), leads=np.array(record.leads), units="mV")


def _next_batch_name(session_folder: Path) -> str:
    numbers = [int(p.name.split("-")[1]) for p in session_folder.glob("upload-*") if p.name.split("-")[1].isdigit()]
    return f"upload-{max(numbers, default=0) + 1}"

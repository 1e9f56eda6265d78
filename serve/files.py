"""Uploads (/v1/files) and the ECG files that chat requests attach.

``FileStore`` keeps uploads under ``data_dir/files`` as ``<id>.bin`` with a JSON sidecar; the
name a user gave is only ever stored in the sidecar, never used as a path. ``ECGCache`` writes an
attached ECG's bytes under ``data_dir/ecgs/<sha256>/<safe name>`` (content-addressed: a
conversation that sends the same ECG each turn reuses the agent's cached measurements) and takes
that folder back out of whatever the agent says, so replies name the file as the user did.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import os
import re
import secrets
import time
from pathlib import Path, PurePosixPath
from typing import Any

from serve.errors import APIError
from serve.protocol import FileDeleted, FileObject, FileRef

FILE_ID = re.compile(r"file-[0-9a-f]{24}")
MAX_NAME_CHARS = 100


def safe_filename(name: str | None, default: str = "ecg") -> str:
    """The last path component with only [A-Za-z0-9._-] kept, no leading dot; ``default`` if empty."""
    base = PurePosixPath((name or "").replace("\\", "/")).name
    base = re.sub(r"[^A-Za-z0-9._-]", "_", base).lstrip(".")[-MAX_NAME_CHARS:]
    return base or default


def _write_atomically(path: Path, data: bytes) -> None:
    partial = path.with_name(f".{path.name}.{secrets.token_hex(4)}.partial")
    partial.write_bytes(data)
    os.replace(partial, path)


class FileStore:
    """Uploaded files by id ("file-" + 24 hex digits)."""

    def __init__(self, data_dir: Path):
        self.folder = Path(data_dir) / "files"
        self.folder.mkdir(parents=True, exist_ok=True)

    def add(self, filename: str | None, data: bytes, purpose: str) -> FileObject:
        file_id = f"file-{secrets.token_hex(12)}"
        obj = FileObject(id=file_id, bytes=len(data), created_at=int(time.time()),
                         filename=safe_filename(filename), purpose=purpose)
        _write_atomically(self.folder / f"{file_id}.bin", data)
        _write_atomically(self.folder / f"{file_id}.json", obj.model_dump_json().encode())
        return obj

    def get(self, file_id: str) -> FileObject:
        return FileObject.model_validate_json(self._path(file_id, ".json").read_bytes())

    def content(self, file_id: str) -> bytes:
        return self._path(file_id, ".bin").read_bytes()

    def delete(self, file_id: str) -> FileDeleted:
        sidecar, content = self._path(file_id, ".json"), self._path(file_id, ".bin")
        sidecar.unlink()
        content.unlink(missing_ok=True)
        return FileDeleted(id=file_id, deleted=True)

    def list(self) -> list[FileObject]:
        objects = [FileObject.model_validate_json(p.read_bytes()) for p in self.folder.glob("file-*.json")]
        return sorted(objects, key=lambda o: o.created_at)

    def _path(self, file_id: str, suffix: str) -> Path:
        path = self.folder / f"{file_id}{suffix}"
        if not FILE_ID.fullmatch(file_id) or not (self.folder / f"{file_id}.json").is_file():
            raise APIError(404, f"No such file: {file_id!r}", param="file_id")
        return path


def decode_file_data(value: str, param: str) -> bytes:
    """The bytes of a base64 data URL ("data:<type>;base64,<data>") or of bare base64."""
    payload = value
    if value.startswith("data:"):
        header, comma, payload = value.partition(",")
        if not comma or not header.endswith(";base64"):
            raise APIError(400, "file_data must be a base64 data URL: data:<media type>;base64,<data>", param)
    try:
        return base64.b64decode("".join(payload.split()), validate=True)
    except (binascii.Error, ValueError):
        raise APIError(400, "file_data is not valid base64", param) from None


def attached_file(ref: FileRef, store: FileStore, param: str) -> tuple[str, bytes]:
    """(safe file name, bytes) of a ``file`` content part: inline data or an uploaded file's id."""
    if ref.file_data is not None:
        return safe_filename(ref.filename), decode_file_data(ref.file_data, f"{param}.file_data")
    if ref.file_id is not None:
        return store.get(ref.file_id).filename, store.content(ref.file_id)
    raise APIError(400, "a file content part needs file.file_data or file.file_id", param)


class ECGCache:
    """Attached ECGs on disk by content, where ecg.io.read_ecg can read them."""

    def __init__(self, data_dir: Path):
        self.folder = (Path(data_dir) / "ecgs").resolve()
        self.folder.mkdir(parents=True, exist_ok=True)
        self._prefix = re.compile(re.escape(str(self.folder) + os.sep) + r"[0-9a-f]{32}" + re.escape(os.sep))

    def put(self, filename: str, data: bytes) -> Path:
        folder = self.folder / hashlib.sha256(data).hexdigest()[:32]
        folder.mkdir(exist_ok=True)
        path = folder / safe_filename(filename)
        if not path.is_file():
            _write_atomically(path, data)
        return path

    def scrub(self, value: Any) -> Any:
        """``value`` with this cache's folders taken out of every string (paths -> file names)."""
        if isinstance(value, str):
            return self._prefix.sub("", value)
        if isinstance(value, dict):
            return {k: self.scrub(v) for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [self.scrub(v) for v in value]
        return value

"""Per-ECG cache of what predictors derive from a record (measurements, ECG tokens), on disk.

One JSON file per ECG and kind under ``{folder}/{kind}/{ecg_id}.json``, written atomically, so
that a restarted run and the questions sharing an ECG reuse the work already done.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any, Callable

from eval.ecgqa_data import EcgId

_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]")


class ECGCache:
    """get(kind, ecg_id, compute): the cached JSON value, computed and stored on first use."""

    def __init__(self, folder: str | Path | None):
        self.folder = Path(folder) if folder is not None else None
        self._memory: dict[tuple[str, str], Any] = {}

    def get(self, kind: str, ecg_id: EcgId, compute: Callable[[], Any]) -> Any:
        key = (kind, _SAFE_NAME.sub("_", str(ecg_id)))
        if key in self._memory:
            return self._memory[key]
        path = self.folder / key[0] / f"{key[1]}.json" if self.folder else None
        if path is not None and path.is_file():
            value = json.loads(path.read_text(encoding="utf-8"))
        else:
            value = compute()
            if path is not None:
                _write_atomically(path, json.dumps(value))
        self._memory[key] = value
        return value


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.part")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, path)

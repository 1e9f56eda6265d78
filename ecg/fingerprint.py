"""A fingerprint of the measurement code, for caches of measurements that must not outlive it."""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def measurement_fingerprint() -> str:
    """A SHA-256 prefix over the ecg package's Python sources: it changes whenever the reading,
    measurement or criteria code does, so a cache keyed by it never serves an older version's values."""
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]

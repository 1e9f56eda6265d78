"""What the chat tests share: the example LUDB record's files and a second LUDB record."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "ludb_1"
SECOND = ROOT / "tests" / "fixtures" / "ludb" / "2"


def wfdb_pair(stem: Path) -> list[tuple[str, bytes]]:
    """The (name, bytes) of a WFDB record's header and signal file, as a browser uploads them."""
    return [(stem.with_suffix(s).name, stem.with_suffix(s).read_bytes()) for s in (".hea", ".dat")]


@pytest.fixture
def example_pair() -> list[tuple[str, bytes]]:
    return wfdb_pair(EXAMPLE)

"""Records the agent tests share: the vendored LUDB fixtures and a record of pure noise."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ecg.leads import STANDARD_LEADS
from ecg.record import make_record

LUDB = Path(__file__).resolve().parents[1] / "fixtures" / "ludb"


@pytest.fixture
def ludb() -> Path:
    return LUDB


@pytest.fixture
def noise_record():
    """Twelve leads of 1 mV RMS white noise: no lead is usable."""
    signal = np.random.default_rng(0).normal(0.0, 1.0, (12, 5000)).astype(np.float32)
    return make_record(signal, 500.0, list(STANDARD_LEADS), source="noise.npy", format="npy")

"""Shared fixtures: synthetic ECGs with known properties, and the vendored example record."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE_HEA = ROOT / "examples" / "ludb_1.hea"


@pytest.fixture
def example_hea() -> Path:
    return EXAMPLE_HEA


def synthetic_12lead(duration_s: float = 10.0, fs: int = 500, heart_rate: int = 70, seed: int = 1,
                     noise: float = 0.01) -> tuple[np.ndarray, list[str]]:
    """A 12-lead ECG in mV from NeuroKit2's simulator (offline), shaped (leads, samples)."""
    import neurokit2 as nk

    frame = nk.ecg_simulate(duration=duration_s, sampling_rate=fs, heart_rate=heart_rate,
                            method="multileads", noise=noise, random_state=seed)
    return frame.to_numpy(dtype=np.float32).T.copy(), list(frame.columns)


@pytest.fixture(scope="session")
def synthetic_ecg() -> tuple[np.ndarray, list[str]]:
    return synthetic_12lead()

"""The two steps of every test that measures a synthetic signal: measure it, list what is stated."""

from __future__ import annotations

import numpy as np

from ecg.criteria import evaluate
from ecg.measure import measure
from ecg.measurements import Measurements
from ecg.record import make_record
from tests.ecg.synthetic_waves import LEADS


def measure_signal(signal: np.ndarray, fs: float = 500.0, leads=LEADS) -> Measurements:
    """``measure()`` of a (leads, samples) signal in mV."""
    return measure(make_record(signal, fs, list(leads), source="synthetic", format="npy"))


def stated_codes(m: Measurements) -> set[str]:
    """The codes of the statements the criteria engine makes."""
    return {s.code for s in evaluate(m)}

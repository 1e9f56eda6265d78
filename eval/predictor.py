"""What the evaluation harness asks of a question answerer (the agent, or a baseline)."""

from __future__ import annotations

from typing import Mapping, Protocol

from ecg.record import ECGRecord
from eval.ecgqa_data import EcgId, Question


class Predictor(Protocol):
    """Answers a batch of questions; ``ecgs`` holds every ECG the batch names.

    Returns one answer list per question, in order: option strings when the question carries
    options ("none" or [] when nothing applies), free text otherwise.
    """

    name: str

    def predict(self, batch: list[Question], ecgs: Mapping[EcgId, ECGRecord]) -> list[list[str]]: ...

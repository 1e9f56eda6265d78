"""What the language model sees of one ECG: its ECG tokens and its measurement summary."""

from __future__ import annotations

from ecg.criteria import evaluate
from ecg.measure import measure
from ecg.record import ECGRecord
from finetune.prompt import measurement_summary
from finetune.sft_data import ECGContext


def measurements_dict(record: ECGRecord) -> dict:
    """measure(record).to_dict() with the criteria engine's statements filled in."""
    result = measure(record)
    result.statements = [s.to_dict() for s in evaluate(result)]
    return result.to_dict()


def ecg_context(record: ECGRecord, ecg_tokenizer, measurements: dict | None = None) -> ECGContext:
    """ECG tokens from ``ecg_tokenizer`` (tokenizer.ecg_tokenizer.ECGTokenizer) and the summary line."""
    tokens = tuple(ecg_tokenizer.encode(record).tokens)
    return ECGContext(tokens, measurement_summary(measurements if measurements is not None
                                                  else measurements_dict(record)))


def ecg_token_strings(ecg_tokenizer) -> list[str]:
    """Every token string of the ECG vocabulary, in id order (what the LM's vocabulary gains)."""
    return list(ecg_tokenizer.vocab.tokens)

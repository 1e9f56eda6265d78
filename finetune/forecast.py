"""DiagECG's optional first stage: next-token forecasting on ECG-token sequences.

Each example shows the first part of an ECG's token sequence and asks for the tokens that
follow, so the new token embeddings learn the structure of ECG token sequences before the
question-answering stage.
"""

from __future__ import annotations

from collections.abc import Sequence

from finetune.instructions import Example

FORECAST_QUESTION = "Continue the ECG token sequence with the next {n} tokens."


def forecast_example(ecg_id: str, patient_id: str, tokens: Sequence[str], context_tokens: int,
                     target_tokens: int) -> Example | None:
    """The first ``context_tokens`` tokens as the ECG and the next ``target_tokens`` as the answer."""
    if len(tokens) < context_tokens + target_tokens:
        return None
    target = "".join(tokens[context_tokens: context_tokens + target_tokens])
    return Example("forecast", "ecg_tokens", FORECAST_QUESTION.format(n=target_tokens), (target,), (),
                   (str(ecg_id),), (str(patient_id),), meta={"context_tokens": str(context_tokens)})

"""The ECG token vocabulary: strings, ids, and the quantization of rhythm and amplitude.

ids 0..C-1 are beat-shape codes ``<ecg_{k}>`` (the FSQ codebook); after them come
``<ecg_amp_{k}>`` (a lead's beat amplitude, log-spaced bins), ``<ecg_rr_{k}>`` (k samples at
250 Hz = 4k ms from the previous R peak, or from the segment start for the first),
``<ecg_gap>`` (2,048 ms passed with no beat), ``<ecg_lead_{name}>`` markers and ``<ecg_seg>``
(a new 10 s segment).
"""

from __future__ import annotations

import numpy as np

from ecg.leads import EXTRA_LEADS, STANDARD_LEADS

AMP_BINS = 64
# Beat amplitudes (peak |mV| of a lead's representative beat) from 20 uV to 20 mV, log-spaced.
AMP_RANGE_MV = (0.02, 20.0)
RR_BINS = 512  # one per sample at 250 Hz: 0 .. 2,044 ms
OTHER_LEAD = "other"
LEAD_NAMES: tuple[str, ...] = STANDARD_LEADS + EXTRA_LEADS + (OTHER_LEAD,)
SEGMENT = "<ecg_seg>"
GAP = "<ecg_gap>"


class Vocabulary:
    """Token strings <-> ids for a codebook of ``codebook_size`` beat-shape codes."""

    def __init__(self, codebook_size: int):
        self.codebook_size = codebook_size
        self.tokens: list[str] = (
            [f"<ecg_{k}>" for k in range(codebook_size)]
            + [f"<ecg_amp_{k}>" for k in range(AMP_BINS)]
            + [f"<ecg_rr_{k}>" for k in range(RR_BINS)]
            + [GAP, SEGMENT]
            + [lead_token(name) for name in LEAD_NAMES]
        )
        self.ids = {token: i for i, token in enumerate(self.tokens)}
        self.amp_offset = codebook_size
        self.rr_offset = codebook_size + AMP_BINS

    def __len__(self) -> int:
        return len(self.tokens)

    def id(self, token: str) -> int:
        return self.ids[token]

    def kind(self, token_id: int) -> str:
        """'code', 'amp', 'rr' or the special token itself."""
        if token_id < self.amp_offset:
            return "code"
        if token_id < self.rr_offset:
            return "amp"
        if token_id < self.rr_offset + RR_BINS:
            return "rr"
        return self.tokens[token_id]

    def lead_id(self, lead: str) -> int:
        return self.ids[lead_token(lead if lead in LEAD_NAMES else OTHER_LEAD)]


def lead_token(lead: str) -> str:
    return f"<ecg_lead_{lead}>"


def lead_of(token: str) -> str | None:
    """The lead a ``<ecg_lead_X>`` token names, else None."""
    prefix = "<ecg_lead_"
    return token[len(prefix):-1] if token.startswith(prefix) else None


def amplitude_bin(amplitude_mv: float) -> int:
    """The log-spaced bin of a positive amplitude, clipped to the range."""
    low, high = np.log(AMP_RANGE_MV[0]), np.log(AMP_RANGE_MV[1])
    position = (np.log(max(amplitude_mv, 1e-12)) - low) / (high - low) * (AMP_BINS - 1)
    return int(np.clip(np.round(position), 0, AMP_BINS - 1))


def amplitude_of_bin(index: int) -> float:
    low, high = np.log(AMP_RANGE_MV[0]), np.log(AMP_RANGE_MV[1])
    return float(np.exp(low + index / (AMP_BINS - 1) * (high - low)))

"""The ECG encoder: one small 1D CNN applied to every lead alike (any lead subset), a learned
per-lead scale and shift of its features, per-segment embeddings (mean over leads, 0.5 s each) and one global embedding
(attention pooling over segments, L2-normalised for retrieval); multi-label diagnostic heads
read the global embedding."""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
import torch.nn.functional as F
from torch import nn

from ecg.leads import EXTRA_LEADS, STANDARD_LEADS

ENCODER_FS = 100  # Hz: the internal rate of every lead
LEAD_SLOTS: tuple[str, ...] = STANDARD_LEADS + EXTRA_LEADS + ("other",)


def lead_slot(name: str) -> int:
    return LEAD_SLOTS.index(name) if name in LEAD_SLOTS else len(LEAD_SLOTS) - 1


@dataclass(frozen=True)
class EncoderConfig:
    channels: tuple[int, ...] = (16, 32, 64, 128)
    strides: tuple[int, ...] = (1, 2, 5, 5)  # 50 samples = 0.5 s per segment at 100 Hz
    embed_dim: int = 256

    @property
    def segment_s(self) -> float:
        stride = 1
        for s in self.strides:
            stride *= s
        return stride / ENCODER_FS

    def to_dict(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict) -> "EncoderConfig":
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})


class ECGEncoder(nn.Module):
    """(B, L, T) z-scored leads at 100 Hz with lead slots (B, L) and a lead mask (B, L) ->
    segment embeddings (B, T/50, D) and the global embedding (B, D), unit length."""

    def __init__(self, config: EncoderConfig = EncoderConfig()):
        super().__init__()
        self.config = config
        layers: list[nn.Module] = []
        c_prev = 1
        for c, stride in zip(config.channels, config.strides):
            layers += [nn.Conv1d(c_prev, c, 7, stride=stride, padding=3), nn.BatchNorm1d(c), nn.GELU(),
                       nn.Conv1d(c, c, 5, padding=2), nn.BatchNorm1d(c), nn.GELU()]
            c_prev = c
        self.cnn = nn.Sequential(*layers)
        self.project = nn.Linear(c_prev, config.embed_dim)
        # FiLM per lead: which lead carries which feature survives the mean over leads.
        self.lead_scale = nn.Embedding(len(LEAD_SLOTS), config.embed_dim)
        self.lead_shift = nn.Embedding(len(LEAD_SLOTS), config.embed_dim)
        nn.init.zeros_(self.lead_scale.weight)
        self.pool_query = nn.Linear(config.embed_dim, 1)
        self.out = nn.Sequential(nn.Linear(config.embed_dim, config.embed_dim), nn.GELU(),
                                 nn.Linear(config.embed_dim, config.embed_dim))

    def forward(self, x: torch.Tensor, slots: torch.Tensor, mask: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        batch, n_leads, n_samples = x.shape
        keep = mask.reshape(-1)  # padding leads never reach the CNN (nor its batch statistics)
        convolved = self.cnn(x.reshape(batch * n_leads, 1, n_samples)[keep])
        features = convolved.new_zeros((batch * n_leads,) + convolved.shape[1:])
        features[keep] = convolved
        features = self.project(features.transpose(1, 2)).view(batch, n_leads, -1, self.config.embed_dim)
        features = features * (1 + self.lead_scale(slots)[:, :, None, :]) + self.lead_shift(slots)[:, :, None, :]
        weights = mask.float()[:, :, None, None]
        segments = (features * weights).sum(1) / weights.sum(1).clamp(min=1)  # (B, S, D)
        attention = torch.softmax(self.pool_query(segments).squeeze(-1), dim=1)  # (B, S)
        pooled = torch.einsum("bs,bsd->bd", attention, segments)
        return segments, F.normalize(self.out(pooled), dim=-1)


class DiagnosticHeads(nn.Module):
    """One logistic output per statement on the global embedding."""

    def __init__(self, embed_dim: int, statements: tuple[str, ...]):
        super().__init__()
        self.statements = tuple(statements)
        self.linear = nn.Linear(embed_dim, len(statements))

    def forward(self, embedding: torch.Tensor) -> torch.Tensor:
        return self.linear(embedding)

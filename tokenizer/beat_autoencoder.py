"""The lead-independent beat autoencoder: a 256-sample representative beat (one lead, scaled
to about +-1) <-> 16 FSQ codes. Every lead goes through the same weights.

A small MLP rather than a convolutional stack: the beat is already R-aligned, so position-
specific weights cost nothing in generality, and it trains on a shared 2-core CPU in minutes.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn

from tokenizer.fsq import FSQ


@dataclass(frozen=True)
class BeatCoderConfig:
    beat_samples: int = 256
    levels: tuple[int, ...] = (8, 5, 5, 5)  # 1,000 codes
    tokens_per_beat: int = 16  # 12 leads x (16 + lead marker + amplitude) + rhythm <= 320
    hidden: int = 512

    def to_dict(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: dict) -> "BeatCoderConfig":
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})


class BeatAutoencoder(nn.Module):
    """encode: (B, 256) beats -> (B, 16) codes; decode: codes -> (B, 256) beats."""

    def __init__(self, config: BeatCoderConfig = BeatCoderConfig()):
        super().__init__()
        self.config = config
        self.fsq = FSQ(list(config.levels))
        latent = config.tokens_per_beat * len(config.levels)
        self.encoder = nn.Sequential(nn.Linear(config.beat_samples, config.hidden), nn.GELU(),
                                     nn.Linear(config.hidden, config.hidden), nn.GELU(),
                                     nn.Linear(config.hidden, latent))
        self.decoder = nn.Sequential(nn.Linear(latent, config.hidden), nn.GELU(),
                                     nn.Linear(config.hidden, config.hidden), nn.GELU(),
                                     nn.Linear(config.hidden, config.beat_samples))

    def _latents(self, beats: torch.Tensor) -> torch.Tensor:
        return self.encoder(beats).view(len(beats), self.config.tokens_per_beat, len(self.config.levels))

    def forward(self, beats: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """(B, 256) -> (reconstruction (B, 256), codes (B, 16))."""
        quantized, codes = self.fsq(self._latents(beats))
        return self.decoder(quantized.flatten(1)), codes

    @torch.no_grad()
    def encode(self, beats: torch.Tensor) -> torch.Tensor:
        return self.fsq(self._latents(beats))[1]

    @torch.no_grad()
    def decode(self, codes: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.fsq.codes_to_latents(codes).flatten(1))

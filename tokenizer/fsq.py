"""Finite scalar quantization (Mentzer et al., "Finite Scalar Quantization: VQ-VAE Made
Simple", ICLR 2024): each latent channel is bounded and rounded to a few levels; the code is
the mixed-radix number of the rounded channels. No codebook to learn, so no dead-code collapse.
"""

from __future__ import annotations

import math

import torch
from torch import nn


class FSQ(nn.Module):
    """Quantizes (..., len(levels)) latents; ``codebook_size`` = product of the levels."""

    def __init__(self, levels: list[int]):
        super().__init__()
        self.levels = list(levels)
        self.register_buffer("_levels", torch.tensor(levels, dtype=torch.float32), persistent=False)
        radix = [math.prod(levels[:i]) for i in range(len(levels))]
        self.register_buffer("_radix", torch.tensor(radix, dtype=torch.long), persistent=False)

    @property
    def codebook_size(self) -> int:
        return math.prod(self.levels)

    def _bound(self, z: torch.Tensor, eps: float = 1e-3) -> torch.Tensor:
        half = (self._levels - 1) * (1 + eps) / 2
        offset = torch.where(self._levels % 2 == 0, 0.5, 0.0)
        shift = torch.atanh(offset / half)
        return torch.tanh(z + shift) * half - offset

    def forward(self, z: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Latents -> (quantized latents in [-1, 1] with a straight-through gradient, codes)."""
        bounded = self._bound(z)
        rounded = bounded + (torch.round(bounded) - bounded).detach()
        digits = torch.round(bounded).long() + (self._levels.long() // 2)
        codes = (digits * self._radix).sum(dim=-1)
        return rounded / (self._levels // 2), codes

    def codes_to_latents(self, codes: torch.Tensor) -> torch.Tensor:
        """Codes (...) -> the quantized latents (..., len(levels)) they stand for."""
        digits = (codes.unsqueeze(-1) // self._radix) % self._levels.long()
        return (digits - self._levels.long() // 2).float() / (self._levels // 2)

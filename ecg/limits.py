"""Caps that keep a huge or hostile upload from exhausting the machine."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ReadLimits:
    """What a reader accepts; the defaults fit 24-hour multi-lead Holter recordings."""

    max_file_bytes: int = 512 * 1024**2
    max_total_samples: int = 200_000_000  # leads x samples, 800 MB as float32
    max_leads: int = 64
    min_fs: float = 50.0
    max_fs: float = 20_000.0
    min_duration_s: float = 1.0
    max_missing_share: float = 0.5
    # .zip bundles
    max_zip_members: int = 2_000
    max_zip_total_bytes: int = 1024**3
    max_zip_ratio: float = 200.0  # uncompressed / compressed, per member
    max_zip_depth: int = 2

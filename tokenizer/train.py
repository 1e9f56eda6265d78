"""Training the beat autoencoder: representative beats (and some single beats) from ECGs,
scaled like the tokenizer scales them, reconstructed through the FSQ bottleneck (MSE)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable, Iterable

import numpy as np
import torch

from tokenizer import beats as beat_ops
from tokenizer.beat_autoencoder import BeatAutoencoder, BeatCoderConfig
from tokenizer.ecg_tokenizer import SEGMENT_SAMPLES
from tokenizer.signal import TOKEN_FS, prepare
from tokenizer.vocab import amplitude_bin, amplitude_of_bin


@dataclass(frozen=True)
class TrainConfig:
    steps: int = 600
    batch_size: int = 128
    learning_rate: float = 2e-3
    single_beats_per_ecg: int = 2  # besides the representative beat, for variety
    seed: int = 0
    threads: int = 2


def scaled_beats(signal: np.ndarray, fs: float, rng: np.random.Generator, single_beats: int) -> np.ndarray:
    """(n, 256) beats of every lead of every 10 s segment, each divided by its quantized peak."""
    prepared = prepare(signal, fs)
    out = []
    for start in range(0, prepared.shape[1], SEGMENT_SAMPLES):
        segment = prepared[:, start: start + SEGMENT_SAMPLES]
        peaks = beat_ops.find_r_peaks(segment, TOKEN_FS)
        if len(peaks) == 0:
            continue
        out.append(beat_ops.median_beats(segment, peaks, TOKEN_FS))
        for peak in rng.choice(peaks, size=min(single_beats, len(peaks)), replace=False):
            out.append(beat_ops.median_beats(segment, np.array([peak]), TOKEN_FS))
    if not out:
        return np.zeros((0, sum(beat_ops.beat_window(TOKEN_FS))), dtype=np.float32)
    beats = np.concatenate(out)
    scales = np.array([amplitude_of_bin(amplitude_bin(float(np.max(np.abs(b))))) for b in beats])
    return (beats / scales[:, None]).astype(np.float32)


def collect_beats(ecgs: Iterable, single_beats: int = 2, seed: int = 0) -> np.ndarray:
    """Scaled beats of corpus ECGs (objects with .signal and .fs)."""
    rng = np.random.default_rng(seed)
    parts = [scaled_beats(e.signal, e.fs, rng, single_beats) for e in ecgs]
    return np.concatenate(parts) if parts else np.zeros((0, 256), dtype=np.float32)


def train_beat_coder(beats: np.ndarray, model_config: BeatCoderConfig = BeatCoderConfig(),
                     config: TrainConfig = TrainConfig(),
                     log: Callable[[str], None] = print) -> tuple[BeatAutoencoder, list[float]]:
    """Train from scratch on (n, 256) scaled beats; returns the model (eval mode) and the loss curve."""
    if len(beats) == 0:
        raise ValueError("no beats to train on")
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    rng = np.random.default_rng(config.seed)
    model = BeatAutoencoder(model_config)
    optimizer = torch.optim.AdamW(model.parameters(), lr=config.learning_rate, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=config.steps)
    data = torch.from_numpy(beats)
    losses: list[float] = []
    started = time.time()
    model.train()
    for step in range(config.steps):
        batch = data[rng.integers(0, len(data), size=config.batch_size)]
        batch = batch * torch.from_numpy(rng.choice([-1.0, 1.0], size=(len(batch), 1)).astype(np.float32))
        reconstruction, _ = model(batch)
        loss = torch.mean((reconstruction - batch) ** 2)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        losses.append(loss.item())
        if (step + 1) % max(1, config.steps // 10) == 0:
            log(f"step {step + 1}/{config.steps}  mse {np.mean(losses[-50:]):.5f}  {time.time() - started:.0f} s")
    return model.eval(), losses

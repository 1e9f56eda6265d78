"""Training the encoder: self-supervised contrast between two augmented views of each ECG
(different 5 s crops and lead subsets, noise, wander; SimCLR's NT-Xent loss, Chen et al. 2020),
then the diagnostic heads as logistic regressions on the frozen global embedding."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Callable, Iterable

import numpy as np
import torch
import torch.nn.functional as F

from ecg.io import read_ecg
from encoders.card import model_card
from encoders.corpus import CorpusECG, iter_corpus, require_data_root
from encoders.labels import LabelledSet, read_ludb_labels, read_ptbxl_labels
from encoders.metrics import auroc
from encoders.model import ENCODER_FS, DiagnosticHeads, ECGEncoder, EncoderConfig, lead_slot
from encoders.preprocess import prepare, windows
from encoders.pretrained import ECGEmbedder


@dataclass(frozen=True)
class EncoderTrainConfig:
    steps: int = 600
    batch_size: int = 32
    crop_s: float = 5.0
    max_view_leads: int = 4
    noise_std: float = 0.1  # in z-score units
    temperature: float = 0.1
    learning_rate: float = 2e-3
    head_steps: int = 300
    head_learning_rate: float = 0.05
    head_weight_decay: float = 1e-3
    n_synthetic: int = 60
    seed: int = 0
    threads: int = 2


@dataclass(frozen=True)
class TrainingWindow:
    signal: np.ndarray  # (leads, 1000) z-scored at 100 Hz
    slots: np.ndarray  # (leads,) lead slots


def training_windows(ecgs: Iterable[CorpusECG]) -> list[TrainingWindow]:
    """Every 10 s window of every corpus ECG, prepared as the encoder sees it."""
    out = []
    for ecg in ecgs:
        slots = np.array([lead_slot(n) for n in ecg.leads])
        out += [TrainingWindow(w, slots) for w in windows(prepare(ecg.signal, ecg.fs))]
    return out


def augmented_view(window: TrainingWindow, config: EncoderTrainConfig, rng: np.random.Generator):
    """A random crop of a random lead subset with noise, gain and baseline wander, padded to
    ``max_view_leads`` rows; returns (signal, slots, mask)."""
    crop = int(config.crop_s * ENCODER_FS)
    n_leads = window.signal.shape[0]
    k = int(rng.integers(1, min(config.max_view_leads, n_leads) + 1))
    chosen = rng.choice(n_leads, size=k, replace=False)
    start = int(rng.integers(0, window.signal.shape[1] - crop + 1))
    x = window.signal[chosen, start: start + crop] * rng.uniform(0.7, 1.3, size=(k, 1))
    t = np.arange(crop) / ENCODER_FS
    x = x + config.noise_std * rng.standard_normal(x.shape)
    x = x + rng.uniform(0, 0.3) * np.sin(2 * np.pi * rng.uniform(0.05, 0.5) * t + rng.uniform(0, 2 * np.pi))
    signal = np.zeros((config.max_view_leads, crop), dtype=np.float32)
    slots = np.zeros(config.max_view_leads, dtype=np.int64)
    mask = np.zeros(config.max_view_leads, dtype=bool)
    signal[:k], slots[:k], mask[:k] = x, window.slots[chosen], True
    return signal, slots, mask


def nt_xent(a: torch.Tensor, b: torch.Tensor, temperature: float) -> torch.Tensor:
    """SimCLR's loss: each view must pick its partner among the 2B - 1 others."""
    z = torch.cat([a, b])
    logits = z @ z.T / temperature
    logits.fill_diagonal_(float("-inf"))
    n = len(a)
    targets = torch.cat([torch.arange(n, 2 * n), torch.arange(n)])
    return F.cross_entropy(logits, targets)


def train_encoder(train: list[TrainingWindow], config: EncoderTrainConfig = EncoderTrainConfig(),
                  model_config: EncoderConfig = EncoderConfig(),
                  log: Callable[[str], None] = print) -> tuple[ECGEncoder, list[float]]:
    torch.manual_seed(config.seed)
    torch.set_num_threads(config.threads)
    rng = np.random.default_rng(config.seed)
    encoder = ECGEncoder(model_config)
    optimizer = torch.optim.AdamW(encoder.parameters(), lr=config.learning_rate, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=config.steps)
    losses: list[float] = []
    started = time.time()
    encoder.train()
    for step in range(config.steps):
        picked = rng.integers(0, len(train), size=config.batch_size)
        views = [[augmented_view(train[i], config, rng) for i in picked] for _ in range(2)]
        embeddings = [encoder(*(torch.from_numpy(np.stack(parts)) for parts in zip(*v)))[1] for v in views]
        loss = nt_xent(embeddings[0], embeddings[1], config.temperature)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        schedule.step()
        losses.append(loss.item())
        if (step + 1) % max(1, config.steps // 10) == 0:
            log(f"step {step + 1}/{config.steps}  nt-xent {np.mean(losses[-20:]):.3f}  {time.time() - started:.0f} s")
    return encoder.eval(), losses


def embed_records(embedder: ECGEmbedder, paths: list[Path]) -> np.ndarray:
    return np.stack([embedder.embed(read_ecg(p)).global_embedding for p in paths])


def train_heads(embeddings: np.ndarray, labels: np.ndarray, statements: tuple[str, ...],
                config: EncoderTrainConfig = EncoderTrainConfig()) -> DiagnosticHeads:
    """Class-balanced logistic regressions (one per statement) on fixed embeddings."""
    torch.manual_seed(config.seed)
    heads = DiagnosticHeads(embeddings.shape[1], statements)
    x, y = torch.from_numpy(embeddings).float(), torch.from_numpy(labels).float()
    positives = y.sum(0)
    pos_weight = ((len(y) - positives) / positives.clamp(min=1)).clamp(max=20)
    optimizer = torch.optim.Adam(heads.parameters(), lr=config.head_learning_rate,
                                 weight_decay=config.head_weight_decay)
    for _ in range(config.head_steps):
        loss = F.binary_cross_entropy_with_logits(heads(x), y, pos_weight=pos_weight)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return heads.eval()


def head_auroc(embedder: ECGEmbedder, labelled: LabelledSet) -> dict[str, dict]:
    """AUROC per statement on the held-out records, with the positive counts."""
    held = labelled.split(held_out=True)
    if not held:
        return {}
    scores = np.array([list(embedder.predict(read_ecg(r.path)).values()) for r in held])
    labels = np.stack([r.labels for r in held])
    return {s: {"auroc": auroc(labels[:, i], scores[:, i]), "positives": int(labels[:, i].sum()),
                "records": len(held)} for i, s in enumerate(labelled.statements)}


def train_default_encoder(data_root: str | Path, out: str | Path, config: EncoderTrainConfig = EncoderTrainConfig(),
                          labels: str = "ludb", ptbxl_root: str | Path | None = None, command: str = "",
                          log: Callable[[str], None] = print) -> ECGEmbedder:
    """Self-supervised encoder on the corpus, heads on LUDB or PTB-XL labels; saved with a card."""
    root = require_data_root(data_root)
    started = time.time()
    train = training_windows(iter_corpus(root, "train", config.n_synthetic))
    log(f"{len(train)} training windows ({time.time() - started:.0f} s)")
    encoder, losses = train_encoder(train, config, log=log)
    if labels == "ptbxl":
        if ptbxl_root is None:
            raise ValueError("labels='ptbxl' needs the PTB-XL folder")
        labelled = read_ptbxl_labels(ptbxl_root)
    else:
        labelled = read_ludb_labels(root / "ludb")
    plain = ECGEmbedder(encoder, None)
    training = labelled.split(held_out=False)
    heads = train_heads(embed_records(plain, [r.path for r in training]),
                        np.stack([r.labels for r in training]), labelled.statements, config)
    metadata = {"command": command, "data": str(root), "training_windows": len(train),
                "train_config": asdict(config), "final_nt_xent": float(np.mean(losses[-20:])),
                "labels": labels, "head_training_records": len(training),
                "held_out_records": [r.patient for r in labelled.split(held_out=True)]}
    embedder = ECGEmbedder(encoder, heads, metadata)
    metadata["held_out_auroc"] = head_auroc(embedder, labelled)
    metadata["minutes"] = round((time.time() - started) / 60, 1)
    embedder = ECGEmbedder(encoder, heads, metadata)
    embedder.save(out)
    (Path(out) / "encoder.md").write_text(model_card(metadata))
    log(f"saved {out}/encoder.safetensors, encoder.json, encoder.md ({metadata['minutes']} min)")
    return embedder

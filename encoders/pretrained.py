"""The trained encoder and heads as one folder artifact: encoder.safetensors + encoder.json.

``ECGEmbedder.load()`` reads the embedded default (models/default) with no network and no
training; ``embed`` gives the retrieval embedding and per-segment embeddings, ``predict`` the
heads' probabilities.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from safetensors.torch import load_file, save_file

from ecg.errors import ECGError
from ecg.record import ECGRecord
from encoders.model import DiagnosticHeads, ECGEncoder, EncoderConfig, lead_slot
from encoders.preprocess import prepare, windows

FORMAT_VERSION = 1
DEFAULT_FOLDER = Path(__file__).resolve().parents[1] / "models" / "default"


@dataclass(frozen=True)
class Embedding:
    global_embedding: np.ndarray  # (D,), unit length
    segments: np.ndarray  # (segments, D), one per segment_s of signal (10 s windows, in order)
    segment_s: float


class ECGEmbedder:
    """Inference with a trained ECGEncoder and its DiagnosticHeads (eval mode, deterministic)."""

    def __init__(self, encoder: ECGEncoder, heads: DiagnosticHeads | None, metadata: dict | None = None):
        self.encoder = encoder.eval()
        self.heads = heads.eval() if heads is not None else None
        self.metadata = dict(metadata or {})

    @property
    def statements(self) -> tuple[str, ...]:
        return self.heads.statements if self.heads is not None else ()

    @torch.no_grad()
    def _run(self, record: ECGRecord) -> tuple[torch.Tensor, torch.Tensor]:
        batch = torch.from_numpy(windows(prepare(record.signal, record.fs)))
        slots = torch.tensor([[lead_slot(n) for n in record.leads]] * len(batch), dtype=torch.long)
        mask = torch.ones(slots.shape, dtype=torch.bool)
        return self.encoder(batch, slots, mask)

    def embed(self, record: ECGRecord) -> Embedding:
        segments, per_window = self._run(record)
        pooled = torch.nn.functional.normalize(per_window.mean(0), dim=0)
        return Embedding(pooled.numpy(), segments.reshape(-1, segments.shape[-1]).numpy(),
                         self.encoder.config.segment_s)

    def predict(self, record: ECGRecord) -> dict[str, float]:
        """Probability per statement (mean over the record's 10 s windows)."""
        if self.heads is None:
            raise ECGError(record.source, "this encoder has no diagnostic heads")
        with torch.no_grad():
            _, per_window = self._run(record)
            probabilities = torch.sigmoid(self.heads(per_window)).mean(0)
        return {s: float(p) for s, p in zip(self.heads.statements, probabilities)}

    def save(self, folder: str | Path, name: str = "encoder") -> None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        tensors = {f"encoder.{k}": v for k, v in self.encoder.state_dict().items()}
        if self.heads is not None:
            tensors |= {f"heads.{k}": v for k, v in self.heads.state_dict().items()}
        save_file({k: v.contiguous() for k, v in tensors.items()}, str(folder / f"{name}.safetensors"))
        config = {"format_version": FORMAT_VERSION, "encoder": self.encoder.config.to_dict(),
                  "statements": list(self.statements), "metadata": self.metadata}
        (folder / f"{name}.json").write_text(json.dumps(config, indent=2) + "\n")

    @classmethod
    def load(cls, folder: str | Path = DEFAULT_FOLDER, name: str = "encoder") -> "ECGEmbedder":
        folder = Path(folder)
        config_path, weights_path = folder / f"{name}.json", folder / f"{name}.safetensors"
        if not config_path.is_file() or not weights_path.is_file():
            raise ECGError(folder, f"no ECG encoder here ({config_path.name} and {weights_path.name} expected)")
        config = json.loads(config_path.read_text())
        if config.get("format_version") != FORMAT_VERSION:
            raise ECGError(config_path, "an ECG encoder of another format version")
        tensors = load_file(str(weights_path))
        encoder = ECGEncoder(EncoderConfig.from_dict(config["encoder"]))
        encoder.load_state_dict({k[8:]: v for k, v in tensors.items() if k.startswith("encoder.")})
        heads = None
        if config["statements"]:
            heads = DiagnosticHeads(encoder.config.embed_dim, tuple(config["statements"]))
            heads.load_state_dict({k[6:]: v for k, v in tensors.items() if k.startswith("heads.")})
        return cls(encoder, heads, config.get("metadata"))


def load_default_embedder() -> ECGEmbedder:
    """The embedded default (models/default/encoder.*): no network, no training."""
    return ECGEmbedder.load(DEFAULT_FOLDER)

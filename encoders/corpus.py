"""The ECGs the self-supervised models train on, from a data folder laid out like ../shared/data:

- ptbxl_subset/ptbxl_subset_100hz.npz: PTB-XL ECGs (100 Hz, 12 leads, z-scored per lead, so
  amplitudes are not mV; no patient ids, so the split is by ecg_id),
- ludb/data/*.hea: LUDB records (500 Hz, 12 leads, mV; one record per patient),
- wfdb_samples/100.hea: MIT-BIH record 100 (360 Hz, MLII and V5) cut into 10 s windows,
- plus NeuroKit2-simulated 12-lead ECGs.

Each source has a fixed held-out part that training never sees; benchmarks score on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import numpy as np

from ecg.errors import ECGError
from ecg.io import read_ecg

# Held-out parts (fixed, documented in the model cards):
# LUDB: every 4th of the records at hand in ascending id order (with the 160-record copy in
# ../shared/data: ids 4, 9, 14, ..., 199), PTB-XL subset: ecg_id % 10 == 0,
# MIT-BIH 100: the last 20 % of the recording.
LUDB_HOLD_OUT_EVERY = 4
PTBXL_HOLD_OUT_MODULO = 10
MITBIH_HOLD_OUT_SHARE = 0.2
WINDOW_S = 10.0


@dataclass(frozen=True)
class CorpusECG:
    signal: np.ndarray  # (leads, samples) float32
    fs: float
    leads: tuple[str, ...]
    name: str  # "ludb/17", "ptbxl/1234", "mitbih100/12", "synthetic/3"
    in_mv: bool = True


def ludb_ids(data_root: Path) -> list[int]:
    return sorted(int(p.stem) for p in (data_root / "ludb" / "data").glob("*.hea") if p.stem.isdigit())


def ludb_held_out(ids: list[int]) -> list[int]:
    """Every ``LUDB_HOLD_OUT_EVERY``-th id of the sorted ids (the 4th, 8th, ...)."""
    ordered = sorted(ids)
    return ordered[LUDB_HOLD_OUT_EVERY - 1:: LUDB_HOLD_OUT_EVERY]


def iter_corpus(data_root: str | Path, split: str = "train", n_synthetic: int = 0,
                sources: tuple[str, ...] = ("ptbxl", "ludb", "mitbih")) -> Iterator[CorpusECG]:
    """ECGs of ``split`` ("train" or "held_out") from the sources present under ``data_root``."""
    if split not in ("train", "held_out"):
        raise ValueError(f"split must be 'train' or 'held_out', not {split!r}")
    root = Path(data_root)
    held = split == "held_out"
    if "ptbxl" in sources:
        yield from _ptbxl(root, held)
    if "ludb" in sources:
        yield from _ludb(root, held)
    if "mitbih" in sources:
        yield from _mitbih(root, held)
    # Simulated ECGs: seeds 0.. for training, a separate seed range for held out.
    for i in range(n_synthetic):
        yield synthetic_ecg(seed=100_000 + i if held else i)


def _ptbxl(root: Path, held: bool) -> Iterator[CorpusECG]:
    path = root / "ptbxl_subset" / "ptbxl_subset_100hz.npz"
    if not path.is_file():
        return
    with np.load(path) as data:
        ids, signals, fs = data["ecg_id"], data["signal"], float(data["fs"])
        leads = tuple(str(x) for x in data["leads"])
    for ecg_id, signal in zip(ids, signals):
        if (ecg_id % PTBXL_HOLD_OUT_MODULO == 0) == held:
            yield CorpusECG(signal.astype(np.float32), fs, leads, f"ptbxl/{ecg_id}", in_mv=False)


def _ludb(root: Path, held: bool) -> Iterator[CorpusECG]:
    ids = ludb_ids(root)
    held_out = set(ludb_held_out(ids))
    for record_id in ids:
        if (record_id in held_out) == held:
            record = read_ecg(root / "ludb" / "data" / f"{record_id}.hea")
            yield CorpusECG(record.signal, record.fs, record.leads, f"ludb/{record_id}")


def _mitbih(root: Path, held: bool) -> Iterator[CorpusECG]:
    path = root / "wfdb_samples" / "100.hea"
    if not path.is_file():
        return
    record = read_ecg(path)
    window = int(WINDOW_S * record.fs)
    n_windows = record.n_samples // window
    first_held = int(round(n_windows * (1 - MITBIH_HOLD_OUT_SHARE)))
    chosen = range(first_held, n_windows) if held else range(first_held)
    for i in chosen:
        yield CorpusECG(record.signal[:, i * window: (i + 1) * window], record.fs, record.leads, f"mitbih100/{i}")


def synthetic_ecg(seed: int, duration_s: float = WINDOW_S, fs: int = 500) -> CorpusECG:
    """A 12-lead NeuroKit2 simulation; heart rate 50-120 bpm and noise drawn from the seed."""
    import neurokit2 as nk

    rng = np.random.default_rng(seed)
    heart_rate = int(rng.integers(50, 121))
    frame = nk.ecg_simulate(duration=duration_s, sampling_rate=fs, heart_rate=heart_rate,
                            method="multileads", noise=float(rng.uniform(0.0, 0.05)), random_state=seed)
    return CorpusECG(frame.to_numpy(dtype=np.float32).T.copy(), float(fs), tuple(frame.columns), f"synthetic/{seed}")


def require_data_root(data_root: str | Path) -> Path:
    """The folder, or ECGError when it holds none of the sources."""
    root = Path(data_root)
    found = [(root / "ptbxl_subset" / "ptbxl_subset_100hz.npz").is_file(),
             (root / "ludb" / "data").is_dir(), (root / "wfdb_samples" / "100.hea").is_file()]
    if not any(found):
        raise ECGError(root, "holds none of ptbxl_subset/ptbxl_subset_100hz.npz, ludb/data/, wfdb_samples/100.hea")
    return root

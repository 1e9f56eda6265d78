"""Control for the QRS-duration plateau: can a network learned from LUDB's own annotations beat
the rule-based global QRS of `measure()` on unseen records?

A small 1D CNN (shared per-lead trunk, mean and max over leads, a temporal head giving a softmax
over positions for QRS onset and offset) learns the experts' per-beat global QRS boundaries
(earliest onset, latest offset over the 12 annotated leads) from the beats of one half of LUDB,
with time shifts, lead dropout, polarity flips and noise as augmentation; it is then applied to
the representative beats of the other half. Both directions (odd ids -> even ids, even -> odd)
and several seeds are run. Paced records are left out (the rule starts their QRS at the pulse).

It prints, per direction, the QRS duration error (ms) against the original reference rule of
benchmarks/intervals.py for the rule, the CNN and their mean, the correlation of the rule's and
the CNN's errors, and how the rule's error correlates with its own value and with the
reference's: a calibrated estimate whose residual the signal does not predict shows errors
uncorrelated with its value and correlated with the reference.

    .venv/bin/python benchmarks/learned_qrs.py [--data ../shared/data/ludb] [--epochs 40] [--seeds 3]
"""

from __future__ import annotations

import os

os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import sys  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from intervals import SAME_BEAT_S, read_waves, reference_intervals  # noqa: E402

from ecg import measure as engine  # noqa: E402
from ecg.beats import find_beats, median_beat  # noqa: E402
from ecg.io import read_ecg  # noqa: E402
from ecg.rpeaks import detect_rpeaks  # noqa: E402

HALF_WINDOW = 125         # samples (500 Hz) each side of R given to the network
MAX_SHIFT = 15            # augmentation: time shift up to this many samples
BATCH = 32
TEMPLATE_REPEATS = 3      # each record's representative beat joins the training beats this often


def beat_bounds(base: str, fs: float, r_peaks: np.ndarray) -> dict[int, tuple[float, float]]:
    """Per detected beat (index into r_peaks): the experts' earliest QRS onset and latest offset
    over the annotated leads, in samples relative to that beat's R peak."""
    groups: list[list[tuple[int, int, int]]] = []
    for wave in sorted(read_waves(base)["N"], key=lambda w: w[1]):
        if groups and wave[1] - np.median([w[1] for w in groups[-1]]) <= SAME_BEAT_S * fs:
            groups[-1].append(wave)
        else:
            groups.append([wave])
    bounds = {}
    for group in groups:
        centre = np.median([w[1] for w in group])
        k = int(np.argmin(np.abs(r_peaks - centre)))
        if abs(r_peaks[k] - centre) < SAME_BEAT_S * fs:
            bounds[k] = (min(w[0] for w in group) - r_peaks[k], max(w[2] for w in group) - r_peaks[k])
    return bounds


def load(folder: Path) -> list[dict]:
    """Per unpaced record: its beats and their expert bounds, its representative beat, the rule's
    QRS duration (measure()) and the reference QRS duration (ms)."""
    records = []
    for hea in sorted(folder.glob("*.hea"), key=lambda p: int(p.stem)):
        record = read_ecg(hea)
        notes: dict[str, str] = {}
        usable = engine._usable_leads(record, notes)
        if usable is None:
            continue
        signal, spikes, fs = engine._prepare(usable, notes)
        beats = find_beats(signal, detect_rpeaks(np.nan_to_num(signal), fs), fs, spikes)
        if engine._stimulus(beats, beats.dominant) is not None:
            continue
        base = str(hea.with_suffix(""))
        bounds = beat_bounds(base, fs, beats.r_peaks)
        chosen = [k for k in np.flatnonzero(beats.dominant & beats.usable) if k in bounds]
        template = median_beat(beats.epochs, beats.dominant)
        records.append({
            "id": int(hea.stem), "fs": fs, "r_index": beats.r_index, "template": template,
            "epochs": beats.epochs[chosen], "bounds": np.array([bounds[k] for k in chosen], float),
            "rule_ms": engine.measure(record).qrs_duration_ms,
            "ref_ms": reference_intervals(base, record.fs)["qrs_duration_ms"]})
    return records


def window(beat: np.ndarray, r_index: int, shift: int = 0) -> np.ndarray:
    """The network's input: each lead around R, scaled to its own largest absolute value."""
    part = beat[:, r_index - HALF_WINDOW + shift:r_index + HALF_WINDOW + shift]
    scale = np.abs(part).max(axis=1, keepdims=True)
    return (part / np.where(scale > 0, scale, 1.0)).astype(np.float32)


def build_network(channels: int = 16, hidden: int = 32):
    import torch
    from torch import nn
    from torch.nn import functional

    class QrsBoundaryNet(nn.Module):
        def __init__(self):
            super().__init__()
            self.trunk = nn.ModuleList([nn.Conv1d(1, channels, 9, stride=2, padding=4)] + [
                nn.Conv1d(channels, channels, 9, dilation=d, padding=4 * d) for d in (2, 4, 8)])
            self.head = nn.ModuleList([nn.Conv1d(2 * channels, hidden, 9, padding=4),
                                       nn.Conv1d(hidden, hidden, 9, dilation=2, padding=8)])
            self.out = nn.Conv1d(hidden, 2, 1)

        def forward(self, x, mask):  # x (batch, leads, samples), mask (batch, leads)
            batch, leads, samples = x.shape
            z = x.reshape(batch * leads, 1, samples)
            for conv in self.trunk:
                z = functional.relu(conv(z))
            z = z.reshape(batch, leads, z.shape[1], z.shape[2])
            m = mask[:, :, None, None]
            pooled = torch.cat([(z * m).sum(1) / m.sum(1), (z + (m - 1) * 1e4).max(1).values], 1)
            for conv in self.head:
                pooled = functional.relu(conv(pooled))
            return self.out(pooled)  # (batch, 2, samples / 2): onset and offset logits

    return QrsBoundaryNet()


def positions(n: int):
    """Sample offsets from R (500 Hz) of the network's output grid."""
    import torch

    return torch.arange(n, dtype=torch.float32) * 2 - HALF_WINDOW + 0.5


def train(records: list[dict], epochs: int, seed: int):
    import torch

    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    samples = []
    for r in records:
        samples += [(e, r["r_index"], b) for e, b in zip(r["epochs"], r["bounds"])]
        samples += [(r["template"], r["r_index"], np.median(r["bounds"], axis=0))] * TEMPLATE_REPEATS
    net = build_network()
    steps = epochs * -(-len(samples) // BATCH)
    optimizer = torch.optim.AdamW(net.parameters(), 3e-3, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimizer, 3e-3, total_steps=steps)
    for _ in range(epochs):
        order = rng.permutation(len(samples))
        for start in range(0, len(samples), BATCH):
            x, mask, y = augmented_batch([samples[j] for j in order[start:start + BATCH]], rng)
            logits = net(x, mask)
            grid = positions(logits.shape[-1])
            target = torch.exp(-0.5 * ((grid[None, None] - y[:, :, None]) / 3.0) ** 2)
            target = target / target.sum(-1, keepdim=True)
            expected = (logits.softmax(-1) * grid).sum(-1)
            loss = -(target * logits.log_softmax(-1)).sum(-1).mean() + 0.05 * (expected - y).abs().mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
            schedule.step()
    return net.eval()


def augmented_batch(items, rng):
    import torch

    xs, masks, ys = [], [], []
    for beat, r_index, (onset, offset) in items:
        shift = int(rng.integers(-MAX_SHIFT, MAX_SHIFT + 1))
        x = window(beat, r_index, shift)
        mask = np.ones(len(x), np.float32)
        if rng.random() < 0.4:  # a subset of the leads only
            mask[:] = 0
            mask[rng.choice(len(x), int(rng.integers(1, len(x))), replace=False)] = 1
        x = x * np.where(rng.random((len(x), 1)) < 0.2, -1, 1)
        x = x + rng.normal(0, rng.uniform(0, 0.05), x.shape)
        xs.append((x * mask[:, None]).astype(np.float32))
        masks.append(mask)
        ys.append([onset - shift, offset - shift])
    return (torch.tensor(np.array(xs)), torch.tensor(np.array(masks)), torch.tensor(ys, dtype=torch.float32))


def predict_ms(net, record: dict) -> float:
    import torch

    with torch.no_grad():
        x = torch.tensor(window(record["template"], record["r_index"])[None])
        logits = net(x, torch.ones(1, x.shape[1]))
        onset, offset = (logits.softmax(-1) * positions(logits.shape[-1])).sum(-1)[0].tolist()
    return (offset - onset) * 1000.0 / record["fs"]


def report(title: str, rule: np.ndarray, cnn: np.ndarray, ref: np.ndarray, ours: np.ndarray) -> None:
    cells = []
    for errors in (rule, cnn, (rule + cnn) / 2):
        cells.append(f"{errors.mean():+.1f} / {errors.std(ddof=1):.1f}")
    print(f"| {title} | {len(rule)} | " + " | ".join(cells) +
          f" | {np.corrcoef(rule, cnn)[0, 1]:.2f} | {np.corrcoef(rule, ours)[0, 1]:+.2f} | "
          f"{np.corrcoef(rule, ref)[0, 1]:+.2f} |")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data" / "ludb")
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args(argv)
    folder = args.data / "data" if (args.data / "data").is_dir() else args.data
    records = [r for r in load(folder) if r["rule_ms"] is not None and r["ref_ms"] is not None]
    if not records:
        print(f"no LUDB records under {folder}", file=sys.stderr)
        return 1
    print("QRS duration error (ms) on the half not trained on, original reference rule; "
          f"CNN: mean of {args.seeds} seeds' predictions\n")
    print("| trained on -> tested on | records | rule mean / SD | CNN mean / SD | mean of both | "
          "corr(rule err, CNN err) | corr(rule err, rule value) | corr(rule err, reference) |")
    print("|---|---|---|---|---|---|---|---|")
    for train_odd, title in ((True, "odd ids -> even ids"), (False, "even ids -> odd ids")):
        fit = [r for r in records if (r["id"] % 2 == 1) == train_odd]
        test = [r for r in records if (r["id"] % 2 == 1) != train_odd]
        nets = [train(fit, args.epochs, seed) for seed in range(args.seeds)]
        cnn = np.array([np.mean([predict_ms(net, r) for net in nets]) for r in test])
        ours = np.array([r["rule_ms"] for r in test])
        ref = np.array([r["ref_ms"] for r in test])
        report(title, ours - ref, cnn - ref, ref, ours)
    return 0


if __name__ == "__main__":
    sys.exit(main())

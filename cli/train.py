"""`ecg-agent train tokenizer|encoder`: train the embedded default's models from a data folder.

Each target is a module function ``add_parser(subparsers)`` listed in TRAIN_TARGETS; a new
target (``train lm``) is one more line there.
"""

from __future__ import annotations

import argparse
import importlib
import shlex
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATA = ROOT.parent / "shared" / "data"
DEFAULT_OUT = ROOT / "models" / "default"

# target -> "module:function" adding its subparser
TRAIN_TARGETS = {
    "tokenizer": "cli.train:add_tokenizer_parser",
    "encoder": "cli.train:add_encoder_parser",
    "lm": "cli.train_lm:add_parser",
}


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("train", help="train the ECG tokenizer, encoder (and heads) or LM")
    targets = parser.add_subparsers(dest="target", required=True, metavar="TARGET")
    for spec in TRAIN_TARGETS.values():
        module_name, function_name = spec.split(":")
        getattr(importlib.import_module(module_name), function_name)(targets)


def _common(parser: argparse.ArgumentParser) -> None:
    """Options of every target; None means the target's own default (its config dataclass)."""
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA,
                        help="folder laid out like ../shared/data (ptbxl_subset/, ludb/, wfdb_samples/)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="output folder (default models/default)")
    parser.add_argument("--steps", type=int, default=None)
    parser.add_argument("--batch-size", type=int, default=None)
    parser.add_argument("--synthetic", type=int, default=60, help="NeuroKit2-simulated ECGs added to training")
    parser.add_argument("--threads", type=int, default=2, help="torch CPU threads")
    parser.add_argument("--seed", type=int, default=0)


def _command(target: str) -> str:
    """The command line that ran, for the model card (its options when run as ecg-agent)."""
    options = sys.argv[3:] if sys.argv[1:3] == ["train", target] else []
    return " ".join(["ecg-agent", "train", target] + ([shlex.join(options)] if options else []))


def _given(**values) -> dict:
    return {k: v for k, v in values.items() if v is not None}


def add_tokenizer_parser(targets) -> None:
    parser = targets.add_parser("tokenizer", help="the beat autoencoder behind the ECG tokens")
    _common(parser)
    parser.set_defaults(run=run_tokenizer)


def run_tokenizer(args: argparse.Namespace) -> int:
    import numpy as np
    import torch

    from encoders.corpus import iter_corpus, require_data_root
    from tokenizer.card import model_card
    from tokenizer.ecg_tokenizer import ECGTokenizer
    from tokenizer.train import TrainConfig, collect_beats, train_beat_coder

    root = require_data_root(args.data)
    started = time.time()
    train = collect_beats(iter_corpus(root, "train", args.synthetic), seed=args.seed)
    held = collect_beats(iter_corpus(root, "held_out", max(1, args.synthetic // 6)), single_beats=0)
    print(f"{len(train)} training beats, {len(held)} held-out beats ({time.time() - started:.0f} s)", flush=True)
    config = TrainConfig(**_given(steps=args.steps, batch_size=args.batch_size), seed=args.seed, threads=args.threads)
    model, losses = train_beat_coder(train, config=config)
    with torch.no_grad():
        reconstruction, codes = model(torch.from_numpy(held))
    r = [float(np.corrcoef(a, b)[0, 1]) for a, b in zip(reconstruction.numpy(), held) if np.std(b) > 0]
    counts = np.bincount(codes.flatten().numpy(), minlength=model.fsq.codebook_size)
    metadata = {
        "command": _command("tokenizer"),
        "data": str(root), "training_beats": len(train), "held_out_beats": len(held),
        "train_config": vars(config), "final_train_mse": float(np.mean(losses[-50:])),
        "held_out_beat_median_pearson_r": float(np.median(r)),
        "held_out_codebook_usage": float((counts > 0).mean()),
        "minutes": round((time.time() - started) / 60, 1),
    }
    tokenizer = ECGTokenizer(model, metadata)
    tokenizer.save(args.out)
    (args.out / "tokenizer.md").write_text(model_card(metadata, model.fsq.levels, tokenizer.codebook_size,
                                                      len(tokenizer.vocab)))
    print(f"saved {args.out}/tokenizer.safetensors, tokenizer.json: held-out beat r {metadata['held_out_beat_median_pearson_r']:.3f}, "
          f"codebook usage {metadata['held_out_codebook_usage']:.0%}")
    return 0


def add_encoder_parser(targets) -> None:
    parser = targets.add_parser("encoder", help="the ECG encoder (self-supervised) and its diagnostic heads")
    _common(parser)
    parser.add_argument("--head-steps", type=int, default=None)
    parser.add_argument("--labels", choices=("ludb", "ptbxl"), default="ludb",
                        help="labelled data for the heads: LUDB (--data/ludb) or a PTB-XL folder")
    parser.add_argument("--ptbxl", type=Path, default=None,
                        help="PTB-XL folder with ptbxl_database.csv and records100/ or records500/")
    parser.set_defaults(run=run_encoder)


def run_encoder(args: argparse.Namespace) -> int:
    from encoders.train import EncoderTrainConfig, train_default_encoder

    config = EncoderTrainConfig(**_given(steps=args.steps, batch_size=args.batch_size, head_steps=args.head_steps),
                                seed=args.seed, threads=args.threads, n_synthetic=args.synthetic)
    train_default_encoder(args.data, args.out, config, labels=args.labels, ptbxl_root=args.ptbxl,
                          command=_command("encoder"))
    return 0

"""`ecg-agent export --out DIR`: merge the tuned adapter and the ECG vocabulary into a full model folder."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

DEFAULT_ADAPTER = Path(__file__).resolve().parents[1] / "models" / "default" / "lm_adapter"


def add_parser(subparsers) -> argparse.ArgumentParser:
    parser = subparsers.add_parser("export", help="merge the LM adapter into a folder transformers and vLLM load",
                                   description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="folder to write (safetensors, config, tokenizer)")
    parser.add_argument("--adapter", type=Path, default=DEFAULT_ADAPTER,
                        help="adapter folder from `ecg-agent train lm` (default: the embedded one)")
    parser.add_argument("--base", default=None, help="base model, when not the one the adapter names")
    parser.set_defaults(run=run)
    return parser


def run(args: argparse.Namespace) -> int:
    from finetune.export import AdapterError, export_merged

    try:
        out = export_merged(args.adapter, args.out, args.base)
    except AdapterError as exc:
        raise SystemExit(f"ecg-agent export: error: {exc}") from None
    print(json.dumps({"out": str(out), "files": sorted(p.name for p in out.iterdir())}))
    return 0

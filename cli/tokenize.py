"""`ecg-agent tokenize PATH [--json]`: the ECG as discrete tokens of the embedded default tokenizer."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.common import add_read_arguments, read_options, to_json
from ecg.io import read_ecg


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("tokenize", help="the ECG as discrete tokens (<ecg_17> ...) for the language model")
    parser.add_argument("path", metavar="PATH", help="an ECG file (WFDB .hea/.dat, EDF, CSV, ...)")
    parser.add_argument("--json", action="store_true", help='{"n_tokens": N, "tokens": [...], "ids": [...]}')
    parser.add_argument("--tokenizer", type=Path, default=None,
                        help="a tokenizer folder (default: the embedded models/default)")
    add_read_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from tokenizer import ECGTokenizer, load_default_tokenizer

    record = read_ecg(args.path, read_options(args))
    ecg_tokenizer = ECGTokenizer.load(args.tokenizer) if args.tokenizer else load_default_tokenizer()
    tokens = ecg_tokenizer.encode(record)
    print(to_json(tokens.to_dict()) if args.json else "".join(tokens.tokens))
    return 0

"""`ecg-agent`: one console script, one subcommand per user task.

Each subcommand lives in its own module under cli/ with ``add_parser(subparsers)`` and
``run(args) -> int``; ECGError from any of them becomes one clear line on stderr and exit code 2.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from ecg.errors import ECGError

# subcommand -> module under cli/
SUBCOMMANDS = {
    "info": "cli.info",
    "plot": "cli.plot",
    "eval": "cli.eval",
    "measure": "cli.measure",
    "train": "cli.train",
    "tokenize": "cli.tokenize",
    "export": "cli.export",
    "index": "cli.index",
    "ask": "cli.ask",
    "report": "cli.report",
    "ui": "cli.ui",
    "serve": "cli.serve",
}


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ecg-agent",
        description="ECG question answering and report drafting grounded in measured intervals.",
    )
    subparsers = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for module_name in SUBCOMMANDS.values():
        importlib.import_module(module_name).add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.run(args) or 0)
    except ECGError as exc:
        print(f"ecg-agent {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

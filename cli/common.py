"""Arguments and output helpers shared by the subcommands."""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

from ecg.io import ReadOptions


def add_read_arguments(parser: argparse.ArgumentParser) -> None:
    """--fs and --units: what a file may not say about itself."""
    parser.add_argument("--fs", type=float, default=None,
                        help="sampling rate in Hz for CSV/NPY files that do not carry one")
    parser.add_argument("--units", default=None,
                        help="override the file's signal units (mV, uV or V)")


def read_options(args: argparse.Namespace) -> ReadOptions:
    return ReadOptions(fs=args.fs, units=args.units)


def to_json(value: Any, indent: int | None = None) -> str:
    """JSON with NaN and infinities written as null, as the public JSON promises."""
    return json.dumps(_finite(value), indent=indent, ensure_ascii=False)


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value


def unique_records(paths: list[str]) -> list[str]:
    """Drop a WFDB signal file (.dat/.mat) when its header is named too: one record, read once."""
    named = {str(Path(p).with_suffix("")) for p in paths if Path(p).suffix.lower() == ".hea"}
    return [p for p in paths
            if not (Path(p).suffix.lower() in (".dat", ".mat") and str(Path(p).with_suffix("")) in named)]

"""`ecg-agent info PATH...`: what was read, as one JSON object per ECG."""

from __future__ import annotations

import argparse
import sys

from cli.common import add_read_arguments, read_options, to_json, unique_records
from ecg.io import FORMAT_NAMES, read_ecgs
from ecg.quality import assess_quality
from ecg.record import ECGRecord


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("info", help="what was read: format, fs, leads, duration, quality (JSON)")
    parser.add_argument("paths", nargs="+", metavar="PATH", help="ECG files (WFDB .hea/.dat, EDF, CSV, ...)")
    parser.add_argument("--pretty", action="store_true", help="indented JSON instead of one line per ECG")
    add_read_arguments(parser)
    parser.set_defaults(run=run)


def describe(record: ECGRecord) -> dict:
    """The info JSON object of one record."""
    return {
        "source": record.source,
        "format": record.format,
        "format_name": FORMAT_NAMES.get(record.format, record.format),
        "fs": record.fs,
        "leads": list(record.leads),
        "n_samples": record.n_samples,
        "duration_s": round(record.duration_s, 3),
        "units": record.units,
        "warnings": record.metadata.get("warnings", []),
        "quality": assess_quality(record).to_dict(),
    }


def run(args: argparse.Namespace) -> int:
    options = read_options(args)
    for path in unique_records(args.paths):
        for record in read_ecgs(path, options):
            print(to_json(describe(record), indent=2 if args.pretty else None))
    sys.stdout.flush()
    return 0

"""`ecg-agent report PATH [--format md|json]`: a report draft whose findings cite their evidence."""

from __future__ import annotations

import argparse

from cli.ask import add_retrieval_argument, build_agent
from cli.common import add_read_arguments, to_json


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("report", help="a report draft of one ECG, each finding with its evidence")
    parser.add_argument("path", metavar="PATH", help="an ECG file")
    parser.add_argument("--format", choices=("md", "json"), default="md", help="Markdown (default) or JSON")
    add_retrieval_argument(parser)  # the draft is built from evidence; no language model writes it
    add_read_arguments(parser)
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from agent.report import to_markdown

    report = build_agent(args, llm=False).report(args.path)
    print(to_json(report.to_dict(), indent=2) if args.format == "json" else to_markdown(report))
    return 0

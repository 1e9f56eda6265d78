"""`ecg-agent ask PATH [PATH2] "question" [--options a b c] [--json]`: a grounded answer."""

from __future__ import annotations

import argparse

from cli.common import add_read_arguments, read_options, to_json
from ecg.errors import ECGError


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("ask", help="answer a question about one ECG or compare two")
    parser.add_argument("items", nargs="+", metavar="PATH [PATH2] QUESTION",
                        help="one or two ECG files, then the question")
    parser.add_argument("--options", nargs="+", default=None, help="the answers the question allows")
    parser.add_argument("--json", action="store_true", help='{"answer": [...], "text": ..., "evidence": [...]}')
    add_agent_arguments(parser)
    add_read_arguments(parser)
    parser.set_defaults(run=run)


def add_agent_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-llm", action="store_true", help="answer from the measured evidence only (fast)")
    parser.add_argument("--model", default=None, help="a model folder (default: the SmolLM2 base)")
    add_retrieval_argument(parser)


def add_retrieval_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-retrieval", action="store_true", help="no similar reports or knowledge snippets")


def build_agent(args: argparse.Namespace, llm: bool = True):
    """The Agent the arguments ask for; torch and transformers load only with the LLM."""
    from agent.pipeline import Agent

    backend = None
    if llm and not getattr(args, "no_llm", True):
        from agent.backends import TransformersBackend
        from finetune.base_model import BaseModelError

        try:
            backend = TransformersBackend(args.model)
        except BaseModelError as exc:
            raise ECGError(args.model or "base model", str(exc)) from None
    return Agent(backend, retrieval=not args.no_retrieval, read_options=read_options(args))


def run(args: argparse.Namespace) -> int:
    *paths, question = args.items
    if not 1 <= len(paths) <= 2:
        raise ECGError(None, "give one or two ECG files, then the question in quotes")
    answer = build_agent(args).ask(paths, question, args.options)
    if args.json:
        print(to_json(answer.to_dict()))
    else:
        print(answer.text)
        for warning in answer.warnings:
            print(f"warning: {warning}")
    return 0

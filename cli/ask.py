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
    """The agent's mode, LLM backend and ablations (agent.factory.AgentSettings)."""
    from agent.factory import LLM_API_KEY_ENV, MODES

    parser.add_argument("--no-llm", action="store_true", help="answer from the measured evidence only (fast)")
    parser.add_argument("--model", default=None, help="a model folder (default: the embedded model)")
    parser.add_argument("--llm-url", default=None, metavar="URL",
                        help="an OpenAI-compatible server instead of the in-process model, e.g. vLLM at "
                             f"http://127.0.0.1:8000/v1 (API key from ${LLM_API_KEY_ENV})")
    parser.add_argument("--llm-model", default=None, help="the served model's name (default: the server's first)")
    parser.add_argument("--mode", choices=MODES, default="pipeline",
                        help="pipeline: deterministic, for small models (default); tools: LangChain "
                             "tool-calling agent, for capable models")
    parser.add_argument("--no-ecg-tokens", action="store_true", help="leave the ECG tokens out of the prompt")
    add_retrieval_argument(parser)


def add_retrieval_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--no-retrieval", action="store_true", help="no similar reports or knowledge snippets")


def agent_settings(args: argparse.Namespace, llm: bool = True):
    """AgentSettings from the parsed arguments (those a subcommand lacks take their defaults)."""
    from agent.factory import AgentSettings

    return AgentSettings(mode=getattr(args, "mode", "pipeline"),
                         use_llm=llm and not getattr(args, "no_llm", True),
                         model=getattr(args, "model", None), llm_url=getattr(args, "llm_url", None),
                         llm_model=getattr(args, "llm_model", None), retrieval=not args.no_retrieval,
                         ecg_tokens=not getattr(args, "no_ecg_tokens", False), read_options=read_options(args))


def build_agent(args: argparse.Namespace, llm: bool = True):
    """The agent the arguments ask for; torch and transformers load only with the in-process LLM."""
    from agent.factory import build_agent as build
    from finetune.base_model import BaseModelError

    try:
        return build(agent_settings(args, llm))
    except BaseModelError as exc:
        raise ECGError(args.model or "base model", str(exc)) from None


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

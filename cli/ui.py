"""`ecg-agent ui [--port 8501] [--no-llm] [--model DIR] [--llm-url URL]`: the Streamlit chat.

Runs ``python -m streamlit run ui/app.py`` with the agent's settings in environment variables
(ui.settings); sessions are kept in ``--data`` (default ~/.cache/ecg-agent/ui).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from cli.ask import add_agent_arguments


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("ui", help="the chat in the browser: upload ECGs, ask, edit report drafts")
    parser.add_argument("--port", type=int, default=8501, help="port to listen on (default 8501)")
    parser.add_argument("--host", default="localhost",
                        help="address to listen on (default localhost; 0.0.0.0 for every interface)")
    parser.add_argument("--data", default=None, metavar="DIR",
                        help="where sessions, uploads and drafts are kept (default ~/.cache/ecg-agent/ui)")
    add_agent_arguments(parser)
    parser.set_defaults(run=run)


def streamlit_command(args: argparse.Namespace) -> list[str]:
    """``streamlit run ui/app.py`` headless, without usage statistics, taking uploads up to ReadLimits' size."""
    import ui
    from ecg.limits import ReadLimits

    app = Path(ui.__file__).resolve().parent / "app.py"
    return [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(args.port),
            "--server.address", args.host, "--server.headless", "true", "--browser.gatherUsageStats", "false",
            "--server.maxUploadSize", str(ReadLimits().max_file_bytes // 1024**2), "--client.toolbarMode", "minimal"]


def streamlit_env(args: argparse.Namespace) -> dict[str, str]:
    """The agent's settings and the data folder as the environment variables ui.settings reads."""
    from ui.settings import settings_env

    return settings_env(args.data, no_llm=args.no_llm, no_retrieval=args.no_retrieval,
                        no_ecg_tokens=args.no_ecg_tokens, model=args.model, llm_url=args.llm_url,
                        llm_model=args.llm_model, mode=args.mode)


def run(args: argparse.Namespace) -> int:
    env = dict(os.environ) | streamlit_env(args)
    print(f"ecg-agent ui: http://{args.host}:{args.port} (Ctrl+C stops it)", file=sys.stderr)
    try:
        return subprocess.call(streamlit_command(args), env=env)
    except KeyboardInterrupt:
        return 0

"""`ecg-agent serve [--host 127.0.0.1] [--port 8000] [--api-key KEY]`: the OpenAI-compatible API (docs/API.md)."""

from __future__ import annotations

import argparse
from pathlib import Path

from cli.ask import add_agent_arguments, build_agent
from cli.common import add_read_arguments


def add_parser(subparsers) -> None:
    from serve.config import API_KEYS_ENV, DEFAULT_DATA_DIR, ServeConfig

    defaults = ServeConfig(data_dir=DEFAULT_DATA_DIR)
    parser = subparsers.add_parser("serve", help="serve the agent as an OpenAI-compatible HTTP API")
    parser.add_argument("--host", default=defaults.host, help="address to bind (default: loopback only)")
    parser.add_argument("--port", type=int, default=defaults.port)
    parser.add_argument("--api-key", action="append", default=None, metavar="KEY",
                        help=f"a bearer key clients must send (repeatable; also ${API_KEYS_ENV}, comma "
                             "separated); required on any host but loopback")
    parser.add_argument("--model-name", default=defaults.model_name, help="the model id clients ask for")
    parser.add_argument("--data-dir", type=Path, default=defaults.data_dir,
                        help="uploads and attached ECGs (default: %(default)s)")
    parser.add_argument("--max-body-mb", type=float, default=defaults.max_body_bytes / 1024**2,
                        help="largest request body, uploads included (413 beyond)")
    parser.add_argument("--max-concurrency", type=int, default=defaults.max_concurrency,
                        help="agent calls running at once")
    parser.add_argument("--max-queued", type=int, default=defaults.max_queued,
                        help="requests waiting for a slot (429 beyond)")
    parser.add_argument("--timeout", type=float, default=defaults.timeout_s, help="seconds per request (504 after)")
    add_agent_arguments(parser)
    add_read_arguments(parser)
    parser.set_defaults(run=run)


def config_from(args: argparse.Namespace):
    from serve.config import ServeConfig, api_keys_from

    return ServeConfig(host=args.host, port=args.port, api_keys=api_keys_from(args.api_key),
                       model_name=args.model_name, max_body_bytes=int(args.max_body_mb * 1024**2),
                       max_concurrency=args.max_concurrency, max_queued=args.max_queued,
                       timeout_s=args.timeout, data_dir=args.data_dir.expanduser())


def run(args: argparse.Namespace) -> int:
    import logging

    import uvicorn

    from serve.app import create_app

    config = config_from(args)
    config.check()  # before loading a model: refuse an unsafe host at once
    app = create_app(config, build_agent(args))
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    uvicorn.run(app, host=config.host, port=config.port, access_log=False, log_level="info")
    return 0

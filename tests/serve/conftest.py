"""A real server for the API tests: the app under uvicorn on a free loopback port, in a thread."""

from __future__ import annotations

import base64
import io
import socket
import threading
import time
import zipfile
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
API_KEY = "test-key-0123456789"
MAX_BODY_BYTES = 1024**2


@contextmanager
def running(app):
    """``app`` served by uvicorn on 127.0.0.1 until the block ends; yields its base URL."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()


def wfdb_zip(header: Path) -> bytes:
    """A WFDB record (.hea and its .dat) zipped in memory, as a user would upload it."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.write(header, header.name)
        archive.write(header.with_suffix(".dat"), header.with_suffix(".dat").name)
    return buffer.getvalue()


def file_part(data: bytes, filename: str, media_type: str = "application/zip") -> dict:
    url = f"data:{media_type};base64,{base64.b64encode(data).decode()}"
    return {"type": "file", "file": {"file_data": url, "filename": filename}}


def user(*parts, text: str | None = None) -> dict:
    return {"role": "user", "content": [*parts] + ([{"type": "text", "text": text}] if text else [])}


@pytest.fixture(scope="module")
def evidence_agent():
    """The evidence-only agent: real reading, measurement and criteria, no language model."""
    from agent.factory import AgentSettings, build_agent

    return build_agent(AgentSettings(use_llm=False, retrieval=False))


@pytest.fixture(scope="module")
def ludb_zip() -> bytes:
    return wfdb_zip(ROOT / "examples" / "ludb_1.hea")


@pytest.fixture(scope="module")
def base_url(evidence_agent, tmp_path_factory):
    """The API with the evidence-only agent, an API key and a 1 MB body limit."""
    from serve.app import create_app
    from serve.config import ServeConfig

    config = ServeConfig(api_keys=(API_KEY,), max_body_bytes=MAX_BODY_BYTES,
                         data_dir=tmp_path_factory.mktemp("serve-data"))
    with running(create_app(config, evidence_agent)) as url:
        yield url


@pytest.fixture(scope="module")
def client(base_url):
    from openai import OpenAI

    return OpenAI(base_url=f"{base_url}/v1", api_key=API_KEY, max_retries=0)

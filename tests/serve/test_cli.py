"""`ecg-agent serve` as a user starts it: a process that listens, checks keys and logs requests."""

from __future__ import annotations

import socket
import subprocess
import sys
import time

import httpx

from tests.serve.conftest import ROOT


def test_serve_command_answers_with_a_key_and_logs_the_request(tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [sys.executable, "-m", "cli.main", "serve", "--no-llm", "--no-retrieval", "--port", str(port),
               "--data-dir", str(tmp_path), "--api-key", "k1"]
    server = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                health = httpx.get(f"http://127.0.0.1:{port}/health")
                break
            except httpx.TransportError:
                assert server.poll() is None and time.monotonic() < deadline, "the server did not start"
                time.sleep(0.2)
        assert health.json()["status"] == "ok"
        url = f"http://127.0.0.1:{port}/v1/models"
        assert httpx.get(url).status_code == 401
        assert httpx.get(url, headers={"Authorization": "Bearer k1"}).json()["data"][0]["id"] == "ecg-agent"
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "serve.access: GET /v1/models 401" in output and "serve.access: GET /v1/models 200" in output

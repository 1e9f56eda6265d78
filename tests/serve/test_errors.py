"""Errors in OpenAI's shape: bad ECGs (400), keys (401), body size (413), load (429), time (504)."""

from __future__ import annotations

import logging
import socket
import threading
import time
import zipfile
from io import BytesIO

import httpx
import openai
import pytest

from ecg.errors import ECGError
from serve.app import create_app
from serve.config import ServeConfig
from tests.serve.conftest import API_KEY, MAX_BODY_BYTES, file_part, running, user

QUESTION = "Does this ECG show sinus bradycardia?"


def ask(client, *parts, text=QUESTION, **kwargs):
    return client.chat.completions.create(model="ecg-agent", messages=[user(*parts, text=text)], **kwargs)


def test_corrupt_ecg_is_a_bad_request_naming_the_file_and_problem(client, ludb_zip):
    with pytest.raises(openai.BadRequestError) as caught:
        ask(client, file_part(b"not an ECG \x00\x01\x02" * 10, "scan.bin", "application/octet-stream"))
    message = caught.value.body["message"]
    assert message.startswith("scan.bin: unknown format") and "/ecgs/" not in message
    assert caught.value.body["type"] == "invalid_request_error"

    truncated = BytesIO()
    with zipfile.ZipFile(truncated, "w") as archive, zipfile.ZipFile(BytesIO(ludb_zip)) as original:
        archive.writestr("ludb_1.hea", original.read("ludb_1.hea"))
        archive.writestr("ludb_1.dat", original.read("ludb_1.dat")[:1000])
    with pytest.raises(openai.BadRequestError, match=r"broken\.zip"):
        ask(client, file_part(truncated.getvalue(), "broken.zip"))


@pytest.mark.parametrize("parts, expected", [
    ((), "attach an ECG"),
    (({"type": "file", "file": {"file_data": "data:application/zip;base64,@@@", "filename": "a.zip"}},),
     "not valid base64"),
    (({"type": "image_url", "image_url": {"url": "http://x"}},), "does not match any of the expected tags"),
    (tuple(file_part(bytes([i]) * 100, f"{i}.npy") for i in range(3)), "one or two ECGs; this conversation attaches 3"),
])
def test_malformed_requests_are_bad_requests(client, parts, expected):
    with pytest.raises(openai.BadRequestError, match=expected):
        ask(client, *parts)


def test_unknown_model_is_not_found(client, ludb_zip):
    with pytest.raises(openai.NotFoundError) as caught:
        client.chat.completions.create(model="gpt-5", messages=[user(file_part(ludb_zip, "a.zip"), text="hi")])
    assert caught.value.body["code"] == "model_not_found"


@pytest.mark.parametrize("key", ["wrong-key", ""])
def test_missing_or_wrong_key_is_401(base_url, key):
    client = openai.OpenAI(base_url=f"{base_url}/v1", api_key=key or "unused", max_retries=0,
                           default_headers={"Authorization": ""} if not key else None)
    with pytest.raises(openai.AuthenticationError) as caught:
        client.models.list()
    assert caught.value.body["type"] == "authentication_error"


def test_health_needs_no_key(base_url):
    assert httpx.get(f"{base_url}/health").json()["status"] == "ok"


def test_oversize_body_is_413(client, base_url):
    big = file_part(b"\x00" * MAX_BODY_BYTES, "big.npy")
    with pytest.raises(openai.APIStatusError) as caught:
        ask(client, big)
    assert caught.value.status_code == 413 and caught.value.body["code"] == "request_too_large"

    def chunks():  # no Content-Length: the server counts what arrives
        for _ in range(3):
            yield b"x" * (MAX_BODY_BYTES // 2)
    response = httpx.post(f"{base_url}/v1/chat/completions", content=chunks(),
                          headers={"Authorization": f"Bearer {API_KEY}"})
    assert response.status_code == 413 and response.json()["error"]["code"] == "request_too_large"


def test_logs_hold_neither_question_nor_ecg(client, ludb_zip, caplog):
    secret = "Is zebra-4711 visible in this ECG?"
    with caplog.at_level(logging.DEBUG):
        ask(client, file_part(ludb_zip, "patient-name.zip"), text=secret)
        with pytest.raises(openai.BadRequestError):
            ask(client, file_part(b"garbage" * 20, "patient-name.bin"), text=secret)
    assert "POST /v1/chat/completions 200" in caplog.text
    assert "POST /v1/chat/completions 400" in caplog.text
    assert "zebra" not in caplog.text and "patient-name" not in caplog.text
    assert file_part(ludb_zip, "x")["file"]["file_data"][40:80] not in caplog.text


def test_non_loopback_host_without_key_refuses_to_start(tmp_path):
    with pytest.raises(ECGError, match="needs an API key"):
        create_app(ServeConfig(host="0.0.0.0", data_dir=tmp_path), agent=None)
    create_app(ServeConfig(host="0.0.0.0", api_keys=("k",), data_dir=tmp_path), agent=None)

    from cli.main import main
    assert main(["serve", "--host", "192.168.1.10", "--no-llm", "--data-dir", str(tmp_path)]) == 2


class GatedAgent:
    """The real agent, held at a gate so that a test controls how long a request takes."""

    def __init__(self, agent):
        self.agent, self.gate = agent, threading.Event()

    def ask(self, *args, **kwargs):
        self.gate.wait(30)
        return self.agent.ask(*args, **kwargs)


def test_full_server_answers_429_and_slow_requests_504(evidence_agent, ludb_zip, tmp_path):
    agent = GatedAgent(evidence_agent)
    config = ServeConfig(max_concurrency=1, max_queued=0, timeout_s=1.0, data_dir=tmp_path)
    with running(create_app(config, agent)) as url:
        client = openai.OpenAI(base_url=f"{url}/v1", api_key="unused", max_retries=0)
        outcome = {}

        def held():
            try:
                ask(client, file_part(ludb_zip, "a.zip"))
            except openai.APIStatusError as exc:
                outcome["status"] = exc.status_code
        first = threading.Thread(target=held)
        first.start()
        while httpx.get(f"{url}/health").json()["in_flight"] < 1:
            time.sleep(0.01)
        with pytest.raises(openai.RateLimitError) as caught:
            ask(client, file_part(ludb_zip, "a.zip"))
        assert caught.value.body["code"] == "rate_limit_exceeded"
        assert caught.value.response.headers["retry-after"] == "1"
        first.join(10)
        assert outcome["status"] == 504
        # The timed-out call still holds its thread, so the server stays full until it ends.
        with pytest.raises(openai.RateLimitError):
            ask(client, file_part(ludb_zip, "a.zip"))
        agent.gate.set()
        while httpx.get(f"{url}/health").json()["in_flight"]:
            time.sleep(0.01)
        assert ask(client, file_part(ludb_zip, "a.zip")).model_extra["ecg_decided_by"] == "evidence"


class BrokenAgent:
    """An agent with a bug whose message quotes the question."""

    def ask(self, ecgs, question, options=None, history=()):
        raise RuntimeError(f"failed on {question!r}")


def test_a_bug_is_a_500_whose_log_omits_the_message(ludb_zip, tmp_path, caplog):
    # the access line is written after the response is sent: read the log once the server stopped
    with caplog.at_level(logging.INFO), running(create_app(ServeConfig(data_dir=tmp_path), BrokenAgent())) as url:
        client = openai.OpenAI(base_url=f"{url}/v1", api_key="unused", max_retries=0)
        with pytest.raises(openai.InternalServerError) as caught:
            ask(client, file_part(ludb_zip, "a.zip"), text="Is zebra-4711 there?")
    assert caught.value.body["type"] == "server_error"
    assert "RuntimeError while answering POST /v1/chat/completions" in caplog.text
    assert "POST /v1/chat/completions 500" in caplog.text and "zebra" not in caplog.text


def test_an_unreachable_llm_server_is_a_502_naming_it(ludb_zip, tmp_path):
    from agent.openai_backend import OpenAIBackend
    from agent.pipeline import Agent

    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        dead = f"http://127.0.0.1:{probe.getsockname()[1]}/v1"
    agent = Agent(OpenAIBackend(dead, model="ecg-agent", timeout=5), retrieval=False)
    with running(create_app(ServeConfig(data_dir=tmp_path), agent)) as url:
        client = openai.OpenAI(base_url=f"{url}/v1", api_key="unused", max_retries=0)
        with pytest.raises(openai.APIStatusError) as caught:
            ask(client, file_part(ludb_zip, "a.zip"), text="What is the most likely cause of this rhythm?")
    assert caught.value.status_code == 502 and dead in caught.value.body["message"]

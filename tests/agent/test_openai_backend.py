"""OpenAIBackend over real HTTP with the official openai client, against a small recording server.

The server speaks the two OpenAI endpoints the backend uses (/v1/models, /v1/chat/completions)
and answers with the first allowed choice, so these tests check what the backend sends and how
it reads replies and failures. tests/test_vllm_backend.py runs the same backend against vLLM.
"""

import itertools
import json
import re
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from agent.openai_backend import LLMServerError, OpenAIBackend, answer_set_pattern, option_choices
from ecg.errors import ECGError
from finetune.prompt import build_messages, format_answer


class _RecordingHandler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _send(self, status, body):
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        assert self.path == "/v1/models"
        self._send(200, {"object": "list", "data": [{"id": name, "object": "model", "created": 0, "owned_by": "me"}
                                                     for name in self.server.models]})

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append(body)
        if body["model"] not in self.server.models:
            self._send(404, {"error": {"message": f"The model `{body['model']}` does not exist.", "code": 404}})
            return
        constraint = body.get("structured_outputs") or {}
        reply = constraint["choice"][0] if "choice" in constraint else " free text reply \n"
        self._send(200, {"id": "c", "object": "chat.completion", "created": 0, "model": body["model"],
                         "choices": [{"index": 0, "finish_reason": "stop",
                                      "message": {"role": "assistant", "content": reply}}]})


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _RecordingHandler)
    httpd.models, httpd.requests = ["ecg-export", "other"], []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()


def _url(httpd):
    return f"http://127.0.0.1:{httpd.server_address[1]}/v1"


MESSAGES = build_messages("Does this ECG show sinus rhythm?", ecg_tokens=[["<ecg_seg>", "<ecg_17>"]],
                          options=["yes", "no"])


def test_free_text_is_greedy_from_the_servers_first_model(server):
    backend = OpenAIBackend(_url(server))
    assert backend.generate(MESSAGES) == "free text reply"
    sent = server.requests[-1]
    assert sent["model"] == "ecg-export" and sent["messages"] == MESSAGES
    assert sent["temperature"] == 0.0 and sent["max_tokens"] == 128 and "structured_outputs" not in sent


def test_one_answer_is_a_choice_among_the_formatted_options(server):
    backend = OpenAIBackend(_url(server), model="other")
    assert backend.generate(MESSAGES, [" yes", "no"]) == "yes"
    assert server.requests[-1]["model"] == "other"
    assert server.requests[-1]["structured_outputs"] == {"choice": ["yes", "no"]}


def test_several_answers_are_a_regex_over_the_answer_sets(server):
    options = ["qt interval", "rr interval", "none"]
    OpenAIBackend(_url(server)).generate(MESSAGES, options, multi=True)
    assert server.requests[-1]["structured_outputs"] == {"regex": answer_set_pattern(options)}


def test_answer_set_pattern_matches_exactly_the_formatted_subsets():
    options = ["st (elevation)", "1st degree a.v. block", "qrs+", "none", "a|b"]
    subsets = {format_answer(s) for n in range(1, len(options) + 1) for s in itertools.combinations(options, n)}
    pattern = re.compile(answer_set_pattern(options))
    assert all(pattern.fullmatch(text) for text in subsets)
    others = ["; ".join(p) for n in range(1, 4) for p in itertools.permutations(options, n)] + [
        "", "none; none", "none;", "; none", "st elevation", "1st degree aXvX block"]
    assert not [text for text in others if text not in subsets and pattern.fullmatch(text)]


def test_option_choices_drop_blanks_and_repeats():
    assert option_choices(["yes", " yes ", "", "no"]) == ["yes", "no"]


def test_an_unknown_model_names_the_url_and_the_servers_message(server):
    with pytest.raises(LLMServerError, match=r"/v1: the LLM server refused the request: HTTP 404 .*missing"):
        OpenAIBackend(_url(server), model="missing").generate(MESSAGES)


def test_no_server_is_a_clear_error_naming_the_url():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/v1"  # bound, not listening: refused
        with pytest.raises(ECGError, match=re.escape(url) + ": cannot reach the OpenAI-compatible LLM server"):
            OpenAIBackend(url, timeout=5).generate(MESSAGES)


def test_the_factory_builds_it_from_llm_url(server, monkeypatch):
    from agent.factory import LLM_API_KEY_ENV, AgentSettings, build_backend

    monkeypatch.setenv(LLM_API_KEY_ENV, "secret")
    backend = build_backend(AgentSettings(llm_url=_url(server), llm_model="other"))
    assert isinstance(backend, OpenAIBackend) and backend.model == "other"
    assert backend.client.api_key == "secret"


@pytest.mark.slow  # reads, measures and tokenizes the ECG before the model is asked
def test_ask_without_a_server_exits_2_naming_the_url(example_hea, capsys):
    from cli.main import main

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{probe.getsockname()[1]}/v1"
        code = main(["ask", str(example_hea), "Which superclass does this ECG belong to?", "--options",
                     "hypertrophy", "conduction disturbance", "--llm-url", url, "--no-retrieval"])
    assert code == 2 and f"{url}: cannot reach" in capsys.readouterr().err

"""The tools mode drives the real LangChain create_agent graph with scripted models.

No capable tool-calling model runs offline, so ``ScriptedChatModel`` plays the model: it replays
AIMessages with tool calls and records what the graph sent it; ``ScriptedOpenAIServer`` replays
OpenAI chat completions over HTTP for the CLI path (ChatOpenAI, the official openai client). The
tools, the ECGs, the retrieval indexes and the structured final answer are the real ones.
"""

from __future__ import annotations

import contextlib
import io
import itertools
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.utils.function_calling import convert_to_openai_tool

from agent.evidence import MEASURED_FIELDS
from agent.factory import AgentSettings
from agent.tool_agent import ToolAgent
from agent.tools import ECGTools
from cli.main import main
from tests.conftest import EXAMPLE_HEA

VERIFY = ["yes", "no", "not sure"]
_ids = itertools.count()


def call(name: str, **args) -> AIMessage:
    """An AIMessage calling one tool."""
    return AIMessage("", tool_calls=[{"name": name, "args": args, "id": f"call_{next(_ids)}", "type": "tool_call"}])


class ScriptedChatModel(BaseChatModel):
    """Replays ``script`` (AIMessages), one per model call; records the calls and the bound tools."""

    script: Iterator[AIMessage]
    received: list[list] = []
    bound_tools: list[str] = []
    tool_choice: str | None = None

    def bind_tools(self, tools, *, tool_choice=None, **kwargs):
        self.bound_tools = [convert_to_openai_tool(t)["function"]["name"] for t in tools]
        self.tool_choice = tool_choice
        return self

    def _generate(self, messages, stop=None, run_manager=None, **kwargs) -> ChatResult:
        self.received.append(list(messages))
        return ChatResult(generations=[ChatGeneration(message=next(self.script))])

    @property
    def _llm_type(self) -> str:
        return "scripted"


def scripted(*messages: AIMessage) -> ScriptedChatModel:
    return ScriptedChatModel(script=iter(messages), received=[], bound_tools=[])


def tool_results(model: ScriptedChatModel) -> dict[str, str]:
    """Tool name -> the content of the last ToolMessage of that name the model received."""
    return {m.name: m.content for m in model.received[-1] if isinstance(m, ToolMessage)}


@pytest.fixture(scope="module")
def agent() -> ToolAgent:
    """A ToolAgent without retrieval (fast); the tests give it a script each."""
    return ToolAgent(AgentSettings(mode="tools", retrieval=False), chat_model=scripted())


@pytest.fixture(scope="module")
def retrieving_agent() -> ToolAgent:
    """A ToolAgent with the default reports and knowledge indexes (loading them takes seconds)."""
    return ToolAgent(AgentSettings(mode="tools"), chat_model=scripted())


@pytest.fixture(scope="module")
def measured() -> dict:
    """What `ecg-agent measure --json` prints for the example record."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["measure", str(EXAMPLE_HEA), "--json"]) == 0
    return json.loads(out.getvalue())


def test_tools_run_on_the_real_ecg_and_the_answer_cites_their_evidence(agent, example_hea, measured):
    agent.chat_model = model = scripted(
        call("measure", ecg="ecg1"), call("statements", ecg="ecg1"),
        call("final_answer", answer=["yes"], evidence_ids=["s:SBRAD", "m:heart_rate_bpm"],
             explanation="sinus rhythm at 45 bpm"))
    answer = agent.ask([example_hea], "Does this ECG show sinus bradycardia?", VERIFY)

    assert answer.answer == ["yes"] and answer.decided_by == "llm-tools" and not answer.abstained
    assert answer.text == "yes: sinus rhythm at 45 bpm" and not answer.warnings
    assert [e["id"] for e in answer.evidence[:2]] == ["s:SBRAD", "m:heart_rate_bpm"]
    assert set(model.bound_tools) == {"measure", "statements", "final_answer"}
    assert model.tool_choice == "any"  # ToolStrategy: the model must end with a tool call
    by_id = {e["id"]: e for e in answer.evidence}
    for field in MEASURED_FIELDS.keys() & measured.keys():
        assert by_id[f"m:{field}"]["value"] == measured[field], field
    assert {e["code"] for e in answer.evidence if e["kind"] == "statement"} == {
        s["code"] for s in measured["statements"]}
    # The model saw the tools' JSON, with the ids it cites.
    seen = tool_results(model)
    heart_rate = next(m for m in json.loads(seen["measure"])["measurements"] if m["id"] == "m:heart_rate_bpm")
    assert heart_rate["value"] == round(measured["heart_rate_bpm"], 3) and heart_rate["unit"] == "bpm"
    assert "s:SBRAD" in seen["statements"] and "ECGs: ecg1 (12 leads, 10.0 s" in model.received[0][1].content


@pytest.mark.slow
def test_similar_reports_and_knowledge_come_from_the_default_indexes(retrieving_agent, example_hea):
    retrieving_agent.chat_model = model = scripted(
        call("similar_reports", ecg="ecg1", k=4),
        call("knowledge", query="sinus bradycardia heart rate threshold", k=2),
        call("final_answer", answer=["yes"], evidence_ids=["k:SBRAD"]))
    answer = retrieving_agent.ask([example_hea], "Does this ECG show sinus bradycardia?", VERIFY)
    assert set(model.bound_tools) == {"similar_reports", "knowledge", "measure", "statements", "final_answer"}
    reports = [e for e in answer.evidence if e["kind"] == "report"]
    assert len(reports) == 4 and "ludb/1" not in {r["record_id"] for r in reports}  # never its own record
    assert all(r["id"] == f"r:{r['record_id']}" and r["report"] for r in reports)
    assert answer.evidence[0]["id"] == "k:SBRAD" and len([e for e in answer.evidence if e["kind"] == "knowledge"]) == 2
    assert "ludb/" in tool_results(model)["similar_reports"]


def test_atrial_fibrillation_is_read_from_the_statements_tool(agent, ludb):
    agent.chat_model = model = scripted(
        call("statements", ecg="ecg1"),
        call("final_answer", answer=["yes"], evidence_ids=["s:AFIB"], explanation="irregular, no P waves"))
    answer = agent.ask([ludb / "44.hea"], "Does this ECG show atrial fibrillation?", VERIFY)
    statements = json.loads(tool_results(model)["statements"])["statements"]
    assert "s:AFIB" in [s["id"] for s in statements]
    assert answer.answer == ["yes"] and answer.evidence[0]["code"] == "AFIB"
    assert answer.evidence[0]["evidence"], "the statement carries its measured evidence"


def test_an_answer_outside_the_options_abstains(agent, example_hea):
    agent.chat_model = model = scripted(
        call("measure", ecg="ecg3"),  # not an ECG of the question: the model is told so
        call("final_answer", answer=["maybe"]),  # not an option: the model is told so and tries again
        AIMessage("maybe"))
    answer = agent.ask([example_hea], "Does this ECG show sinus bradycardia?", VERIFY)
    assert answer.abstained and answer.answer == ["not sure"] and "matches no option" in answer.text
    errors = [m.content for m in model.received[-1] if isinstance(m, ToolMessage)]
    assert "ecg1" in errors[0] and "ecg3" in errors[0]
    assert "maybe" in errors[1] and "error" in errors[1].lower()


def test_a_plain_text_reply_is_read_against_the_options(agent, example_hea):
    agent.chat_model = scripted(call("measure", ecg="ecg1"), AIMessage("no"))
    answer = agent.ask([example_hea], "Does this ECG show atrial fibrillation?", VERIFY)
    assert answer.answer == ["no"] and answer.evidence[0]["id"] == "q:quality"


def test_an_answer_without_tools_is_flagged(agent, example_hea):
    agent.chat_model = scripted(call("final_answer", answer=["no"], evidence_ids=["m:made_up"]))
    answer = agent.ask([example_hea], "Does this ECG show atrial fibrillation?", VERIFY)
    assert answer.answer == ["no"] and answer.evidence == []
    assert any("m:made_up" in w for w in answer.warnings) and any("no tool" in w for w in answer.warnings)


def test_compare_two_ecgs(agent, example_hea, ludb):
    agent.chat_model = model = scripted(
        call("compare", ecg_a="ecg1", ecg_b="ecg2"),
        call("final_answer", answer=["atrial fibrillation"], evidence_ids=["ecg2/s:AFIB"]))
    answer = agent.ask([example_hea, ludb / "44.hea"], "Which rhythm is new in the second ECG?",
                       ["atrial fibrillation", "sinus bradycardia", "none"])
    assert "compare" in model.bound_tools and answer.answer == ["atrial fibrillation"]
    assert answer.evidence[0]["id"] == "ecg2/s:AFIB"
    compared = json.loads(tool_results(model)["compare"])
    statements = compared["statements"]
    assert {"name": "atrial fibrillation", "ids": ["ecg2/s:AFIB"]} in statements["only_in_ecg2"]
    assert {"name": "sinus bradycardia", "ids": ["ecg1/s:SBRAD"]} in statements["only_in_ecg1"]
    assert {"name": "normal heart axis", "ids": ["ecg1/s:MID", "ecg2/s:MID"]} in statements["in_both"]
    rate = next(r for r in compared["measurements"] if r["measure"] == "heart_rate_bpm")
    first, second = (agent.context(p).measurements.heart_rate_bpm for p in (example_hea, ludb / "44.hea"))
    assert rate["change"] == pytest.approx(second - first, abs=1e-3)
    assert {"ecg1/m:heart_rate_bpm", "ecg2/m:heart_rate_bpm"} <= {e["id"] for e in answer.evidence}


def test_unusable_signal_abstains_before_the_model(agent, noise_record):
    agent.chat_model = model = scripted()
    answer = agent.ask([noise_record], "Does this ECG show atrial fibrillation?", VERIFY)
    assert answer.abstained and answer.answer == ["not sure"] and "unusable" in answer.warnings[0]
    assert model.received == []


def test_a_model_that_never_answers_abstains(agent, example_hea):
    agent.chat_model = scripted(*(call("measure", ecg="ecg1") for _ in range(50)))
    answer = agent.ask([example_hea], "Does this ECG show atrial fibrillation?", VERIFY)
    assert answer.abstained and "no answer within" in answer.text


def test_tool_set_follows_the_question(example_hea, ludb, agent):
    alone = ECGTools.of([agent.context(example_hea)]).as_langchain_tools()
    assert [t.name for t in alone] == ["measure", "statements"]  # retrieval off, one ECG
    pair = ECGTools.of([agent.context(example_hea), agent.context(ludb / "2.hea")]).as_langchain_tools()
    assert [t.name for t in pair] == ["measure", "statements", "compare"]
    schema = convert_to_openai_tool(pair[0])["function"]["parameters"]
    assert schema["properties"]["ecg"]["enum"] == ["ecg1", "ecg2"]  # the model never handles paths


@pytest.mark.slow
def test_report_is_the_deterministic_draft(retrieving_agent, example_hea):
    report = retrieving_agent.report(example_hea)
    assert report.findings and any(e["kind"] == "report" for e in report.evidence)


def test_tools_mode_without_a_server_is_a_clear_cli_error(example_hea, capsys):
    assert main(["ask", str(example_hea), "Does this ECG show atrial fibrillation?", "--mode", "tools"]) == 2
    assert "--llm-url" in capsys.readouterr().err


def test_follow_up_questions_carry_the_earlier_answers(agent, example_hea):
    conversation = agent.conversation([example_hea])
    agent.chat_model = scripted(call("final_answer", answer=["yes"], explanation="rate 45 bpm"))
    conversation.ask("Does this ECG show sinus bradycardia?", VERIFY)
    agent.chat_model = model = scripted(call("final_answer", answer=["no"]))
    conversation.ask("Does it show atrial fibrillation?", VERIFY)
    contents = [m.content for m in model.received[0]]
    assert contents[1:3] == ["Does this ECG show sinus bradycardia?", "yes: rate 45 bpm"]
    assert contents[3].endswith("Question: Does it show atrial fibrillation?\nOptions: yes; no; not sure")


class ScriptedOpenAIServer(ThreadingHTTPServer):
    """An OpenAI-compatible HTTP server on a free local port that replays chat completions.

    ``replies`` are the assistant messages (OpenAI JSON) to send, in order; ``requests`` collects
    the chat-completion request bodies it received.
    """

    def __init__(self, replies: list[dict]):
        super().__init__(("127.0.0.1", 0), _ScriptedHandler)
        self.replies, self.requests = iter(replies), []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/v1"


class _ScriptedHandler(BaseHTTPRequestHandler):
    def do_GET(self):
        self._send({"object": "list", "data": [{"id": "scripted-model", "object": "model", "owned_by": "test"}]})

    def do_POST(self):
        self.server.requests.append(json.loads(self.rfile.read(int(self.headers["Content-Length"]))))
        message = next(self.server.replies)
        self._send({"id": "chatcmpl-1", "object": "chat.completion", "created": 0, "model": "scripted-model",
                    "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls"}],
                    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}})

    def _send(self, payload: dict):
        body = json.dumps(payload).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def openai_call(name: str, arguments: str) -> dict:
    """An assistant message calling one tool, as an OpenAI-compatible server sends it."""
    return {"role": "assistant", "content": None, "tool_calls": [
        {"id": f"call_{next(_ids)}", "type": "function", "function": {"name": name, "arguments": arguments}}]}


@contextlib.contextmanager
def serving(*replies: dict):
    server = ScriptedOpenAIServer(list(replies))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


def ask_json(*argv: str) -> dict:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["ask", *argv, "--json"]) == 0
    return json.loads(out.getvalue())


def test_cli_tools_mode_over_an_openai_compatible_server(example_hea):
    replies = (openai_call("measure", '{"ecg": "ecg1"}'),
               openai_call("final_answer", '{"answer": ["yes"], "evidence_ids": ["m:heart_rate_bpm"]}'))
    with serving(*replies) as server:
        answer = ask_json(str(example_hea), "Does this ECG show sinus bradycardia?", "--options", *VERIFY,
                          "--mode", "tools", "--llm-url", server.url, "--no-retrieval")
    assert answer["answer"] == ["yes"] and answer["decided_by"] == "llm-tools"
    assert answer["evidence"][0]["id"] == "m:heart_rate_bpm" and answer["evidence"][0]["value"] > 0
    first, second = server.requests
    assert first["model"] == "scripted-model" and first["temperature"] == 0  # the server's first model
    assert first["tool_choice"] == "required"
    final = next(t["function"] for t in first["tools"] if t["function"]["name"] == "final_answer")
    assert final["parameters"]["properties"]["answer"]["items"]["enum"] == VERIFY
    assert json.loads(second["messages"][-1]["content"])["ecg"] == "ecg1"  # the measure tool's JSON


def test_a_malformed_tool_call_abstains(example_hea):
    # What vLLM 0.32 (CPU) answered for SmolLM2-135M-Instruct with tool_choice "required".
    with serving(openai_call("final_answer", '"not sure"')) as server:
        answer = ask_json(str(example_hea), "Does this ECG show sinus bradycardia?", "--options", *VERIFY,
                          "--mode", "tools", "--llm-url", server.url, "--no-retrieval")
    assert answer["abstained"] and "not a valid tool call" in answer["text"]

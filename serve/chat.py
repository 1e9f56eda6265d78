"""From an OpenAI chat request to the agent's call and back (blocking; run in a worker thread).

The last message is the user's question. Every ``file`` part of the conversation's user messages
is an ECG (the same file, bytes and name, sent again counts once): a question is about one or two
of them, a report is of exactly one. Earlier user/assistant pairs become the agent's history, so
follow-ups that resend the conversation keep their ECGs. System and developer messages are
ignored: the agent's prompt is its own.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from agent.openai_backend import LLMServerError
from agent.report import to_markdown
from agent.types import Answer
from ecg.errors import ECGError
from serve.errors import APIError
from serve.files import ECGCache, FileStore, attached_file
from serve.protocol import ChatCompletionRequest, ChatMessage, Usage, count_word_pieces


@dataclass
class Reply:
    """The assistant's text, the ``ecg_*`` extension fields (serve.protocol) and the usage."""

    content: str
    extension: dict[str, Any]

    def usage(self, messages: list[ChatMessage]) -> Usage:
        prompt = sum(count_word_pieces(m.text()) for m in messages)
        completion = count_word_pieces(self.content)
        return Usage(prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion)


def respond(agent, request: ChatCompletionRequest, store: FileStore, cache: ECGCache) -> Reply:
    """The agent's answer (or report) to the conversation; APIError 400 for what the caller got wrong."""
    messages = request.messages
    if messages[-1].role != "user":
        raise APIError(400, "the last message must be the user's (role 'user')", "messages")
    ecgs = _attached_ecgs(messages, store, cache)
    try:
        if request.ecg_mode == "report":
            reply = _report(agent, ecgs)
        else:
            reply = _answer(agent, ecgs, messages, request.ecg_options)
    except LLMServerError as exc:  # the agent's own LLM server failed, not the caller
        raise APIError(502, cache.scrub(str(exc))) from None
    except ECGError as exc:
        raise APIError(400, cache.scrub(str(exc)), "messages") from None
    return Reply(cache.scrub(reply.content), cache.scrub(reply.extension))


def _attached_ecgs(messages: list[ChatMessage], store: FileStore, cache: ECGCache) -> list[Path]:
    paths: list[Path] = []
    for i, message in enumerate(messages):
        if message.role != "user":
            continue
        for j, ref in enumerate(message.files()):
            path = cache.put(*attached_file(ref, store, f"messages[{i}].content[{j}].file"))
            if path not in paths:
                paths.append(path)
    if not paths:
        raise APIError(400, "attach an ECG to a user message as a file content part "
                            '({"type": "file", "file": {"file_data": ..., "filename": ...}} or {"file_id": ...})',
                       "messages")
    return paths


def _answer(agent, ecgs: list[Path], messages: list[ChatMessage], options: list[str] | None) -> Reply:
    if len(ecgs) > 2:
        raise APIError(400, f"a question is about one or two ECGs; this conversation attaches {len(ecgs)}",
                       "messages")
    question = messages[-1].text().strip()
    if not question:
        raise APIError(400, "the last user message has no question text", "messages")
    answer = agent.ask(ecgs, question, options, _history(messages[:-1]))
    return Reply(answer.text, {"ecg_answer": answer.answer, "ecg_evidence": answer.evidence,
                               "ecg_warnings": answer.warnings, "ecg_decided_by": answer.decided_by})


def _report(agent, ecgs: list[Path]) -> Reply:
    if len(ecgs) != 1:
        raise APIError(400, f"a report is drafted for one ECG; this conversation attaches {len(ecgs)}",
                       "messages")
    report = agent.report(ecgs[0])
    summary = {k: v for k, v in report.to_dict().items() if k != "evidence"}
    return Reply(to_markdown(report), {"ecg_answer": [], "ecg_evidence": report.evidence,
                                       "ecg_warnings": report.warnings, "ecg_decided_by": "report",
                                       "ecg_report": summary})


def _history(messages: list[ChatMessage]) -> list[tuple[str, Answer]]:
    """Each user question followed by an assistant reply, as (question, Answer) pairs."""
    pairs = []
    for asked, replied in zip(messages, messages[1:]):
        if asked.role == "user" and replied.role == "assistant" and asked.text().strip():
            pairs.append((asked.text().strip(), Answer([], replied.text(), decided_by="history")))
    return pairs

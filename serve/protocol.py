"""The API's wire format: OpenAI's shapes, plus the documented ``ecg_*`` extension fields.

Requests (POST /v1/chat/completions) are OpenAI chat requests. ECGs travel as ``file`` content
parts of user messages: ``{"type": "file", "file": {"file_data": "data:...;base64,...",
"filename": "rec.zip"}}`` or ``{"type": "file", "file": {"file_id": "file-..."}}``. Other OpenAI
parameters (temperature, max_tokens, ...) are accepted and ignored: the agent decodes greedily.

Request extensions (the openai client sends them with ``extra_body={...}``):

- ``ecg_options``: list[str], the answers the question allows; the answer is one or more of them.
- ``ecg_mode``: "answer" (default) answers the last user message's question; "report" drafts a
  report of the (single) ECG and ignores the question.

Response extensions, on the chat.completion object and on the stream's final chunk (the one
whose finish_reason is "stop"); the openai client shows them in ``model_extra``:

- ``ecg_answer``: list[str], the chosen options or free-text answer ([] in report mode).
- ``ecg_evidence``: list of evidence items, each with an ``id`` ("m:" measurement,
  "s:" statement, "r:" similar report, "k:" knowledge, "q:" quality) and its values.
- ``ecg_warnings``: list[str], why the agent abstained or what limits the answer.
- ``ecg_decided_by``: "evidence", "llm", "abstained" (answer mode) or "report".
- ``ecg_report``: report mode only, {"source", "sections", "findings", "warnings"}; each
  finding cites evidence ids found in ``ecg_evidence``.

Usage counts are word pieces (the regex ``\\w+|[^\\w\\s]``) of the request's message texts and
of the reply, not model tokens: the agent builds its own prompt from measurements and tokens.

Errors are OpenAI's ``{"error": {"message", "type", "param", "code"}}``.
"""

from __future__ import annotations

import re
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

_WORD_PIECE = re.compile(r"\w+|[^\w\s]")


def count_word_pieces(text: str) -> int:
    """The usage unit of this API (see the module docstring)."""
    return len(_WORD_PIECE.findall(text))


# --- requests -------------------------------------------------------------------------------

class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class TextPart(_Lenient):
    type: Literal["text"]
    text: str


class FileRef(_Lenient):
    file_data: str | None = None  # a base64 data URL (or bare base64)
    file_id: str | None = None    # an id from POST /v1/files
    filename: str | None = None


class FilePart(_Lenient):
    type: Literal["file"]
    file: FileRef


ContentPart = Annotated[TextPart | FilePart, Field(discriminator="type")]


class ChatMessage(_Lenient):
    role: Literal["system", "developer", "user", "assistant", "tool"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, str):
            return self.content
        return "\n".join(p.text for p in self.content or [] if isinstance(p, TextPart))

    def files(self) -> list[FileRef]:
        return [p.file for p in self.content if isinstance(p, FilePart)] if isinstance(self.content, list) else []


class StreamOptions(_Lenient):
    include_usage: bool = False


class ChatCompletionRequest(_Lenient):
    model: str
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    stream_options: StreamOptions | None = None
    ecg_options: list[str] | None = None
    ecg_mode: Literal["answer", "report"] = "answer"


# --- responses ------------------------------------------------------------------------------

class Usage(BaseModel):
    prompt_tokens: int
    completion_tokens: int
    total_tokens: int


def _omitted_when_none(default=None):
    return Field(default, exclude_if=lambda value: value is None)


class ECGExtension(BaseModel):
    """The ``ecg_*`` fields shared by a completion and the stream's final chunk (absent when None)."""

    ecg_answer: list[str] | None = _omitted_when_none()
    ecg_evidence: list[dict[str, Any]] | None = _omitted_when_none()
    ecg_warnings: list[str] | None = _omitted_when_none()
    ecg_decided_by: str | None = _omitted_when_none()
    ecg_report: dict[str, Any] | None = _omitted_when_none()


class AssistantMessage(BaseModel):
    role: Literal["assistant"] = "assistant"
    content: str
    refusal: None = None


class Choice(BaseModel):
    index: int = 0
    message: AssistantMessage
    finish_reason: Literal["stop"] = "stop"
    logprobs: None = None


class ChatCompletion(ECGExtension):
    id: str
    object: Literal["chat.completion"] = "chat.completion"
    created: int
    model: str
    choices: list[Choice]
    usage: Usage
    system_fingerprint: None = None


class Delta(BaseModel):
    role: Literal["assistant"] | None = _omitted_when_none()
    content: str | None = _omitted_when_none()


class ChunkChoice(BaseModel):
    index: int = 0
    delta: Delta
    finish_reason: Literal["stop"] | None = None
    logprobs: None = None


class ChatCompletionChunk(ECGExtension):
    id: str
    object: Literal["chat.completion.chunk"] = "chat.completion.chunk"
    created: int
    model: str
    choices: list[ChunkChoice]
    usage: Usage | None = None
    system_fingerprint: None = None


class Model(BaseModel):
    id: str
    object: Literal["model"] = "model"
    created: int
    owned_by: str = "ecg-agent"


class ModelList(BaseModel):
    object: Literal["list"] = "list"
    data: list[Model]


class FileObject(BaseModel):
    id: str
    object: Literal["file"] = "file"
    bytes: int
    created_at: int
    filename: str
    purpose: str
    status: Literal["uploaded", "processed", "error"] = "processed"
    expires_at: int | None = None
    status_details: str | None = None


class FileList(BaseModel):
    object: Literal["list"] = "list"
    data: list[FileObject]


class FileDeleted(BaseModel):
    id: str
    object: Literal["file"] = "file"
    deleted: bool


class ErrorBody(BaseModel):
    message: str
    type: str
    param: str | None = None
    code: str | None = None


class ErrorResponse(BaseModel):
    error: ErrorBody

"""The HTTP layer: routes that parse, hand the work to the agent in a worker thread, and render.

GET /health, GET /v1/models, POST/GET/DELETE /v1/files, POST /v1/chat/completions (docs/API.md).
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI, Request
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.responses import Response, StreamingResponse

from serve.chat import Reply, respond
from serve.config import ServeConfig
from serve.errors import APIError
from serve.files import ECGCache, FileStore
from serve.middleware import AccessLog, Guard
from serve.protocol import (AssistantMessage, ChatCompletion, ChatCompletionChunk, ChatCompletionRequest, Choice,
                            ChunkChoice, Delta, FileList, Model, ModelList)
from serve.runner import AgentRunner

def create_app(config: ServeConfig, agent) -> FastAPI:
    """The API around ``agent`` (agent.factory.build_agent); refuses an unsafe config (ECGError)."""
    config.check()
    store, cache = FileStore(config.data_dir), ECGCache(config.data_dir)
    runner = AgentRunner(config.max_concurrency, config.max_queued, config.timeout_s)
    started = int(time.time())

    @asynccontextmanager
    async def lifespan(_app):
        yield
        runner.shutdown()

    app = FastAPI(title="ecg-agent API", docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.add_middleware(Guard, api_keys=config.api_keys, max_body_bytes=config.max_body_bytes)
    app.add_middleware(AccessLog)
    app.add_exception_handler(APIError, _api_error)
    app.add_exception_handler(HTTPException, _http_error)

    @app.get("/health")
    async def health():
        return {"status": "ok", "model": config.model_name, "in_flight": runner.in_flight}

    @app.get("/v1/models")
    async def models():
        return _json(ModelList(data=[Model(id=config.model_name, created=started)]))

    @app.get("/v1/models/{model_id}")
    async def model(model_id: str):
        if model_id != config.model_name:
            raise APIError(404, f"The model {model_id!r} does not exist.", "model", "model_not_found")
        return _json(Model(id=config.model_name, created=started))

    @app.post("/v1/files")
    async def upload(request: Request):
        form = await request.form(max_files=1, max_fields=4)
        part = form.get("file")
        if not isinstance(part, UploadFile):
            raise APIError(400, "send the file as the multipart field 'file'", "file")
        data = await part.read()
        purpose = str(form.get("purpose") or "user_data")
        return _json(await run_in_threadpool(store.add, part.filename, data, purpose))

    @app.get("/v1/files")
    async def list_files():
        return _json(FileList(data=await run_in_threadpool(store.list)))

    @app.get("/v1/files/{file_id}")
    async def get_file(file_id: str):
        return _json(store.get(file_id))

    @app.get("/v1/files/{file_id}/content")
    async def file_content(file_id: str):
        return Response(await run_in_threadpool(store.content, file_id), media_type="application/octet-stream")

    @app.delete("/v1/files/{file_id}")
    async def delete_file(file_id: str):
        return _json(store.delete(file_id))

    @app.post("/v1/chat/completions")
    async def chat_completions(request: Request):
        chat = _parse(await request.body())
        if chat.model != config.model_name:
            raise APIError(404, f"The model {chat.model!r} does not exist; this server serves "
                                f"{config.model_name!r}.", "model", "model_not_found")
        reply = await runner.run(respond, agent, chat, store, cache)
        completion_id, created = f"chatcmpl-{secrets.token_hex(12)}", int(time.time())
        if chat.stream:
            include_usage = bool(chat.stream_options and chat.stream_options.include_usage)
            return StreamingResponse(_events(completion_id, created, chat, reply, include_usage),
                                     media_type="text/event-stream", headers={"Cache-Control": "no-cache"})
        return _json(ChatCompletion(id=completion_id, created=created, model=chat.model,
                                    choices=[Choice(message=AssistantMessage(content=reply.content))],
                                    usage=reply.usage(chat.messages), **reply.extension))

    return app


def _parse(body: bytes) -> ChatCompletionRequest:
    try:
        return ChatCompletionRequest.model_validate_json(body)
    except ValidationError as exc:
        # The deepest error names the field best (a union's other branches fail at its top).
        deepest = max(exc.errors(), key=lambda e: len(e["loc"]))
        where = ".".join(str(part) for part in deepest["loc"] if "[" not in str(part))
        raise APIError(400, f"Invalid request: {where}: {deepest['msg']}", where or None) from None


async def _events(completion_id: str, created: int, chat: ChatCompletionRequest, reply: Reply,
                  include_usage: bool) -> AsyncIterator[str]:
    """OpenAI's SSE stream: role, content pieces, finish_reason with the ecg_* fields, usage, [DONE]."""
    def chunk(delta: Delta, finish_reason=None, choices=True, **fields) -> str:
        body = ChatCompletionChunk(id=completion_id, created=created, model=chat.model,
                                   choices=[ChunkChoice(delta=delta, finish_reason=finish_reason)] if choices else [],
                                   **fields)
        return f"data: {body.model_dump_json()}\n\n"

    yield chunk(Delta(role="assistant", content=""))
    for piece in _pieces(reply.content):
        yield chunk(Delta(content=piece))
    yield chunk(Delta(), finish_reason="stop", **reply.extension)
    if include_usage:
        yield chunk(Delta(), choices=False, usage=reply.usage(chat.messages))
    yield "data: [DONE]\n\n"


def _pieces(text: str) -> list[str]:
    """The reply in word-sized pieces, each word with the whitespace after it; they join to ``text``."""
    return re.findall(r"\S+\s*|\s+", text)


def _json(model) -> Response:
    return Response(model.model_dump_json(), media_type="application/json")


async def _api_error(_request: Request, exc: APIError) -> Response:
    return exc.response()


async def _http_error(_request: Request, exc: HTTPException) -> Response:
    return APIError(exc.status_code, str(exc.detail)).response()

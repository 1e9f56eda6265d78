"""ASGI middleware: the access log (no content), bearer-key checks and the request body limit."""

from __future__ import annotations

import hmac
import logging
import time
import traceback

from serve.errors import APIError

logger = logging.getLogger("serve.access")

OPEN_PATHS = ("/health",)  # answered without an API key


class AccessLog:
    """One line per request: method, path, status and latency; never a body, a query or a header.

    An unhandled exception becomes a 500 in OpenAI's shape and is logged by its type and stack
    frames only, since its message may quote the question or a file; it is not re-raised, so the
    server does not log it again in full.
    """

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        start = time.perf_counter()
        status = None  # until the response starts

        async def send_noting_status(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_noting_status)
        except Exception as exc:  # noqa: BLE001 - the last line before the server
            frames = "".join(traceback.format_tb(exc.__traceback__))
            logger.error("%s while answering %s %s\n%s", type(exc).__name__, scope["method"], scope["path"], frames)
            if status is None:
                await APIError(500, "The server failed to answer; the error is in its log.").response()(
                    scope, receive, send_noting_status)
        finally:
            logger.info("%s %s %s %.0f ms", scope["method"], scope["path"], status or "-",
                        (time.perf_counter() - start) * 1000)


class Guard:
    """401 without a valid ``Authorization: Bearer KEY`` (when keys are set); 413 for a body over
    ``max_body_bytes``, by its Content-Length up front or by counting what arrives."""

    def __init__(self, app, api_keys: tuple[str, ...], max_body_bytes: int):
        self.app = app
        self.api_keys = [k.encode() for k in api_keys]
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        error = self._refusal(scope)
        if error is not None:
            return await error.response()(scope, receive, send)
        received = 0

        async def counted_receive():
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body_bytes:
                    raise self._too_large()
            return message

        await self.app(scope, counted_receive, send)

    def _refusal(self, scope) -> APIError | None:
        headers = dict(scope["headers"])
        if self.api_keys and scope["path"] not in OPEN_PATHS and not self._authorized(headers):
            return APIError(401, "Incorrect or missing API key: send it as 'Authorization: Bearer KEY'.")
        length = headers.get(b"content-length", b"")
        if length.isdigit() and int(length) > self.max_body_bytes:
            return self._too_large()
        return None

    def _authorized(self, headers: dict[bytes, bytes]) -> bool:
        scheme, _, key = headers.get(b"authorization", b"").partition(b" ")
        matches = [hmac.compare_digest(key.strip(), known) for known in self.api_keys]
        return scheme.lower() == b"bearer" and any(matches)

    def _too_large(self) -> APIError:
        return APIError(413, f"The request body is larger than the server's limit of {self.max_body_bytes} bytes.")

"""APIError: one exception for every error the API answers, rendered in OpenAI's error shape."""

from __future__ import annotations

from starlette.responses import Response

from serve.protocol import ErrorBody, ErrorResponse

RETRY_AFTER_S = 1  # what a 429 tells clients to wait (the openai client honours it)

# status -> (OpenAI error type, code)
_KINDS = {
    400: ("invalid_request_error", None),
    401: ("authentication_error", "invalid_api_key"),
    404: ("not_found_error", None),
    405: ("invalid_request_error", "method_not_allowed"),
    413: ("invalid_request_error", "request_too_large"),
    429: ("rate_limit_error", "rate_limit_exceeded"),
    500: ("server_error", None),
    502: ("server_error", "llm_server_error"),
    504: ("timeout_error", "timeout"),
}


class APIError(Exception):
    """An HTTP error with a message for the caller; ``param`` names the offending request field."""

    def __init__(self, status: int, message: str, param: str | None = None, code: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.param = param
        self.code = code

    def response(self) -> Response:
        kind, default_code = _KINDS.get(self.status, ("invalid_request_error", None))
        body = ErrorResponse(error=ErrorBody(message=self.message, type=kind, param=self.param,
                                             code=self.code or default_code))
        headers = {401: {"WWW-Authenticate": "Bearer"}, 429: {"Retry-After": str(RETRY_AFTER_S)}}.get(self.status)
        return Response(body.model_dump_json(), status_code=self.status, media_type="application/json",
                        headers=headers)

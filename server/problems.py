"""The API's errors (API.md's table): raised by the queue rules, turned into JSON by the HTTP layer."""

from __future__ import annotations

from typing import Any

STATUS_BY_ERROR: dict[str, int] = {
    "invalid_code": 400,
    "unauthorized": 401,
    "forbidden": 403,
    "not_found": 404,
    "method_not_allowed": 405,
    "quota_exhausted": 409,
    "service_closed": 409,
    "invalid_transition": 409,
    "expired": 410,
    "validation_error": 422,
    "rate_limited": 429,
    "unavailable": 503,
}


class Problem(Exception):
    """An error a client can act on: a code from the table above and a sentence for a person."""

    def __init__(self, error: str, message: str, *, headers: dict[str, str] | None = None, **extra: Any):
        super().__init__(message)
        self.error = error
        self.message = message
        self.status = STATUS_BY_ERROR[error]
        self.headers = headers or {}
        self.extra = extra

    def body(self) -> dict[str, Any]:
        return {"error": self.error, "message": self.message, **self.extra}

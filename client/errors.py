"""The API's errors as exception types, so an app reacts to *what* went wrong, not to status codes.

Every exception the client raises is an `ApiError`: catching that one type is enough to keep a
device running. The subclasses follow the error table of API.md; `ServerUnavailable` covers
everything where no usable answer came back (refused, timed out, 5xx) and is what a kiosk turns
into its out-of-service screen.
"""

from __future__ import annotations

import email.utils
import time
from collections.abc import Mapping
from datetime import date, datetime
from typing import Any


class ApiError(Exception):
    """An error answer of the queue server, or no answer at all (`ServerUnavailable`).

    `status` is the HTTP status (None when no response arrived), `error` the machine-readable
    code from the body (e.g. "quota_exhausted"), `message` a sentence a person can act on.
    """

    def __init__(self, status: int | None, error: str, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message

    def __repr__(self) -> str:
        return f"{type(self).__name__}(status={self.status!r}, error={self.error!r}, message={self.message!r})"


class ServerUnavailable(ApiError):
    """The server could not be reached, timed out, or answered 5xx — after the client's retries."""

    def __init__(self, message: str, status: int | None = None, error: str = "server_unavailable") -> None:
        super().__init__(status, error, message)


class MalformedAnswer(ServerUnavailable):
    """A success whose body is not what the API promises: not JSON, or not the object the route returns.

    Seen when the URL points at something else (a captive portal, a proxy's page) or at a server of
    another version. The app cannot use the answer, so it is treated like no answer at all.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message, status=status, error="malformed_answer")


class InvalidCode(ApiError):
    """400: a scanned code that is not one of ours or whose signature does not verify."""


class Unauthorized(ApiError):
    """401: no token, or a token the server does not know (revoked, typo in the token file)."""


class Forbidden(ApiError):
    """403: the token is valid but its role may not do this (e.g. a kiosk token at a counter)."""


class NotFound(ApiError):
    """404: unknown service, counter or ticket."""


class QuotaExhausted(ApiError):
    """409: today's quota of `service` is used up — no ticket today, say so plainly."""

    def __init__(self, status: int | None, error: str, message: str, service: str | None = None) -> None:
        super().__init__(status, error, message)
        self.service = service


class ServiceClosed(ApiError):
    """409: the service is outside its hours or switched off."""


class InvalidTransition(ApiError):
    """409: the ticket is not in a state that allows this (e.g. finishing a ticket never called)."""


class Expired(ApiError):
    """410: a genuine code, but of a ticket from an earlier service day, or of a later slot whose check-in closed.

    `number` is the ticket's number (None for a later slot), `day` its service day, when the server says.
    """

    def __init__(
        self, status: int | None, error: str, message: str, number: str | None = None, day: date | None = None
    ) -> None:
        super().__init__(status, error, message)
        self.number = number
        self.day = day


class SlotsAvailable(ApiError):
    """409: a later slot was asked for while today's walk-in tickets of `service` can still be drawn."""

    def __init__(self, status: int | None, error: str, message: str, service: str | None = None) -> None:
        super().__init__(status, error, message)
        self.service = service


class NoLaterSlots(ApiError):
    """409: every window of the coming open days is booked (or the service gives no later slots)."""

    def __init__(self, status: int | None, error: str, message: str, service: str | None = None) -> None:
        super().__init__(status, error, message)
        self.service = service


class TooEarly(ApiError):
    """409: a later slot's check-in has not opened yet: come back at `check_in_from` (its `window_start`-`window_end`).

    The times are the site's wall clock with its offset, as the server sent them (None if it did not).
    """

    def __init__(
        self,
        status: int | None,
        error: str,
        message: str,
        check_in_from: datetime | None = None,
        window_start: datetime | None = None,
        window_end: datetime | None = None,
    ) -> None:
        super().__init__(status, error, message)
        self.check_in_from = check_in_from
        self.window_start = window_start
        self.window_end = window_end


class SlotCancelled(ApiError):
    """409: the office cancelled this later slot."""


class ValidationFailed(ApiError):
    """422: malformed body or parameters — a bug in the caller, not the visitor's fault."""


class RateLimited(ApiError):
    """429: this device draws tickets faster than allowed; try again after `retry_after` seconds."""

    def __init__(self, status: int | None, error: str, message: str, retry_after: float | None = None) -> None:
        super().__init__(status, error, message)
        self.retry_after = retry_after


# The error code decides the type; the status is the fallback for bodies without a known code
# (e.g. an HTML 404 from a reverse proxy).
_BY_CODE: dict[str, type[ApiError]] = {
    "invalid_code": InvalidCode,
    "unauthorized": Unauthorized,
    "forbidden": Forbidden,
    "not_found": NotFound,
    "quota_exhausted": QuotaExhausted,
    "service_closed": ServiceClosed,
    "invalid_transition": InvalidTransition,
    "expired": Expired,
    "slots_available": SlotsAvailable,
    "no_later_slots": NoLaterSlots,
    "too_early": TooEarly,
    "slot_cancelled": SlotCancelled,
    "validation_error": ValidationFailed,
    "rate_limited": RateLimited,
}
_BY_STATUS: dict[int, type[ApiError]] = {
    400: InvalidCode,
    401: Unauthorized,
    403: Forbidden,
    404: NotFound,
    410: Expired,
    422: ValidationFailed,
    429: RateLimited,
}


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); None if absent/garbled."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None or when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def error_from_response(status: int, body: Any, headers: Mapping[str, str], reason: str = "") -> ApiError:
    """The exception for an error answer: `body` is the decoded JSON (or raw text if it was not JSON)."""
    code = ""
    message = ""
    if isinstance(body, dict):
        code = str(body.get("error") or "")
        message = str(body.get("message") or "")
    if status >= 500:
        return ServerUnavailable(
            message or f"The queue server answered {status} {reason}".strip() + ".",
            status=status,
            error=code or "server_error",
        )
    if not message:
        message = f"The queue server refused the request: {status} {reason}".strip() + "."
    cls = _BY_CODE.get(code) or _BY_STATUS.get(status) or ApiError
    code = code or _default_code(cls, status)
    if cls is QuotaExhausted:
        service = body.get("service") if isinstance(body, dict) else None
        return QuotaExhausted(status, code, message, service=service)
    if cls is RateLimited:
        return RateLimited(status, code, message, retry_after=parse_retry_after(headers.get("Retry-After")))
    fields = body if isinstance(body, dict) else {}
    if cls in (SlotsAvailable, NoLaterSlots):
        return cls(status, code, message, service=fields.get("service"))
    if cls is TooEarly:
        window = fields.get("window") if isinstance(fields.get("window"), dict) else {}
        return TooEarly(
            status,
            code,
            message,
            check_in_from=_moment(fields.get("check_in_from")),
            window_start=_moment(window.get("start")),
            window_end=_moment(window.get("end")),
        )
    if cls is Expired:
        number = fields.get("number")
        return Expired(status, code, message, number=number if isinstance(number, str) else None, day=_day(fields))
    return cls(status, code, message)


def _moment(value: Any) -> datetime | None:
    """An aware time from the body, or None: a refusal with a garbled time is still a refusal."""
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
    return moment if moment is not None and moment.tzinfo is not None else None


def _day(fields: Mapping[str, Any]) -> date | None:
    try:
        return date.fromisoformat(fields["day"]) if isinstance(fields.get("day"), str) else None
    except ValueError:
        return None


def _default_code(cls: type[ApiError], status: int) -> str:
    for code, known in _BY_CODE.items():
        if known is cls:
            return code
    return f"http_{status}"

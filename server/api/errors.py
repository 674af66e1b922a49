"""Every error answer of the API (API.md's table), decided here and nowhere else.

The queue's refusals (server/rules/errors.py) say what went wrong; this maps each to its status,
its error code and the facts the body carries, plus `Retry-After` where a client should wait.
Errors of the HTTP layer itself (no token, wrong role, malformed request, database down) are ApiError.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ConfigDict
from sqlalchemy.exc import InternalError, OperationalError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from server.rules.errors import (
    Expired,
    IdempotencyKeyReused,
    InvalidCode,
    InvalidInput,
    InvalidTransition,
    NoLaterSlots,
    NotFound,
    NotPartnersService,
    PartnerAllotmentExhausted,
    QueueError,
    QuotaExhausted,
    RateLimited,
    ServiceClosed,
    SlotCancelled,
    SlotNotBooked,
    TicketsStillAvailable,
    TooEarly,
)
from wartemarke.api_objects import Error, Moment, SlotStatusName, TicketStatusName, TimeWindow

log = logging.getLogger("wartemarke.server")

#: Every body this API takes is a few hundred bytes; the server reads no more than this of one.
MAX_BODY_BYTES = 64 * 1024

#: The queue's refusals: (status, error code).
STATUS_AND_CODE: dict[type[QueueError], tuple[int, str]] = {
    InvalidCode: (400, "invalid_code"),
    NotFound: (404, "not_found"),
    QuotaExhausted: (409, "quota_exhausted"),
    ServiceClosed: (409, "service_closed"),
    InvalidTransition: (409, "invalid_transition"),
    Expired: (410, "expired"),
    InvalidInput: (422, "validation_error"),
    IdempotencyKeyReused: (422, "idempotency_key_reused"),
    RateLimited: (429, "rate_limited"),
    TicketsStillAvailable: (409, "slots_available"),
    NoLaterSlots: (409, "no_later_slots"),
    TooEarly: (409, "too_early"),
    SlotCancelled: (409, "slot_cancelled"),
    NotPartnersService: (403, "forbidden"),
    PartnerAllotmentExhausted: (409, "partner_allotment_exhausted"),
    SlotNotBooked: (409, "slot_not_booked"),
}


class QuotaExhaustedError(Error):
    error: Literal["quota_exhausted"]
    service: str
    next_open: Moment | None


class ServiceClosedError(Error):
    error: Literal["service_closed"]
    service: str
    reason: Literal["outside_hours", "switched_off"]
    next_open: Moment | None


class InvalidTransitionError(Error):
    error: Literal["invalid_transition"]
    #: The ticket's status, which the action does not fit.
    status: TicketStatusName


class ExpiredError(Error):
    # number and day are left out when staff named the ticket by its id (they know which it is).
    model_config = ConfigDict(json_schema_serialization_defaults_required=False)

    error: Literal["expired"]
    #: Set when the ticket was named by its code (scan, status), so the client learns which it was.
    number: str | None = None
    day: date | None = None


class SlotsAvailableError(Error):
    error: Literal["slots_available"]
    service: str
    #: Today's walk-in tickets left (None: the service has no quota).
    remaining: int | None
    #: None: a ticket can be drawn right now; else when today's next one can (after a break, at opening).
    next_open: Moment | None


class NoLaterSlotsError(Error):
    error: Literal["no_later_slots"]
    service: str
    #: Always null in this version: when every window of the coming open days is booked, none is promised.
    next_window: None


class TooEarlyError(Error):
    error: Literal["too_early"]
    window: TimeWindow
    #: When check-in opens: come back then.
    check_in_from: Moment


class SlotCancelledError(Error):
    error: Literal["slot_cancelled"]


class PartnerAllotmentExhaustedError(Error):
    error: Literal["partner_allotment_exhausted"]
    #: The day asked for, on which the partner holds all the slots the office allows it.
    day: date
    slots_per_day: int


class SlotNotBookedError(Error):
    error: Literal["slot_not_booked"]
    #: What the slot is instead: only a booked slot can be cancelled.
    status: SlotStatusName


class RateLimitedError(Error):
    error: Literal["rate_limited"]
    #: Seconds to wait, as in the Retry-After header.
    retry_after: int


_ERROR_DOCS: dict[int, tuple[Any, str]] = {
    400: (Error, "invalid_code: not one of our ticket codes"),
    401: (Error, "unauthorized: no token, or an unknown or revoked one"),
    403: (Error, "forbidden: this token's role may not do this"),
    404: (Error, "not_found: unknown service, counter or ticket"),
    410: (ExpiredError, "expired: a ticket of an earlier service day, or a later slot whose check-in has closed"),
    422: (Error, "validation_error: malformed body, parameters or headers, or a value the office does not offer"),
    429: (RateLimitedError, "rate_limited: too many tickets from this device; wait Retry-After seconds"),
    503: (Error, "unavailable: the database is not answering or not taking writes; try again shortly (Retry-After)"),
}


#: What a 409 means depends on the route: issuing meets closed services, staff actions the state machine.
ISSUE_CONFLICT = (
    QuotaExhaustedError | ServiceClosedError,
    "quota_exhausted: today's tickets are all given out; service_closed: switched off or outside its hours",
)
TRANSITION_CONFLICT = (InvalidTransitionError, "invalid_transition: the action does not fit the ticket's status")
LATER_SLOT_CONFLICT = (
    SlotsAvailableError | NoLaterSlotsError,
    "slots_available: today's walk-in tickets can still be drawn; no_later_slots: every window is booked",
)
CHECK_IN_CONFLICT = (
    TooEarlyError | SlotCancelledError,
    "too_early: check-in opens later (check_in_from); slot_cancelled: the office cancelled the slot",
)
PARTNER_BOOKING_CONFLICT = (
    PartnerAllotmentExhaustedError | NoLaterSlotsError,
    "partner_allotment_exhausted: the partner holds all the slots it may hold that day; no_later_slots: the day "
    "(or the window chosen) is fully booked",
)
PARTNER_CANCEL_CONFLICT = (SlotNotBookedError, "slot_not_booked: the slot is checked in, missed or cancelled already")
#: Issuing a ticket or booking a later slot may also meet an Idempotency-Key sent before with another body.
KEYED_UNPROCESSABLE = (
    Error,
    f"{_ERROR_DOCS[422][1]}; idempotency_key_reused: this Idempotency-Key already made a ticket or later "
    "slot for another service or language",
)


def error_responses(
    *statuses: int, conflict: tuple[Any, str] = TRANSITION_CONFLICT, unprocessable: tuple[Any, str] = _ERROR_DOCS[422]
) -> dict[int | str, dict[str, Any]]:
    """The error answers a route declares in /openapi.json (every route touching the database may answer 503)."""
    docs = {**_ERROR_DOCS, 409: conflict, 422: unprocessable}
    answers: dict[int | str, dict[str, Any]] = {
        status: {"model": docs[status][0], "description": docs[status][1]} for status in statuses
    }
    for status in (429, 503):
        if status in answers:
            answers[status]["headers"] = {"Retry-After": RETRY_AFTER}
    return answers


#: The header a client waits by, on every 429 and 503.
RETRY_AFTER = {"description": "seconds to wait before trying again", "required": True, "schema": {"type": "integer"}}


class ApiError(Exception):
    """A refusal of the HTTP layer itself: authentication, roles, malformed headers, database trouble."""

    def __init__(self, status: int, error: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.error = error
        self.message = message
        self.headers = headers or {}


def status_of(exc: QueueError) -> int:
    return _status_and_code(exc)[0]


def answer_of(exc: QueueError) -> tuple[int, dict[str, Any], dict[str, str]]:
    """(status, body, headers) of the answer to a refused request."""
    status, code = _status_and_code(exc)
    body: dict[str, Any] = {"error": code, "message": exc.message}
    headers: dict[str, str] = {}
    if isinstance(exc, QuotaExhausted):
        body |= {"service": exc.service, "next_open": _iso(exc.next_open)}
    elif isinstance(exc, ServiceClosed):
        body |= {"service": exc.service, "reason": exc.reason.value, "next_open": _iso(exc.next_open)}
    elif isinstance(exc, InvalidTransition):
        body["status"] = exc.status
    elif isinstance(exc, Expired):
        # A ticket named by its code gets its number and day, a later slot its day.
        if exc.number is not None:
            body["number"] = exc.number
        if exc.day is not None:
            body["day"] = exc.day.isoformat()
    elif isinstance(exc, TicketsStillAvailable):
        body |= {"service": exc.service, "remaining": exc.remaining, "next_open": _iso(exc.next_open)}
    elif isinstance(exc, NoLaterSlots):
        body |= {"service": exc.service, "next_window": None}
    elif isinstance(exc, TooEarly):
        body |= {
            "window": {"start": _iso(exc.window_start), "end": _iso(exc.window_end)},
            "check_in_from": _iso(exc.check_in_from),
        }
    elif isinstance(exc, PartnerAllotmentExhausted):
        body |= {"day": exc.day.isoformat(), "slots_per_day": exc.slots_per_day}
    elif isinstance(exc, SlotNotBooked):
        body["status"] = exc.status
    elif isinstance(exc, RateLimited):
        body["retry_after"] = exc.retry_after
        headers["Retry-After"] = str(exc.retry_after)
    return status, body, headers


def _status_and_code(exc: QueueError) -> tuple[int, str]:
    for kind in type(exc).__mro__:
        if kind in STATUS_AND_CODE:
            return STATUS_AND_CODE[kind]  # type: ignore[index]
    raise TypeError(f"no answer is defined for {type(exc).__name__}")


def _iso(moment: datetime | None) -> str | None:
    """The site's local time with offset, as every time in the API (the rules give it in the site's zone)."""
    return None if moment is None else moment.isoformat(timespec="seconds")


def _allowed_methods(request: Request) -> str:
    """Every method some route takes at this path, asked of the routes themselves (Starlette's matching)."""
    allowed = []
    for method in ("DELETE", "GET", "HEAD", "OPTIONS", "PATCH", "POST", "PUT"):
        scope = {**request.scope, "method": method}
        if any(route.matches(scope)[0] is Match.FULL for route in request.app.router.routes):
            allowed.append(method)
    return ", ".join(allowed)


def _validation_message(exc: RequestValidationError) -> str:
    parts = []
    for error in exc.errors():
        location = ".".join(str(p) for p in error["loc"] if p not in ("body",)) or "body"
        parts.append(f"{location}: {error['msg']}")
    return "; ".join(parts) or "The request is malformed."


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(QueueError)
    async def refused(_: Request, exc: QueueError) -> JSONResponse:
        status, body, headers = answer_of(exc)
        return JSONResponse(body, status_code=status, headers=headers)

    @app.exception_handler(ApiError)
    async def api_error(_: Request, exc: ApiError) -> JSONResponse:
        return JSONResponse({"error": exc.error, "message": exc.message}, status_code=exc.status, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def validation(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse({"error": "validation_error", "message": _validation_message(exc)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        error = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}.get(
            exc.status_code, "validation_error"
        )
        status = exc.status_code if exc.status_code in (404, 405, 413) else 422
        message, headers = str(exc.detail), None
        if status == 404:
            message = "There is no such endpoint."
        elif status == 405:
            # RFC 9110: a 405 says which methods the endpoint does accept: those of every route of this
            # path (Starlette's Allow names the first route's only, e.g. POST where GET works too).
            headers = {"Allow": _allowed_methods(request) or (exc.headers or {}).get("Allow", "")}
            message = f"This endpoint does not accept this method; it accepts {headers['Allow'] or 'none'}."
        return JSONResponse({"error": error, "message": message}, status_code=status, headers=headers)

    # A bug: still an answer in the API's shape, not a bare "Internal Server Error" (the traceback is logged).
    @app.exception_handler(Exception)
    async def unexpected(_: Request, exc: Exception) -> JSONResponse:
        return JSONResponse(
            {"error": "internal_error", "message": "Something went wrong on the server; it has been logged."},
            status_code=500,
        )

    # The database is away, full, or read-only (PostgreSQL reports a read-only transaction as an
    # InternalError): the server cannot do this now, and says so as the 503 clients retry on.
    @app.exception_handler(OperationalError)
    @app.exception_handler(InternalError)
    async def database_down(_: Request, exc: OperationalError | InternalError) -> JSONResponse:
        log.error("database error: %s", exc)
        return JSONResponse(
            {
                "error": "unavailable",
                "message": "The database is not answering or not taking writes; please try again shortly.",
            },
            status_code=503,
            headers={"Retry-After": "2"},
        )

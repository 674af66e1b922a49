"""The phone page behind a ticket's or a later slot's QR code, in its language; and the pages for codes
that lead nowhere.

A ticket's page shows what its public status shows (`GET /api/v1/status/{token}`) and follows it
live through the ticket's own event stream (server/api/ticket_stream.py) with the server's script;
without a script it looks again every `LIVE_REFRESH_SECONDS` until the visit is over. A later slot's
page shows its day and window, when check-in opens and a countdown on the day, with its calendar
file; once the slot is checked in, it leads to the ticket's own page.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from babel.dates import format_date
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from server.api.errors import status_of
from server.api.pages import accepted_language, render
from server.rules.errors import Expired, InvalidCode, QueueError
from server.rules.ticket_codes import extract_token
from wartemarke.api_objects import SlotStatus, TicketStatus
from wartemarke.i18n import gettext_for, is_rtl

router = APIRouter(tags=["public"])

#: Each has its template, ticket/<state>.html.
STATES = ("waiting", "called", "serving", "done", "no_show", "cancelled")
#: After these the visit is over: no more refreshing or listening.
OVER = ("done", "cancelled")
#: Calm enough for thousands of phones, soon enough for someone waiting outside without scripts.
LIVE_REFRESH_SECONDS = 45
#: A slot's page changes only when the office moves or cancels the slot.
SLOT_REFRESH_SECONDS = 600


def _in(names: dict[str, str], language: str) -> str:
    return names.get(language) or next(iter(names.values()), "")


def ticket_page(status: dict[str, Any], office: str, token: str) -> HTMLResponse:
    """The page of a ticket; `token` is the canonical token (never the request's own text)."""
    language = status["language"]
    typed = TicketStatus.model_validate(status)
    _ = gettext_for("server", language)
    return render(
        "ticket.html",
        language,
        status=status,
        states=STATES,
        office=office,
        title=_("Ticket {number}").format(number=typed.number),
        service_name=_in(typed.service_names, language),
        transferred_from=_in(typed.transferred_from_names, language),
        counter_name=typed.counter_in(language) or "",
        live=typed.status not in OVER,
        refresh_seconds=LIVE_REFRESH_SECONDS,
        stream_url=f"/api/v1/status/{token}/events",
        status_url=f"/api/v1/status/{token}",
    )


def slot_page(status: dict[str, Any], office: str, token: str) -> HTMLResponse:
    """The page of a later slot before check-in: when to come, when check-in opens, the calendar file."""
    typed = SlotStatus.model_validate(status)
    language = typed.language
    _ = gettext_for("server", language)
    start, end = typed.window.start, typed.window.end
    # The window keeps its left-to-right order inside an Arabic or Farsi sentence (a Unicode isolate)
    # and stays on one line (word joiners around the dash).
    day = format_date(typed.day, format="full", locale=language)
    comma = "، " if is_rtl(language) else ", "
    when = f"{day}{comma}\u2066{start:%H:%M}\u2060–\u2060{end:%H:%M}\u2069"
    detail = _("Check in at the kiosk or a counter from {time}. Please bring this paper and your documents.")
    detail = detail.format(time=f"{typed.check_in.opens:%H:%M}")
    if typed.status == "cancelled":
        headline, detail = _("This slot was cancelled."), _("Please ask at the information desk.")
    elif typed.status == "missed":
        headline, detail = _("This slot has passed."), _("Please ask at the information desk.")
    elif typed.moved_from:
        headline = _("Your slot was moved to {date}.").format(date=when)
    else:
        headline = _("Your guaranteed slot: {date}").format(date=when)
    upcoming = typed.status == "booked"
    return render(
        "slot.html",
        language,
        office=office,
        title=_("Guaranteed slot"),
        start=f"{start:%H:%M}",
        service_name=_in(typed.service_names, language),
        headline=headline,
        detail=detail,
        upcoming=upcoming,
        window_start=start.isoformat(),
        window_end=end.isoformat(),
        refresh_seconds=SLOT_REFRESH_SECONDS,
        calendar_url=f"/t/{token}/calendar.ics",
    )


def refused_page(refusal: QueueError, language: str) -> HTMLResponse:
    _ = gettext_for("server", language)
    if isinstance(refusal, Expired):
        headline = _("This ticket was for an earlier day and is no longer valid.")
    elif isinstance(refusal, InvalidCode):
        headline = _("This is not a valid ticket code.")
    else:
        headline = _("This ticket is not known here.")
    return render("refused.html", language, status_of(refusal), headline=headline)


# Spelled out: a `model` here would be documented as text/html, this route's own media type.
JSON_VALIDATION_ERROR: dict[str, Any] = {
    "description": "validation_error: a malformed request",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}
_PAGE_REFUSED = {
    status: {"content": {"text/html": {}}, "description": f"the page, saying {what}, in the Accept-Language"}
    for status, what in (
        (400, "this is not a ticket code"),
        (404, "the ticket is not known here"),
        (410, "the ticket was for an earlier day"),
    )
}
_SERVER_TROUBLE = {
    503: {
        "description": "unavailable: the database is not answering; try again shortly (Retry-After)",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
}


@router.get(
    "/t/{token}",
    response_class=HTMLResponse,
    responses={
        303: {"description": "a checked-in later slot: its ticket's own page (Location)"},
        **_PAGE_REFUSED,
        422: JSON_VALIDATION_ERROR,
        **_SERVER_TROUBLE,
    },
)
def status_page(token: str, request: Request) -> Response:
    """The page a visitor's phone opens from a ticket's or a later slot's QR code, in its language."""
    try:
        canonical = extract_token(token).lower()
        status, office = request.app.state.status_and_office(canonical)
    except QueueError as refusal:
        return refused_page(refusal, accepted_language(request.headers.get("accept-language")))
    if status.get("kind") != "slot":
        return ticket_page(status, office, canonical)
    if status["ticket_url"]:
        # Checked in: the ticket has its own code and page, which follows it live.
        return RedirectResponse(urlsplit(status["ticket_url"]).path, status_code=303)
    return slot_page(status, office, canonical)

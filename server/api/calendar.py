"""A later slot as a calendar entry (RFC 5545), linked from its status page: the visitor's phone keeps
the day and window, with the office's name and address as the place.

The times carry the site's time zone (TZID with its VTIMEZONE), so a phone abroad or set to
another zone still shows the office's local time correctly. Nothing about anyone is in it.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Request, Response
from icalendar import Calendar, Event

from server.api.errors import error_responses
from server.office import Office
from server.rules.errors import NotFound
from server.rules.ticket_codes import extract_token
from wartemarke.i18n import gettext_for

router = APIRouter(tags=["public"])

CALENDAR_TYPE = "text/calendar"


def slot_event(office: Office, token: str, status: dict[str, Any], now: datetime) -> bytes:
    """The iCalendar text of one slot, in its holder's language."""
    site = office.site
    _ = gettext_for("server", status["language"])
    service = status["service_names"].get(status["language"]) or next(iter(status["service_names"].values()), "")
    window = status["window"]
    opens = datetime.fromisoformat(status["check_in"]["from"]).astimezone(site.zone)
    url = office.queue.views.status_url(token)
    event = Event()
    # Stable for the slot, so a moved slot's entry replaces the old one; not the token itself.
    digest = hashlib.sha256(extract_token(token).encode()).hexdigest()[:32]  # the same in any case
    event.add("uid", f"{digest}@{urlsplit(site.public_url).hostname}")
    event.add("dtstamp", now.astimezone(UTC))
    event.add("dtstart", datetime.fromisoformat(window["start"]).astimezone(site.zone))
    event.add("dtend", datetime.fromisoformat(window["end"]).astimezone(site.zone))
    event.add("sequence", 1 if status["moved_from"] else 0)
    event.add("status", "CANCELLED" if status["status"] == "cancelled" else "CONFIRMED")
    event.add("summary", _("Guaranteed slot: {service}").format(service=service))
    event.add("location", f"{site.name}, {site.address}" if site.address else site.name)
    event.add(
        "description",
        _("Check in at the kiosk or a counter from {time}. Please bring this paper and your documents.").format(
            time=f"{opens:%H:%M}"
        ),
    )
    event.add("url", url)
    calendar = Calendar()
    calendar.add("prodid", "-//Wartemarke//Later slot//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add_component(event)
    start_year = datetime.fromisoformat(window["start"]).year
    calendar.add_missing_timezones(first_date=date(start_year - 1, 1, 1), last_date=date(start_year + 2, 1, 1))
    return calendar.to_ical()


@router.get(
    "/t/{token}/calendar.ics",
    response_class=Response,
    responses={
        200: {"content": {CALENDAR_TYPE: {}}, "description": "the later slot as an iCalendar (RFC 5545) event"},
        **error_responses(400, 404, 410, 422, 503),
    },
)
def slot_calendar(token: str, request: Request) -> Response:
    """A later slot's calendar entry (a ticket's code has none: 404)."""
    office: Office = request.app.state.office_of_code(token)
    status = office.reading.status(token)
    if status.get("kind") != "slot":
        raise NotFound("Only a later slot has a calendar entry; this code is a ticket's.")
    body = slot_event(office, token, status, office.queue.clock())
    return Response(
        body,
        media_type=f"{CALENDAR_TYPE}; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="wartemarke-slot.ics"'},
    )

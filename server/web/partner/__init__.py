"""The partner page at /partner: a counsellor of a welfare organisation or of the municipal integration
management signs in with the organisation's partner token, books a guaranteed later slot for a
visitor they accompany (a concern, a day, the visitor's language), prints or saves the slot's paper,
and sees which of their bookings were kept.

The page does what the partner API does (server/api/partner.py), through the same office methods,
with the session of the office's web sign-in (server/web/sign_in.py) instead of a bearer token.
Nothing about the visitor is asked for or kept.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from fastapi import Request

from server.config import Partner
from server.office import Office
from server.web.office_pages import N_
from server.web.sessions import WebSession
from server.web.sign_in import WebArea

PARTNER_PAGE = WebArea(name="partner", roles=("partner",), title=N_("Guaranteed slots for counselling partners"))

#: A slot's status as a counsellor reads it: "kept" is what matters to them.
STATUS_NAMES = {
    "booked": N_("booked"),
    "checked_in": N_("kept (checked in)"),
    "missed": N_("missed"),
    "cancelled": N_("cancelled"),
}


class PartnerNotListed(Exception):
    """The signed-in token acts for a partner the office has since removed from its site config."""

    def __init__(self, language: str) -> None:
        self.language = language


def office_and_partner(request: Request, session: WebSession) -> tuple[Office, Partner]:
    """The office and the partner the signed-in token acts for; a 403 page once the office removed it."""
    office: Office = request.app.state.offices[session.site_id]
    partner = office.config.partner(session.partner_id or "")
    if partner is None:
        raise PartnerNotListed(session.language)
    return office, partner


def day_label(day: date, language: str) -> str:
    """ "Dienstag, 1. Dezember 2026": never ambiguous, in the counsellor's language."""
    from babel.dates import format_date

    return format_date(day, format="full", locale=language)


def window_label(start: datetime | str, end: datetime | str) -> str:
    """ "8:00–8:30": the site's wall clock (the API gives times with the site's offset)."""
    first = datetime.fromisoformat(start) if isinstance(start, str) else start
    last = datetime.fromisoformat(end) if isinstance(end, str) else end
    return f"{first.hour}:{first.minute:02d}–{last.hour}:{last.minute:02d}"


def page_context(office: Office, partner: Partner, session: WebSession, page: str) -> dict[str, Any]:
    """What every partner page's layout needs."""
    return {
        "area": PARTNER_PAGE,
        "session": session,
        "page": page,
        "office_name": office.site.name,
        "partner_name": partner.name(session.language, office.site.languages[0]),
    }

"""Booking on the partner page: pick a concern and a day (or a time that day), the visitor's language, book.

Without a script: choosing the concern reloads the page with that concern's days (a GET form), and
each day is one radio button ("earliest free time"), its times folded under it (`<details>`). The
booking form carries a key made when the page was drawn (the API's Idempotency-Key): sending it
twice (a double click, the browser's "resend") books one slot. A refusal shows the page again with
the reason in the counsellor's language and the status the API gives it; nothing is booked.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from server.api.errors import status_of
from server.config import Partner
from server.office import Office
from server.rules.errors import (
    NoLaterSlots,
    NotFound,
    NotPartnersService,
    PartnerAllotmentExhausted,
    QueueError,
)
from server.web.office_pages import render_office, translator
from server.web.partner import PARTNER_PAGE, day_label, office_and_partner, page_context, window_label
from server.web.sessions import WebSession
from server.web.sign_in import SignedForm
from wartemarke.language_names import language_label

router = APIRouter(prefix=PARTNER_PAGE.path, include_in_schema=False)
Signed = Annotated[WebSession, Depends(PARTNER_PAGE.session)]
Form = Annotated[SignedForm, Depends(PARTNER_PAGE.form)]


def _days(office: Office, partner: Partner, service_id: str, language: str) -> list[dict[str, Any]]:
    """The concern's bookable days as the form lists them."""
    availability = office.partner_slots.availability(partner, service_id)
    days = []
    for entry in availability["days"]:
        offer = next((s for s in entry["services"] if s["service"] == service_id), None)
        if offer is None:
            continue
        day = date.fromisoformat(entry["day"])
        windows = [
            {"value": f"{entry['day']}|{w['start']}", "label": window_label(w["start"], w["end"]), "free": w["free"]}
            for w in offer["windows"]
        ]
        days.append(
            {
                "value": entry["day"],
                "label": day_label(day, language),
                "free": offer["free"],
                "allotment_left": entry["allotment_left"],
                "windows": windows if entry["allotment_left"] else [w | {"free": 0} for w in windows],
            }
        )
    return days


def booking_page(
    request: Request,
    session: WebSession,
    service_id: str | None = None,
    status_code: int = 200,
    problem: str = "",
    chosen: dict[str, str] | None = None,
) -> HTMLResponse:
    office, partner = office_and_partner(request, session)
    language = session.language
    services = [office.queue.service(s) for s in partner.services]
    service = next((s for s in services if s.id == service_id), services[0])
    visitor_languages = {code: language_label(code, language) for code in office.site.languages}
    return render_office(
        "office/partner/book.html",
        language,
        status_code,
        **page_context(office, partner, session, "book"),
        title=translator(language)("Book a guaranteed slot"),
        services=[{"id": s.id, "name": s.name(language)} for s in services],
        service={"id": service.id, "name": service.name(language)},
        days=_days(office, partner, service.id, language),
        slots_per_day=partner.slots_per_day,
        visitor_languages=visitor_languages,
        chosen=chosen or {},
        problem=problem,
        key=str(uuid.uuid4()),
    )


@router.get("", response_class=HTMLResponse)
def book_form(request: Request, session: Signed, service: str | None = None) -> HTMLResponse:
    return booking_page(request, session, service)


@router.post("/book", response_class=HTMLResponse)
def book(request: Request, form: Form) -> Response:
    session = form.session
    office, partner = office_and_partner(request, session)
    _ = translator(session.language)
    service_id, choice = form.get("service"), form.get("choice")
    day_text, _separator, window_text = choice.partition("|")
    try:
        day = date.fromisoformat(day_text)
        window_start = datetime.fromisoformat(window_text) if window_text else None
        if window_start is not None and window_start.tzinfo is None:
            raise ValueError(window_text)
    except ValueError:
        problem = _("Please choose a day.")
        return booking_page(request, session, service_id, 422, problem, dict(form.fields))
    try:
        slot, _created = office.partner_booking.book(
            partner,
            service_id,
            form.get("language"),
            day,
            window_start,
            session.token_id,
            form.get("key") or str(uuid.uuid4()),
        )
    except QueueError as refusal:
        problem = _refusal_text(refusal, session.language, day)
        return booking_page(request, session, service_id, status_of(refusal), problem, dict(form.fields))
    return RedirectResponse(f"{PARTNER_PAGE.path}/slots/{slot['id']}?booked=1", status_code=303)


def _refusal_text(refusal: QueueError, language: str, day: date) -> str:
    """Why nothing was booked, in the counsellor's language (the API's own messages are English)."""
    _ = translator(language)
    when = day_label(day, language)
    if isinstance(refusal, PartnerAllotmentExhausted):
        sentence = _("Your organisation already holds its {count} slots for {day}. Choose another day.")
        return sentence.format(count=refusal.slots_per_day, day=when)
    if isinstance(refusal, NoLaterSlots):
        return _("Every slot on {day} is booked now. Please choose another day or time.").format(day=when)
    if isinstance(refusal, NotPartnersService | NotFound):
        return _("Your organisation cannot book slots for this concern. Please ask the office.")
    return _("This day, time or language cannot be booked. Please choose from the lists on this page.")

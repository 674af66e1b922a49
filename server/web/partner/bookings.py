"""The partner's own bookings: the list (with which were kept), one slot with its paper, cancelling one.

A slot of another partner (or a kiosk's) is "not found" here, as in the API. The paper is the one
the kiosk prints (printer/layout.py, drawn by printer/png_output.py): the counsellor prints it or
saves it as a picture (PNG) or a PDF, and its QR code is the slot's code.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from server.office import Office
from server.rules.errors import NotFound, QueueError
from server.web.office_pages import OFFICE_HEADERS, render_office, translator
from server.web.partner import PARTNER_PAGE, STATUS_NAMES, day_label, office_and_partner, page_context, window_label
from server.web.sessions import WebSession
from server.web.sign_in import SignedForm
from wartemarke.api_objects import Slot
from wartemarke.language_names import language_label

router = APIRouter(prefix=f"{PARTNER_PAGE.path}/slots", include_in_schema=False)
Signed = Annotated[WebSession, Depends(PARTNER_PAGE.session)]
Form = Annotated[SignedForm, Depends(PARTNER_PAGE.form)]
#: The list's default reach into the past: a month of kept and missed slots.
LOOKBACK_DAYS = 30
#: Dots per inch of a thermal printer: the PDF comes out at the paper's real width (80 mm).
PRINTER_DPI = 203


def _shown(slot: dict[str, Any], office: Office, language: str) -> dict[str, Any]:
    service = office.config.service(slot["service"])
    return {
        **slot,
        "day_label": day_label(date.fromisoformat(slot["day"]), language),
        "window_label": window_label(slot["window"]["start"], slot["window"]["end"]),
        "service_name": service.name(language) if service else slot["service"],
        "language_label": language_label(slot["language"], language),
        "status_name": STATUS_NAMES[slot["status"]],
        "check_in_label": window_label(slot["check_in"]["from"], slot["check_in"]["until"]),
    }


@router.get("", response_class=HTMLResponse)
def bookings(request: Request, session: Signed) -> HTMLResponse:
    office, partner = office_and_partner(request, session)
    language = session.language
    today = office.queue.today()
    first = today - timedelta(days=LOOKBACK_DAYS)
    slots = [_shown(s, office, language) for s in office.partner_slots.slots(partner, first)]
    past = next(o for o in office.partner_results.outcomes(first, today) if o.partner == partner.id).total
    share = past.kept_share
    return render_office(
        "office/partner/bookings.html",
        language,
        **page_context(office, partner, session, "bookings"),
        title=translator(language)("Your bookings"),
        coming=[s for s in slots if _coming(s, today)],
        earlier=list(reversed([s for s in slots if not _coming(s, today)])),
        past=past,
        kept_percent=None if share is None else round(100 * share),
        lookback_days=LOOKBACK_DAYS,
    )


def _coming(slot: dict[str, Any], today: date) -> bool:
    """Still to come: a later day, or today's and not yet kept, missed or cancelled."""
    return date.fromisoformat(slot["day"]) > today or slot["status"] == "booked"


def _own_slot(request: Request, session: WebSession, slot_id: str) -> tuple[Office, dict[str, Any]] | None:
    office, partner = office_and_partner(request, session)
    try:
        return office, office.partner_slots.slot(partner, slot_id)
    except NotFound:
        return None


def _not_found(session: WebSession) -> HTMLResponse:
    _ = translator(session.language)
    return render_office(
        "office/refused.html",
        session.language,
        404,
        area=PARTNER_PAGE,
        session=session,
        title=_("There is no such booking."),
        headline=_("There is no such booking."),
        detail=_("Your organisation has no booking with this address."),
        back=f"{PARTNER_PAGE.path}/slots",
    )


@router.get("/{slot_id}", response_class=HTMLResponse)
def slot_page(
    request: Request, session: Signed, slot_id: str, booked: bool = False, cancelled: bool = False
) -> Response:
    found = _own_slot(request, session, slot_id)
    if found is None:
        return _not_found(session)
    office, slot = found
    _, partner = office_and_partner(request, session)
    language = session.language
    return render_office(
        "office/partner/slot.html",
        language,
        **page_context(office, partner, session, "bookings"),
        title=translator(language)("Guaranteed slot"),
        slot=_shown(slot, office, language),
        just_booked=booked,
        just_cancelled=cancelled,
    )


@router.post("/{slot_id}/cancel", response_class=HTMLResponse)
def cancel(request: Request, slot_id: str, form: Form) -> Response:
    session = form.session
    _, partner = office_and_partner(request, session)
    if _own_slot(request, session, slot_id) is None:
        return _not_found(session)
    office: Office = request.app.state.offices[session.site_id]
    try:
        office.slot_admin.cancel(slot_id, partner_id=partner.id)
    except QueueError:
        pass  # checked in, missed or cancelled meanwhile: the slot's page shows which
    return RedirectResponse(f"{PARTNER_PAGE.path}/slots/{slot_id}?cancelled=1", status_code=303)


def _paper(request: Request, session: WebSession, slot_id: str, kind: str, download: bool) -> Response:
    found = _own_slot(request, session, slot_id)
    if found is None:
        return _not_found(session)
    office, slot = found
    from printer.png_output import render_ticket_png  # Pillow and qrcode: loaded by the pages that draw

    picture = render_ticket_png(Slot.model_validate(slot), office_name=office.site.name, language=slot["language"])
    buffer = io.BytesIO()
    if kind == "pdf":
        picture.save(buffer, "PDF", resolution=PRINTER_DPI)
    else:
        picture.save(buffer, "PNG", optimize=True)
    name = f"slot-{slot['day']}-{slot['window']['start'][11:16].replace(':', '')}.{kind}"
    disposition = f'{"attachment" if download else "inline"}; filename="{name}"'
    media = "application/pdf" if kind == "pdf" else "image/png"
    headers = {**OFFICE_HEADERS, "Content-Disposition": disposition}
    return Response(buffer.getvalue(), media_type=media, headers=headers)


@router.get("/{slot_id}/paper.png")
def paper_png(request: Request, session: Signed, slot_id: str, download: bool = False) -> Response:
    return _paper(request, session, slot_id, "png", download)


@router.get("/{slot_id}/paper.pdf")
def paper_pdf(request: Request, session: Signed, slot_id: str, download: bool = True) -> Response:
    return _paper(request, session, slot_id, "pdf", download)

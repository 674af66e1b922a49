"""Counselling partners book guaranteed later slots for the visitors they accompany, with a token of their
own (role `partner`): book, list and cancel their own slots, and see where they may still book.

A partner sees only its own slots (another's id is 404, as an unknown one), books only the concerns
the office opened to it (403 otherwise) and no more slots a day than its allotment (409
`partner_allotment_exhausted`). Nothing about the visitor is sent or kept.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response

from server.api import models
from server.api.auth import requires
from server.api.errors import (
    KEYED_UNPROCESSABLE,
    PARTNER_BOOKING_CONFLICT,
    PARTNER_CANCEL_CONFLICT,
    ApiError,
    error_responses,
)
from server.api.later_slots import IdempotencyKey
from server.api.routes import office_of
from server.config import Partner
from server.office import Office
from server.rules.errors import InvalidInput
from server.storage.token_store import Device
from wartemarke import api_objects as api

router = APIRouter(prefix="/api/v1/partner", tags=["partners"])

PartnerToken = Annotated[Device, Depends(requires("partner", admin=False))]
#: A day in a query, exactly as "2026-12-03".
DAY: dict[str, Any] = {"pattern": r"^\d{4}-\d{2}-\d{2}$", "json_schema_extra": {"format": "date"}}


def partner_of(request: Request, device: Device) -> tuple[Office, Partner]:
    """The office and the partner a partner token acts for (403 once the office removed the partner)."""
    office = office_of(request, device)
    partner = office.config.partner(device.partner_id or "")
    if partner is None:
        raise ApiError(
            403,
            "forbidden",
            f"This token acts for the partner {device.partner_id!r}, which the office no longer lists "
            "([[partners]] in its site config); please ask the office.",
        )
    return office, partner


@router.get("", response_model=api.Partner, responses=error_responses(401, 403, 503))
def me(request: Request, device: PartnerToken) -> dict[str, Any]:
    """The partner this token acts for: its concerns, its allotment, the office's languages."""
    office, partner = partner_of(request, device)
    return office.partner_slots.me(partner)


@router.get("/availability", response_model=api.PartnerAvailability, responses=error_responses(401, 403, 404, 422, 503))
def availability(
    request: Request,
    device: PartnerToken,
    service: Annotated[models.ServiceId | None, Query(description="only this concern (one of the partner's)")] = None,
) -> dict[str, Any]:
    """Each bookable day of the partner's concerns: what it holds and may still book, and the free places
    of each window."""
    office, partner = partner_of(request, device)
    return office.partner_slots.availability(partner, service)


@router.post(
    "/slots",
    status_code=201,
    response_model=api.Slot,
    responses={
        200: {"model": api.Slot, "description": "the slot booked before for this Idempotency-Key"},
        **error_responses(
            401, 403, 404, 409, 422, 503, conflict=PARTNER_BOOKING_CONFLICT, unprocessable=KEYED_UNPROCESSABLE
        ),
    },
)
def book(
    body: models.PartnerSlotRequest,
    request: Request,
    response: Response,
    device: PartnerToken,
    idempotency_key: IdempotencyKey,
) -> dict[str, Any]:
    """Book a later slot on a chosen bookable day: its earliest window with room, or the chosen window.

    Not refused while today's walk-in tickets remain (a partner books a coming day on purpose). The
    same Idempotency-Key again returns the same slot (200) and takes no place.
    """
    office, partner = partner_of(request, device)
    slot, created = office.partner_booking.book(
        partner, body.service, body.language, body.day, body.window_start, device.token_id, idempotency_key
    )
    response.status_code = 201 if created else 200
    return slot


@router.get("/slots", response_model=list[api.Slot], responses=error_responses(401, 403, 422, 503))
def slots(
    request: Request,
    device: PartnerToken,
    first: Annotated[str | None, Query(alias="from", description="first day (default: 30 days ago)", **DAY)] = None,
    last: Annotated[str | None, Query(alias="until", description="last day (default: every coming day)", **DAY)] = None,
) -> list[dict[str, Any]]:
    """The partner's own slots on days from..until, earliest window first, each with its status
    (`checked_in`: kept; `missed`: check-in closed without the holder) and its code."""
    office, partner = partner_of(request, device)
    return office.partner_slots.slots(partner, _day("from", first), _day("until", last))


def _day(name: str, text: str | None) -> date | None:
    """A day as "2026-12-03" and nothing else (no timestamps, no "0")."""
    if text is None:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"{name}: {text!r} is not a day like 2026-12-03.") from None


@router.get("/slots/{slot_id}", response_model=api.Slot, responses=error_responses(401, 403, 404, 422, 503))
def slot(slot_id: str, request: Request, device: PartnerToken) -> dict[str, Any]:
    """One of the partner's own slots (another partner's is 404, as an unknown one)."""
    office, partner = partner_of(request, device)
    return office.partner_slots.slot(partner, slot_id)


@router.post(
    "/slots/{slot_id}/cancel",
    response_model=api.Slot,
    responses=error_responses(401, 403, 404, 409, 422, 503, conflict=PARTNER_CANCEL_CONFLICT),
)
def cancel(slot_id: str, request: Request, device: PartnerToken) -> dict[str, Any]:
    """Cancel one of the partner's own booked slots: its place returns to its window and to the allotment.

    Cancelling it again, or a slot checked in or missed, is 409 `slot_not_booked`.
    """
    office, partner = partner_of(request, device)
    return office.slot_admin.cancel(slot_id, partner_id=partner.id)

"""Guaranteed later slots: the kiosk books one when today's walk-in tickets are gone; its holder checks
in on the day at a kiosk or a counter (POST /scan at a counter does the same)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Request, Response

from server.api import models
from server.api.auth import requires
from server.api.errors import CHECK_IN_CONFLICT, KEYED_UNPROCESSABLE, LATER_SLOT_CONFLICT, error_responses
from server.api.routes import office_of
from server.storage.token_store import Device
from wartemarke import api_objects as api

router = APIRouter(prefix="/api/v1", tags=["later slots"])

Kiosk = Annotated[Device, Depends(requires("kiosk"))]
KioskOrStaff = Annotated[Device, Depends(requires("kiosk", "staff"))]
IdempotencyKey = Annotated[
    str,
    Header(
        alias="Idempotency-Key",
        min_length=1,
        max_length=128,
        pattern=r"^[\x21-\x7e]+$",
        description="Required: any 1-128 printable ASCII characters; a retry with the same key gets the same slot.",
    ),
]


@router.post(
    "/later-slots",
    status_code=201,
    response_model=api.Slot,
    responses={
        200: {"model": api.Slot, "description": "the slot booked before for this Idempotency-Key"},
        **error_responses(
            401, 403, 404, 409, 422, 429, 503, conflict=LATER_SLOT_CONFLICT, unprocessable=KEYED_UNPROCESSABLE
        ),
    },
)
def book_later_slot(
    body: models.LaterSlotRequest, request: Request, response: Response, device: Kiosk, idempotency_key: IdempotencyKey
) -> dict[str, Any]:
    """Book the earliest free window of the coming open days, once today's walk-in tickets are gone.

    The same Idempotency-Key again returns the same slot (200) and uses no place; with another
    body it is 422 `idempotency_key_reused`.
    """
    office = office_of(request, device)
    slot, created = office.slots.book(body.service, body.language, device.token_id, idempotency_key)
    response.status_code = 201 if created else 200
    return slot


@router.post(
    "/check-in",
    status_code=201,
    response_model=api.Ticket,
    responses={
        200: {"model": api.Ticket, "description": "the ticket of a slot checked in before (or of a ticket's code)"},
        **error_responses(400, 401, 403, 404, 409, 410, 422, 503, conflict=CHECK_IN_CONFLICT),
    },
)
def check_in(body: models.CheckInRequest, request: Request, response: Response, device: KioskOrStaff) -> dict[str, Any]:
    """The holder of a later slot checks in and gets a numbered ticket in the slot's service.

    Accepts the code as scanners read it (full URL or bare token, any case, CR/LF). A ticket's own
    code answers that ticket (200).
    """
    office = office_of(request, device)
    ticket, created = office.check_in.check_in(body.code, list(request.app.state.offices))
    response.status_code = 201 if created else 200
    return ticket

"""The queue endpoints: services, tickets, staff actions, counters, devices."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from server.api import models
from server.api.auth import authenticate, requires
from server.office import Office
from server.problems import Problem
from server.storage.token_store import Device
from server.ticket_rules import Action

router = APIRouter(prefix="/api/v1")

AnyDevice = Annotated[Device, Depends(requires())]
Staff = Annotated[Device, Depends(requires("staff"))]

ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": models.Error} for code in (400, 401, 403, 404, 409, 410, 422, 429)
}


def office_of(request: Request, device: Device) -> Office:
    return request.app.state.offices[device.site_id]


@router.get("/health", tags=["operations"])
def health(request: Request) -> dict[str, str]:
    from sqlalchemy import text

    try:
        with request.app.state.engines.read.connect() as connection:
            connection.execute(text("SELECT 1"))
    except Exception as exc:
        raise Problem("unavailable", f"The database does not answer: {type(exc).__name__}.") from None
    return {"status": "ok"}


@router.get("/site", response_model=models.Site, responses=ERRORS, tags=["reading"])
def site(request: Request, device: AnyDevice) -> dict[str, Any]:
    info = office_of(request, device).site
    return {
        "id": info.id,
        "name": info.name,
        "timezone": info.timezone,
        "languages": info.languages,
        "public_url": info.public_url,
    }


@router.get("/services", response_model=list[models.Service], responses=ERRORS, tags=["reading"])
def services(request: Request, device: AnyDevice) -> list[dict[str, Any]]:
    return office_of(request, device).services()


IDEMPOTENCY_KEY = re.compile(r"[\x21-\x7e]{1,128}")
# The issue endpoint reads its request itself (see below); this documents what it reads.
ISSUE_REQUEST_DOCS: dict[str, Any] = {
    "parameters": [
        {
            "name": "Idempotency-Key",
            "in": "header",
            "required": False,
            "description": "Any 1-128 printable ASCII characters; a retry with the same key gets the same ticket.",
            "schema": {"type": "string", "minLength": 1, "maxLength": 128, "pattern": "^[\\x21-\\x7e]+$"},
        }
    ],
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": models.TicketRequest.model_json_schema()}},
    },
}


@router.post(
    "/tickets",
    status_code=201,
    response_model=models.Ticket,
    responses={200: {"model": models.Ticket}, **ERRORS},
    tags=["kiosk"],
    openapi_extra=ISSUE_REQUEST_DOCS,
)
async def issue_ticket(request: Request) -> JSONResponse:
    """Issue a ticket. The same Idempotency-Key again returns the same ticket (200) and uses no quota.

    The busiest endpoint reads the token, body and header itself: FastAPI's parameter machinery
    cost more per request than the server's whole share of issuing the ticket. The checks and the
    error answers are those of the other endpoints.
    """
    device = await authenticate(request, ("kiosk",))
    try:
        body = models.TicketRequest.model_validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from None
    key = request.headers.get("idempotency-key")
    if key is not None and not IDEMPOTENCY_KEY.fullmatch(key):
        raise Problem("validation_error", "Idempotency-Key: use 1 to 128 printable ASCII characters, no spaces.")
    ticket, created = await office_of(request, device).issue_ticket(body.service, body.language, device.token_id, key)
    if created:
        request.app.state.metrics.ticket_issued(device.site_id, body.service)
    # Built by the office in the documented shape; re-validating it through the model cost more than
    # the database work of the hot path.
    return JSONResponse(ticket, status_code=201 if created else 200)


@router.get("/tickets/{ticket_id}", response_model=models.Ticket, responses=ERRORS, tags=["staff"])
def ticket(ticket_id: str, request: Request, device: Staff) -> dict[str, Any]:
    return office_of(request, device).ticket(ticket_id)


@router.post(
    "/counters/{counter_id}/call-next",
    response_model=models.Ticket,
    responses={204: {"description": "nobody waits for this counter's services"}, **ERRORS},
    tags=["staff"],
)
def call_next(counter_id: str, request: Request, device: Staff) -> Any:
    ticket = office_of(request, device).call_next(counter_id)
    return Response(status_code=204) if ticket is None else ticket


@router.post("/tickets/{ticket_id}/call", response_model=models.Ticket, responses=ERRORS, tags=["staff"])
def call(ticket_id: str, body: models.CallRequest, request: Request, device: Staff) -> dict[str, Any]:
    return office_of(request, device).call(ticket_id, body.counter)


def _action_route(action: Action) -> None:
    def endpoint(ticket_id: str, request: Request, device: Staff) -> dict[str, Any]:
        return office_of(request, device).act(ticket_id, action)

    endpoint.__name__ = action.value.replace("-", "_")
    router.add_api_route(
        f"/tickets/{{ticket_id}}/{action.value}",
        endpoint,
        methods=["POST"],
        response_model=models.Ticket,
        responses=ERRORS,
        tags=["staff"],
        summary=f"{action.value.replace('-', ' ').capitalize()} a ticket",
    )


for _action in (Action.RECALL, Action.START, Action.FINISH, Action.NO_SHOW, Action.CANCEL):
    _action_route(_action)


@router.post("/tickets/{ticket_id}/transfer", response_model=models.Ticket, responses=ERRORS, tags=["staff"])
def transfer(ticket_id: str, body: models.TransferRequest, request: Request, device: Staff) -> dict[str, Any]:
    return office_of(request, device).transfer(ticket_id, body.service)


@router.post("/scan", response_model=models.Ticket, responses=ERRORS, tags=["staff"])
def scan(body: models.ScanRequest, request: Request, device: Staff) -> dict[str, Any]:
    """Identify a ticket from its QR code: the full URL or the bare token, any case, CR/LF tolerated."""
    return office_of(request, device).scan(body.code, body.counter, list(request.app.state.offices))


@router.get("/counters", response_model=list[models.Counter], responses=ERRORS, tags=["reading"])
def counters(request: Request, device: AnyDevice) -> list[dict[str, Any]]:
    return office_of(request, device).counters()


@router.get("/counters/{counter_id}", response_model=models.Counter, responses=ERRORS, tags=["reading"])
def counter(counter_id: str, request: Request, device: AnyDevice) -> dict[str, Any]:
    return office_of(request, device).counter(counter_id)


@router.post("/counters/{counter_id}/open", response_model=models.Counter, responses=ERRORS, tags=["staff"])
def open_counter(counter_id: str, request: Request, device: Staff) -> dict[str, Any]:
    return office_of(request, device).set_counter_open(counter_id, True)


@router.post("/counters/{counter_id}/close", response_model=models.Counter, responses=ERRORS, tags=["staff"])
def close_counter(counter_id: str, request: Request, device: Staff) -> dict[str, Any]:
    return office_of(request, device).set_counter_open(counter_id, False)


@router.post("/devices/status", response_model=models.DeviceStatus, responses=ERRORS, tags=["devices"])
def report_device_status(body: models.DeviceStatusRequest, request: Request, device: AnyDevice) -> dict[str, Any]:
    """A device reports its health (e.g. a kiosk's printer is out of paper) so staff can see it."""
    return office_of(request, device).report_device_status(device, body.status, body.detail)


@router.get("/devices", response_model=list[models.DeviceStatus], responses=ERRORS, tags=["devices"])
def devices(request: Request, device: Staff) -> list[dict[str, Any]]:
    return office_of(request, device).devices()


@router.get("/status/{token}", response_model=models.TicketStatus, responses=ERRORS, tags=["public"])
def status(token: str, request: Request) -> dict[str, Any]:
    """A ticket's live status for the token in its code; no authentication, nothing personal."""
    return request.app.state.status_of(token)

"""The queue endpoints: services, tickets, staff actions, counters, devices."""

from __future__ import annotations

import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import ValidationError

from server.api import models
from server.api.auth import admits, authenticate, requires
from server.api.errors import CHECK_IN_CONFLICT, ISSUE_CONFLICT, KEYED_UNPROCESSABLE, ApiError, error_responses
from server.office import Office
from server.rules.ticket_rules import Action
from server.storage.token_store import Device
from wartemarke import api_objects as api

router = APIRouter(prefix="/api/v1")

AnyDevice = Annotated[Device, Depends(requires())]
Staff = Annotated[Device, Depends(requires("staff"))]

# The error answers of each kind of route (every one that reads the database may also answer 503).
READ = error_responses(401, 403, 503)
READ_ONE = error_responses(401, 403, 404, 422, 503)
TICKET_ACTION = error_responses(401, 403, 404, 409, 410, 422, 503)


def office_of(request: Request, device: Device) -> Office:
    return request.app.state.offices[device.site_id]


@router.get("/health", response_model=api.Health, responses=error_responses(503), tags=["operations"])
def health(request: Request) -> dict[str, str]:
    """`ok` when the database accepts writes (a full disk or a read-only database is not ok); 503 with
    the reason otherwise. Needs no token; cheap enough to poll every second."""
    problem = request.app.state.write_probe.problem()
    if problem is not None:
        raise ApiError(
            503, "unavailable", f"The database does not accept writes: {problem}", headers={"Retry-After": "5"}
        )
    return {"status": "ok"}


@router.get("/site", response_model=api.Site, responses=READ, tags=["reading"])
def site(request: Request, device: AnyDevice) -> dict[str, Any]:
    return office_of(request, device).reading.site()


@router.get("/services", response_model=list[api.Service], responses=READ, tags=["reading"])
def services(request: Request, device: AnyDevice) -> list[dict[str, Any]]:
    return office_of(request, device).reading.services()


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
    response_model=api.Ticket,
    responses={
        200: {"model": api.Ticket, "description": "the ticket issued before for this Idempotency-Key"},
        **error_responses(
            401, 403, 404, 409, 422, 429, 503, conflict=ISSUE_CONFLICT, unprocessable=KEYED_UNPROCESSABLE
        ),
    },
    tags=["kiosk"],
    openapi_extra=ISSUE_REQUEST_DOCS,
)
@admits("kiosk")
async def issue_ticket(request: Request) -> JSONResponse:
    """Issue a ticket. The same Idempotency-Key again returns the same ticket (200) and uses no quota;
    with another service or language it is refused (422 idempotency_key_reused).

    The busiest endpoint reads the token, body and header itself: FastAPI's parameter machinery
    cost more per request than the server's whole share of issuing the ticket. The checks and the
    error answers are those of the other endpoints.
    """
    device = await authenticate(request, issue_ticket.roles)  # type: ignore[attr-defined]
    try:
        body = models.TicketRequest.model_validate_json(await request.body())
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from None
    key = request.headers.get("idempotency-key")
    if key is not None and not IDEMPOTENCY_KEY.fullmatch(key):
        raise ApiError(422, "validation_error", "Idempotency-Key: use 1 to 128 printable ASCII characters, no spaces.")
    office = office_of(request, device)
    ticket, created = await office.issuing.issue_ticket(body.service, body.language, device.token_id, key)
    if created:
        request.app.state.metrics.ticket_issued(device.site_id, body.service)
    # Built by the office in the documented shape (a test holds it to /openapi.json); re-validating
    # it through the model on every request cost more than the database work of the hot path.
    return JSONResponse(ticket, status_code=201 if created else 200)


@router.get("/tickets/{ticket_id}", response_model=api.Ticket, responses=READ_ONE, tags=["staff"])
def ticket(ticket_id: str, request: Request, device: Staff) -> dict[str, Any]:
    return office_of(request, device).reading.ticket(ticket_id)


@router.post(
    "/counters/{counter_id}/call-next",
    response_model=api.Ticket,
    responses={204: {"description": "nobody waits for this counter's services"}, **READ_ONE},
    tags=["staff"],
)
def call_next(counter_id: str, request: Request, device: Staff) -> Any:
    """Call the most urgent waiting ticket of the counter's services; the counter's previous visitor is done."""
    ticket = office_of(request, device).staff.call_next(counter_id)
    return Response(status_code=204) if ticket is None else ticket


@router.post("/tickets/{ticket_id}/call", response_model=api.Ticket, responses=TICKET_ACTION, tags=["staff"])
def call(ticket_id: str, body: models.CallRequest, request: Request, device: Staff) -> dict[str, Any]:
    """Call this ticket to this counter now (also a no-show who turned up late)."""
    return office_of(request, device).staff.call(ticket_id, body.counter)


def _action_route(action: Action) -> None:
    def endpoint(ticket_id: str, request: Request, device: Staff) -> dict[str, Any]:
        return office_of(request, device).staff.act(ticket_id, action)

    endpoint.__name__ = action.value.replace("-", "_")
    router.add_api_route(
        f"/tickets/{{ticket_id}}/{action.value}",
        endpoint,
        methods=["POST"],
        response_model=api.Ticket,
        responses=TICKET_ACTION,
        tags=["staff"],
        summary=f"{action.value.replace('-', ' ').capitalize()} a ticket",
    )


for _action in (Action.RECALL, Action.START, Action.FINISH, Action.NO_SHOW, Action.CANCEL):
    _action_route(_action)


@router.post("/tickets/{ticket_id}/transfer", response_model=api.Ticket, responses=TICKET_ACTION, tags=["staff"])
def transfer(ticket_id: str, body: models.TransferRequest, request: Request, device: Staff) -> dict[str, Any]:
    """Back to waiting in another service, keeping its number and its place in time."""
    return office_of(request, device).staff.transfer(ticket_id, body.service)


@router.post(
    "/scan",
    response_model=api.Ticket,
    responses=error_responses(400, 401, 403, 404, 409, 410, 422, 503, conflict=CHECK_IN_CONFLICT),
    tags=["staff"],
)
def scan(body: models.ScanRequest, request: Request, device: Staff) -> dict[str, Any]:
    """Identify a ticket from its QR code: the full URL or the bare token, any case, CR/LF tolerated.

    A later slot's code is checked in first (as POST /check-in does) and its ticket answered.
    """
    return office_of(request, device).staff.scan(body.code, body.counter, list(request.app.state.offices))


@router.get("/counters", response_model=list[api.Counter], responses=READ, tags=["reading"])
def counters(request: Request, device: AnyDevice) -> list[dict[str, Any]]:
    return office_of(request, device).counters.all()


@router.get("/counters/{counter_id}", response_model=api.Counter, responses=READ_ONE, tags=["reading"])
def counter(counter_id: str, request: Request, device: AnyDevice) -> dict[str, Any]:
    return office_of(request, device).counters.one(counter_id)


@router.post("/counters/{counter_id}/open", response_model=api.Counter, responses=READ_ONE, tags=["staff"])
def open_counter(counter_id: str, request: Request, device: Staff) -> dict[str, Any]:
    return office_of(request, device).counters.set_open(counter_id, True)


@router.post("/counters/{counter_id}/close", response_model=api.Counter, responses=READ_ONE, tags=["staff"])
def close_counter(counter_id: str, request: Request, device: Staff) -> dict[str, Any]:
    return office_of(request, device).counters.set_open(counter_id, False)


@router.post(
    "/devices/status", response_model=api.DeviceStatus, responses=error_responses(401, 403, 422, 503), tags=["devices"]
)
def report_device_status(body: models.DeviceStatusRequest, request: Request, device: AnyDevice) -> dict[str, Any]:
    """A device reports its health (e.g. a kiosk's printer is out of paper) so staff can see it."""
    return office_of(request, device).devices.report_status(device, body.status, body.detail)


@router.get("/devices", response_model=list[api.DeviceStatus], responses=READ, tags=["devices"])
def devices(request: Request, device: Staff) -> list[dict[str, Any]]:
    return office_of(request, device).devices.statuses()


@router.get(
    "/status/{token}",
    response_model=api.TicketStatus | api.SlotStatus,
    responses=error_responses(400, 404, 410, 422, 503),
    tags=["public"],
)
def status(token: str, request: Request) -> dict[str, Any]:
    """A ticket's live status for the token in its code; no authentication, nothing personal.

    For a later slot's code: its day and window (`kind` "slot"), and once checked in its ticket's status.
    """
    return request.app.state.status_of(token)

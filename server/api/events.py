"""The waiting-room board and the Server-Sent Events stream."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import WithJsonSchema

from server.api.auth import requires
from server.api.errors import error_responses
from server.api.routes import READ, office_of
from server.event_hub import EventHub
from server.storage.token_store import Device
from wartemarke.api_objects import Board

router = APIRouter(prefix="/api/v1", tags=["display"])
# Kiosks (remaining slots), counters (waiting counts) and displays all follow the events; they carry
# numbers, services and counters, nothing about anyone.
Subscriber = Annotated[Device, Depends(requires())]
# A position is a number or left out; the generated schema's "or null" would invite the text "null".
EVENT_ID = WithJsonSchema({"type": "integer", "minimum": 0})


@router.get("/board", response_model=Board, responses=READ)
def board(request: Request, device: Subscriber) -> dict[str, Any]:
    """Recent calls (newest first) and every service's figures."""
    return office_of(request, device).reading.board()


async def sse_stream(hub: EventHub, after_id: int | None) -> AsyncIterator[bytes]:
    # Tell clients how soon to come back, and show we are alive at once. A client that came without
    # a position gets the current one (an id with no data), so that if the connection drops before
    # the first event, it resumes from here and still misses nothing.
    # The log's newest id, read now: the hub's own copy can lag a commit by a moment.
    start = await hub.position() if after_id is None else after_id
    position = f"id: {start}\n" if after_id is None else ""
    yield f"retry: 2000\n{position}: connected\n\n".encode()
    async for event in hub.subscribe(start):
        if event is None:
            yield b": ping\n\n"
        else:
            yield f"id: {event.id}\nevent: {event.name}\ndata: {event.data}\n\n".encode()


@router.get(
    "/events",
    response_class=StreamingResponse,
    responses={
        200: {"content": {"text/event-stream": {}}, "description": "the event stream"},
        **error_responses(401, 403, 422),
    },
)
async def events(
    request: Request,
    device: Subscriber,
    last_event_id: Annotated[int | None, Header(alias="Last-Event-ID", ge=0), EVENT_ID] = None,
    after: Annotated[
        int | None, Query(ge=0, description="like Last-Event-ID, for clients that cannot set headers"), EVENT_ID
    ] = None,
) -> StreamingResponse:
    """Server-Sent Events; with Last-Event-ID (or ?after=) every missed event is sent first."""
    hub: EventHub = request.app.state.hubs[device.site_id]
    start = last_event_id if last_event_id is not None else after
    return StreamingResponse(
        sse_stream(hub, start),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )

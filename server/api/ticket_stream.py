"""`GET /api/v1/status/{token}/events`: one ticket's public status, live, for its phone page.

Behind the same unguessable token as the status itself and nothing else. The first event is the
whole status as it is now (so a page that reconnects, with or without `Last-Event-ID`, misses
nothing: every event carries the whole status); then one whenever it changes, named `call` or
`recall` when staff call the ticket (again). After the visit the last status ends the stream.
Thousands of these are open at once: each costs a small object and a task that listens for the
phone to go away, while the work per event is done once per batch in server/ticket_feed.py.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response, StreamingResponse
from starlette.types import Receive, Scope, Send

from server.api.errors import error_responses
from server.ticket_feed import PhoneStream, TicketFeed

router = APIRouter(prefix="/api/v1", tags=["public"])

#: How long (ms) a browser waits before it reconnects after a dropped connection.
RECONNECT_MS = 2000
STREAM_HEADERS = {
    "Cache-Control": "no-store",
    "X-Accel-Buffering": "no",  # nginx: pass each event on at once
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


class TicketStreamResponse(Response):
    """Writes a PhoneStream's messages as they come, until the visit is over or the phone goes away."""

    media_type = "text/event-stream"

    def __init__(self, feed: TicketFeed, stream: PhoneStream, ticket_id: str) -> None:
        # No body and so no Content-Length: the stream lasts as long as the visit.
        self.status_code = 200
        self.background = None
        self.raw_headers = [
            (b"content-type", b"text/event-stream; charset=utf-8"),
            *((name.lower().encode(), value.encode()) for name, value in STREAM_HEADERS.items()),
        ]
        self._feed = feed
        self._stream = stream
        self._ticket_id = ticket_id

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        stream = self._stream
        # The server only learns that a phone went away by listening for it (a write to a closed
        # connection just vanishes), so one small task per page waits for that.
        gone = asyncio.ensure_future(_disconnect(receive))
        gone.add_done_callback(lambda _: stream.close())
        try:
            await send({"type": "http.response.start", "status": 200, "headers": self.raw_headers})
            opening = f"retry: {RECONNECT_MS}\n: connected\n\n".encode()
            await send({"type": "http.response.body", "body": opening, "more_body": True})
            while True:
                await stream.wait()
                messages, stream.pending = stream.pending, []
                if messages:
                    await send({"type": "http.response.body", "body": b"".join(messages), "more_body": True})
                if stream.closed:
                    break
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        finally:
            gone.cancel()
            self._feed.leave(stream, self._ticket_id)


async def _disconnect(receive: Receive) -> None:
    while (await receive())["type"] != "http.disconnect":
        pass


@router.get(
    "/status/{token}/events",
    # What /openapi.json says of the answer; the answer itself is a TicketStreamResponse.
    response_class=StreamingResponse,
    responses={
        200: {
            "content": {"text/event-stream": {}},
            "description": "events `status`, `call`, `recall` (each with the whole ticket status) and `expired`",
        },
        **error_responses(400, 404, 410, 422, 503),
    },
)
async def ticket_events(token: str, request: Request) -> Any:
    """The ticket's public status as Server-Sent Events: now, then at every change; no token besides the code."""
    site_id, code_key = request.app.state.verify_code(token)
    feed: TicketFeed = request.app.state.feeds[site_id]
    stream, ticket_id = await feed.join(code_key)
    return TicketStreamResponse(feed, stream, ticket_id)

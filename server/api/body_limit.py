"""No request body over MAX_BODY_BYTES: every body of this API is a few hundred bytes, and the issue
path reads its body whole, so a client must not be able to make the server hold megabytes.

A pure ASGI middleware (the event stream is never buffered). Starlette's own body limit answers in
plain text; this one answers 413 `payload_too_large` in the API's JSON shape: at once when the
Content-Length says so, and from the route's error handlers when a chunked body grows too long.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from server.api.errors import MAX_BODY_BYTES

MESSAGE = f"The request body is larger than any request of this API (at most {MAX_BODY_BYTES} bytes)."


class BodyLimit:
    def __init__(self, app: Any, max_bytes: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            answer = JSONResponse({"error": "payload_too_large", "message": MESSAGE}, status_code=413)
            await answer(scope, receive, send)
            return
        received = 0

        async def limited() -> dict[str, Any]:
            nonlocal received
            message = await receive()
            received += len(message.get("body", b""))
            if received > self.max_bytes:
                # An HTTPException, which FastAPI's body parsing passes on (it would turn anything
                # else into a 400 "error parsing the body"); api/errors.py words it.
                raise HTTPException(413, MESSAGE)
            return message

        await self.app(scope, limited, send)

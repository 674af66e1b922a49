"""A request too broken to reach the app (an over-long request line, garbage instead of HTTP) is
answered by uvicorn's HTTP protocol itself, with a plain-text 400. These protocols answer it in the
API's shape instead: `{"error": "bad_request", "message": ...}` as JSON.

uvicorn takes the protocol class as its `http` setting; only `send_400_response` differs. The
class follows uvicorn's own "auto" choice: httptools when installed (uvicorn[standard]), else h11.
"""

from __future__ import annotations

import asyncio
import json

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

BODY = json.dumps(
    {
        "error": "bad_request",
        "message": "This is not an HTTP request the server can read (a request line or header too long or malformed).",
    }
).encode("ascii")
HEADERS = [
    (b"content-type", b"application/json"),
    (b"content-length", str(len(BODY)).encode()),
    (b"connection", b"close"),
]


class JsonErrorH11Protocol(H11Protocol):
    def send_400_response(self, msg: str) -> None:
        self.logger.info("refused a malformed request: %s", msg)
        output = self.conn.send(h11.Response(status_code=400, headers=HEADERS, reason=b"Bad Request"))
        output += self.conn.send(h11.Data(data=BODY))
        output += self.conn.send(h11.EndOfMessage())
        self.transport.write(output)
        self.transport.close()


JsonErrorProtocol: type[asyncio.Protocol]
try:
    from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol
except ImportError:  # pragma: no cover - uvicorn without its [standard] extra
    JsonErrorProtocol = JsonErrorH11Protocol
else:

    class JsonErrorHttpToolsProtocol(HttpToolsProtocol):
        def send_400_response(self, msg: str) -> None:
            self.logger.info("refused a malformed request: %s", msg)
            head = [b"HTTP/1.1 400 Bad Request\r\n"]
            head += [name + b": " + value + b"\r\n" for name, value in self.server_state.default_headers]
            head += [name + b": " + value + b"\r\n" for name, value in HEADERS]
            self.transport.write(b"".join(head) + b"\r\n" + BODY)
            self.transport.close()

    JsonErrorProtocol = JsonErrorHttpToolsProtocol

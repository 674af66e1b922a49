"""A scripted HTTP server for the failures the real server cannot produce on demand.

A test queues replies (`StubServer.reply(...)`); each incoming request takes the next one (the
last repeats) and is recorded, so a test can check what the client sent on every attempt.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests

Reply = Callable[["_Handler"], None]


@dataclass(frozen=True)
class RecordedRequest:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    def json(self) -> object:
        return json.loads(self.body)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    recorded: RecordedRequest

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - stdlib signature
        pass

    def _handle(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        stub = self.server.stub
        self.recorded = RecordedRequest(self.command, self.path, dict(self.headers.items()), body)
        stub.record(self.recorded)
        stub.next_reply()(self)

    do_GET = do_POST = _handle


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    stub: StubServer


class StubServer:
    def __init__(self) -> None:
        self.requests: list[RecordedRequest] = []
        self.stopping = threading.Event()
        self._replies: list[Reply] = []
        self._lock = threading.Lock()
        self._arrived = threading.Condition(self._lock)
        self._server = _Server(("127.0.0.1", 0), _Handler)
        self._server.stub = self
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    def reply(self, *replies: Reply) -> None:
        with self._lock:
            self._replies.extend(replies)

    def record(self, request: RecordedRequest) -> None:
        with self._arrived:
            self.requests.append(request)
            self._arrived.notify_all()

    def next_reply(self) -> Reply:
        with self._lock:
            if not self._replies:
                return json_reply(500, {"error": "no_reply", "message": "the test queued no reply"})
            return self._replies.pop(0) if len(self._replies) > 1 else self._replies[0]

    def wait_for_requests(self, count: int, timeout: float = 10.0) -> list[RecordedRequest]:
        with self._arrived:
            self._arrived.wait_for(lambda: len(self.requests) >= count, timeout)
            return list(self.requests)

    def stop(self) -> None:
        self.stopping.set()
        self._server.shutdown()
        self._server.server_close()


# -- replies -------------------------------------------------------------------------------------


def json_reply(status: int, body: object, headers: dict[str, str] | None = None) -> Reply:
    def send(handler: _Handler) -> None:
        payload = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            handler.send_header(name, value)
        handler.end_headers()
        handler.wfile.write(payload)

    return send


def echo_path_reply(ticket: dict) -> Reply:
    """200 with `ticket` whose id is the request's path, to tell concurrent answers apart."""

    def send(handler: _Handler) -> None:
        json_reply(200, {**ticket, "id": handler.path})(handler)

    return send


def text_reply(status: int, text: str, content_type: str = "text/html") -> Reply:
    def send(handler: _Handler) -> None:
        payload = text.encode()
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("Content-Length", str(len(payload)))
        handler.end_headers()
        handler.wfile.write(payload)

    return send


def empty_reply(status: int = 204) -> Reply:
    def send(handler: _Handler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Length", "0")
        handler.end_headers()

    return send


def drop_connection() -> Reply:
    """Close the connection after reading the request, without a byte of answer."""

    def send(handler: _Handler) -> None:
        handler.close_connection = True
        handler.connection.shutdown(socket.SHUT_RDWR)

    return send


def stall(seconds: float) -> Reply:
    """Say nothing for `seconds` (longer than the client's read timeout), then hang up."""

    def send(handler: _Handler) -> None:
        handler.server.stub.stopping.wait(seconds)
        handler.close_connection = True

    return send


def forward(target_url: str, lose_answer: bool = False) -> Reply:
    """Pass the request on to a real server; with `lose_answer` the server acts but its answer is lost."""

    def send(handler: _Handler) -> None:
        request = handler.recorded
        passed_on = {
            name: value
            for name, value in request.headers.items()
            if name.lower() in ("authorization", "content-type", "idempotency-key", "accept")
        }
        answer = requests.request(
            request.method, target_url + request.path, headers=passed_on, data=request.body, timeout=10
        )
        if lose_answer:
            drop_connection()(handler)
            return
        handler.send_response(answer.status_code)
        handler.send_header("Content-Type", answer.headers.get("Content-Type", "application/json"))
        handler.send_header("Content-Length", str(len(answer.content)))
        handler.end_headers()
        handler.wfile.write(answer.content)

    return send


def event_stream(*pieces: bytes | float, then: str = "end") -> Reply:
    """An SSE answer sent in the given pieces (a float pauses); then "end" it or stay "silent"."""

    def send(handler: _Handler) -> None:
        stub = handler.server.stub
        handler.send_response(200)
        handler.send_header("Content-Type", "text/event-stream")
        handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        try:
            for piece in pieces:
                if isinstance(piece, float):
                    stub.stopping.wait(piece)
                    continue
                handler.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
                handler.wfile.flush()
            if then == "silent":
                stub.stopping.wait()
            else:
                handler.wfile.write(b"0\r\n\r\n")
                handler.wfile.flush()
        except OSError:
            pass  # the client went away, as clients do
        handler.close_connection = True

    return send

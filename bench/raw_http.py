"""A minimal HTTP/1.1 keep-alive client on asyncio streams, for load generation on the same 2 cores.

requests or httpx spend more CPU per request than the server under test; on a 2-core machine
the client would then measure itself. This sends prepared bytes and parses only what it needs.
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from urllib.parse import urlsplit


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> dict:
        return json.loads(self.body)


class HttpConnection:
    """One persistent connection; requests on it are sequential, like one kiosk."""

    def __init__(self, base_url: str) -> None:
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def open(self) -> HttpConnection:
        self._reader, self._writer = await asyncio.open_connection(self.host, self.port, limit=2**20)
        return self

    def close(self) -> None:
        if self._writer is not None:
            self._writer.close()

    def _head(self, method: str, path: str, headers: dict[str, str], body: bytes) -> bytes:
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}", f"Content-Length: {len(body)}"]
        lines += [f"{name}: {value}" for name, value in headers.items()]
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + body

    async def request(
        self, method: str, path: str, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> Response:
        assert self._reader is not None and self._writer is not None, "open() first"
        self._writer.write(self._head(method, path, headers or {}, body))
        status, response_headers = await self._read_head()
        if response_headers.get("transfer-encoding") == "chunked":
            content = b""
            while size := int((await self._reader.readline()).strip(), 16):
                content += await self._reader.readexactly(size)
                await self._reader.readline()
            await self._reader.readline()
        else:
            content = await self._reader.readexactly(int(response_headers.get("content-length", "0")))
        return Response(status, response_headers, content)

    async def _read_head(self) -> tuple[int, dict[str, str]]:
        assert self._reader is not None
        head = (await self._reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
        status = int(head[0].split(" ", 2)[1])
        headers = {}
        for line in head[1:]:
            if line:
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
        return status, headers

    async def stream(self, path: str, headers: dict[str, str]) -> asyncio.StreamReader:
        """Send a GET whose response never ends (SSE); return the reader positioned at the body."""
        assert self._reader is not None and self._writer is not None, "open() first"
        self._writer.write(self._head("GET", path, headers, b""))
        status, _ = await self._read_head()
        if status != 200:
            raise RuntimeError(f"GET {path}: HTTP {status}")
        return self._reader

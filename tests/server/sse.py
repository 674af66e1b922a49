"""The tests' one reader of `GET /api/v1/events`: independent of client/, parsing the stream as API.md specifies.

`SseStream` opens the stream and returns once the server's opening block has arrived (`retry:`,
the position as `id:` when none was given, and the `: connected` comment): from then on the
server delivers every event committed, so a test can act and then read what it caused.
`SseSubscriber` reads one in a background thread, for tests that watch several processes at once.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import TracebackType

import requests


@dataclass(frozen=True)
class SseEvent:
    id: int
    name: str
    data: dict


class SseStream:
    def __init__(self, base_url: str, token: str, last_event_id: int | None = None, timeout: float = 30) -> None:
        self.base_url = base_url
        self._headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
        if last_event_id is not None:
            self._headers["Last-Event-ID"] = str(last_event_id)
        self._timeout = timeout
        self._response: requests.Response | None = None
        self._lines: Iterator[str] = iter(())
        #: The lines of the block the server sends on connect, e.g. ["retry: 2000", "id: 2", ": connected"].
        self.opening: list[str] = []

    def __enter__(self) -> SseStream:
        response = requests.get(
            f"{self.base_url}/api/v1/events", headers=self._headers, stream=True, timeout=(5, self._timeout)
        )
        self._response = response
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/event-stream")
        # chunk_size=None: hand over each HTTP chunk as it arrives (a size would wait for that many bytes).
        self._lines = response.iter_lines(chunk_size=None, decode_unicode=True)
        for line in self._lines:
            if line == "":
                break
            self.opening.append(line)
        assert ": connected" in self.opening, f"no opening comment from {self.base_url}: {self.opening}"
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._response is not None:
            self._response.close()

    def events(self) -> Iterator[SseEvent]:
        """Every event as it arrives; comments (heartbeats) are skipped."""
        fields: dict[str, str] = {}
        for line in self._lines:
            if line == "":
                if "data" in fields:
                    yield SseEvent(int(fields["id"]), fields["event"], json.loads(fields["data"]))
                fields = {}
            elif not line.startswith(":"):
                key, _, value = line.partition(":")
                fields[key] = value.removeprefix(" ")

    def take(self, count: int) -> list[SseEvent]:
        """The next `count` events (fewer only if the server ends the stream)."""
        found: list[SseEvent] = []
        if count == 0:
            return found
        for event in self.events():
            found.append(event)
            if len(found) == count:
                break
        return found


def read_events(
    url: str, token: str, count: int, last_event_id: int | None = None, timeout: float = 15
) -> list[SseEvent]:
    """Connect, read `count` events, disconnect."""
    with SseStream(url, token, last_event_id, timeout) as stream:
        return stream.take(count)


class SseSubscriber:
    """A display's view of one server process: reads its stream from event 0 in a daemon thread."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url
        self._stream = SseStream(base_url, token, last_event_id=0, timeout=60)
        self.events: list[SseEvent] = []
        self.error: BaseException | None = None
        self._changed = threading.Condition()
        self._connected = threading.Event()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name=f"sse {base_url}")

    def start(self, timeout: float = 10.0) -> SseSubscriber:
        """Returns once the server has sent its opening block."""
        self._thread.start()
        if not self._connected.wait(timeout) or self.error is not None:
            raise AssertionError(f"no SSE stream from {self.base_url} within {timeout} s: {self.error!r}")
        return self

    def _run(self) -> None:
        try:
            with self._stream as stream:
                self._connected.set()
                for event in stream.events():
                    if self._closed.is_set():
                        return
                    with self._changed:
                        self.events.append(event)
                        self._changed.notify_all()
        except BaseException as exc:  # noqa: BLE001 - reported by start and wait_for
            self.error = exc
        finally:
            self._connected.set()
            with self._changed:
                self._changed.notify_all()

    def wait_for(self, found: Callable[[list[SseEvent]], bool], timeout: float = 15.0) -> list[SseEvent]:
        """Block until `found(events so far)` holds; fail with what did arrive otherwise."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not found(self.events):
                remaining = deadline - time.monotonic()
                if remaining <= 0 or not self._thread.is_alive():
                    names = [(e.id, e.name) for e in self.events]
                    raise AssertionError(f"{self.base_url}: expected event not received; got {names}; {self.error!r}")
                self._changed.wait(remaining)
            return list(self.events)

    def close(self) -> None:
        """Stop at the next line (the next heartbeat at the latest); closing the socket from here would block."""
        self._closed.set()

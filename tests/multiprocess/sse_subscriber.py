"""A display's view of one server process: a background SSE reader that remembers every event."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import requests


@dataclass(frozen=True)
class ReceivedEvent:
    id: int
    name: str
    data: dict


class SseSubscriber:
    """Reads `GET /api/v1/events` of one process in a daemon thread (from event 0, so nothing is missed)."""

    def __init__(self, base_url: str, token: str) -> None:
        self.base_url = base_url
        self._headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream", "Last-Event-ID": "0"}
        self.events: list[ReceivedEvent] = []
        self.error: BaseException | None = None
        self._changed = threading.Condition()
        self._connected = threading.Event()
        self._closed = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name=f"sse {base_url}")

    def start(self, timeout: float = 10.0) -> SseSubscriber:
        self._thread.start()
        if not self._connected.wait(timeout):
            raise AssertionError(f"no SSE stream from {self.base_url} within {timeout} s: {self.error!r}")
        return self

    def _run(self) -> None:
        try:
            with requests.get(
                f"{self.base_url}/api/v1/events", headers=self._headers, stream=True, timeout=(5, 60)
            ) as response:
                response.raise_for_status()
                fields: dict[str, str] = {}
                # chunk_size=None: hand over each HTTP chunk as it arrives (a size would wait for that many bytes).
                for line in response.iter_lines(chunk_size=None, decode_unicode=True):
                    self._connected.set()
                    if self._closed.is_set():
                        return
                    if line == "":
                        if "data" in fields:
                            event = ReceivedEvent(int(fields["id"]), fields["event"], json.loads(fields["data"]))
                            with self._changed:
                                self.events.append(event)
                                self._changed.notify_all()
                        fields = {}
                    elif not line.startswith(":"):
                        key, _, value = line.partition(":")
                        fields[key] = value.removeprefix(" ")
        except BaseException as exc:  # noqa: BLE001 - reported by wait_for
            self.error = exc
        finally:
            self._connected.set()
            with self._changed:
                self._changed.notify_all()

    def wait_for(self, found: Callable[[list[ReceivedEvent]], bool], timeout: float = 15.0) -> list[ReceivedEvent]:
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

"""The client tests' one reader of the event stream: `EventStream.events()` in a daemon thread, as
the apps run it, with what it yields, the states it reports and how it ended, for a test to wait on."""

from __future__ import annotations

import queue
import threading

from client import Event, EventStream
from client.backoff import Backoff


class StreamReader:
    """Reads `url`'s event stream until `stop()`; `wait` is how long a test waits for what should come."""

    def __init__(self, url: str, token: str | None = "display-token", wait: float = 10.0, **options: object) -> None:
        options = {"backoff": Backoff(initial=0.01, maximum=0.05), **options}
        self.wait = wait
        self.events: queue.Queue[Event] = queue.Queue()
        #: Every connection state the stream reported, in order.
        self.states: list[bool] = []
        self._new_states: queue.Queue[bool] = queue.Queue()
        self.error: BaseException | None = None
        self.stream = EventStream(url, token, on_state=self._state, **options)
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _state(self, connected: bool) -> None:
        self.states.append(connected)
        self._new_states.put(connected)

    def _run(self) -> None:
        try:
            for event in self.stream.events():
                self.events.put(event)
        except BaseException as exc:  # handed to the test
            self.error = exc

    def take(self, count: int) -> list[Event]:
        return [self.events.get(timeout=self.wait) for _ in range(count)]

    def next_named(self, name: str) -> Event:
        while (event := self.events.get(timeout=self.wait)).name != name:
            pass
        return event

    def next_state(self) -> bool:
        return self._new_states.get(timeout=self.wait)

    def stop(self) -> None:
        self.stream.close()
        self.thread.join(self.wait)
        assert not self.thread.is_alive(), "close() did not end events()"

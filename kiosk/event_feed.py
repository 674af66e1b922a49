"""Server events (remaining slots, waits) into the controller, live, without polling.

The EventStream blocks and reconnects by itself, so it runs in a daemon thread; each event is
handed to the UI thread with Clock.schedule_once.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from kivy.clock import Clock

log = logging.getLogger(__name__)


class EventFeed:
    def __init__(self, base_url: str, token: str, on_event: Callable[[str, dict], None]) -> None:
        self.base_url = base_url
        self.token = token
        self.on_event = on_event
        self._stream = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._read, name="kiosk-events", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        from client import EventStream
        from client.errors import ApiError

        self._stream = EventStream(self.base_url, self.token)
        try:
            for event in self._stream.events():
                Clock.schedule_once(lambda _dt, e=event: self.on_event(e.name, e.data), 0)
        except ApiError as error:
            log.warning("no live events (%s); slot counts are refreshed every few seconds instead", error)
        except Exception:  # noqa: BLE001 - a dead feed must not take the kiosk down; polling remains
            log.exception("event stream ended")

    def close(self) -> None:
        if self._stream is not None:
            self._stream.close()

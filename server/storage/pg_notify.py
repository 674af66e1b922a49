"""PostgreSQL LISTEN/NOTIFY: wakes every process's event hubs when any process commits events.

The notification carries nothing; the hubs read the event log, which stays the one truth. A lost
notification only delays delivery until the next poll.
"""

from __future__ import annotations

import logging
import threading

log = logging.getLogger("wartemarke.events")
CHANNEL = "wartemarke_events"


class NotifyListener:
    def __init__(self, url: str, hubs: list) -> None:  # type: ignore[type-arg]
        self._url = url.replace("postgresql+psycopg://", "postgresql://")
        self._hubs = hubs
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="pg-listen", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        import psycopg

        while not self._stop.is_set():
            try:
                with psycopg.connect(self._url, autocommit=True) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    while not self._stop.is_set():
                        for _ in connection.notifies(timeout=1.0, stop_after=1):
                            for hub in self._hubs:
                                hub.notify_threadsafe()
            except Exception as exc:  # server restart: reconnect; the hubs' poll covers the gap
                log.warning("LISTEN connection lost (%s); reconnecting", exc)
                self._stop.wait(1.0)

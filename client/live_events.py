"""`LiveEvents`: the server's event stream read in an app's own lane for as long as the app runs.

Every app follows the server's events the same way. The `EventStream` loop runs in the lane
"events" of the app's `Lanes` (`wartemarke.ui_thread`), so it never blocks the UI thread and never
waits behind a job of another lane. Each event and each change of the connection is handed to the
app's callbacks in that lane; they pass it on (to the UI thread, or to another lane). When the
server refuses the stream for good — an `ApiError` from `events()`, e.g. a token it does not know —
`on_refused` runs on the UI thread, and the app keeps its screen current by asking instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from client.errors import ApiError
from client.event import Event
from client.event_stream import EventStream
from wartemarke.ui_thread import Lanes, Outcome

log = logging.getLogger(__name__)

LANE = "events"


class LiveEvents:
    """Follows `GET /api/v1/events` in the lane "events"; `on_event`/`on_state` are called in that lane."""

    def __init__(
        self,
        lanes: Lanes,
        base_url: str,
        token: str | None,
        *,
        on_event: Callable[[Event], None],
        on_state: Callable[[bool], None] | None = None,
        on_refused: Callable[[ApiError], None] = lambda error: None,
        stream_factory: Callable[..., EventStream] = EventStream,
    ) -> None:
        self._lanes = lanes
        self._on_event = on_event
        self._on_refused = on_refused
        self._stream = stream_factory(base_url, token, on_state=on_state)
        #: The refusal that ended the stream (the UI thread sets it): a person must fix the token.
        self.refused: ApiError | None = None

    @property
    def connected(self) -> bool:
        return self._stream.connected

    @property
    def last_event_id(self) -> int | None:
        return self._stream.last_event_id

    def start(self) -> None:
        self._lanes.run(LANE, self._read, self._ended)

    def close(self) -> None:
        """End the stream from any thread (a blocked read is woken)."""
        self._stream.close()

    def _read(self) -> None:
        for event in self._stream.events():
            self._on_event(event)

    def _ended(self, outcome: Outcome[None]) -> None:
        error = outcome.error
        if isinstance(error, ApiError):
            log.warning("the server refused its live events: %s", error.message)
            self.refused = error
            self._on_refused(error)
        elif error is not None:
            log.error("live events ended by a fault", exc_info=error)

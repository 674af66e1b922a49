"""Server events and board snapshots, fetched in a background thread, handed to the board in order.

Why a snapshot on every (re)connect: `Last-Event-ID` replays what the event log still holds, but a
display that starts fresh has no id, and a log may have been trimmed. `GET /api/v1/board` is cheap
and authoritative, so each time the stream comes up the board is reloaded first (in the reading
thread, before the replay is read) and the replay then only adds what the snapshot already
reflects — `Board` treats the overlap as no-ops.

The UI thread drains `items` whenever `notify` (e.g. a Kivy Clock trigger) fires, so all board
changes happen in one thread and never under a lock held by the network.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from client import Event, EventStream, QueueClient
from client.errors import ApiError
from display.board import Announcement, Board

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StreamState:
    connected: bool


@dataclass(frozen=True)
class Snapshot:
    board: dict[str, Any]


@dataclass(frozen=True)
class SiteInfo:
    """`GET /api/v1/site`: the languages to cycle through and the time zone of the clock."""

    site: dict[str, Any]


FeedItem = StreamState | Snapshot | SiteInfo | Event


def apply_items(board: Board, items: list[FeedItem]) -> list[Announcement]:
    """Apply a batch in order; announce only calls that still stand at the end of the batch.

    A replay after a long drop may hold "N 17 called to 5" and, two events later, "N 17 transferred":
    the room must not be sent to counter 5 for a call that is already over.
    """
    announcements: list[Announcement] = []
    for item in items:
        if isinstance(item, StreamState):
            board.set_connected(item.connected)
        elif isinstance(item, Snapshot):
            announcements += board.load_snapshot(item.board)
        elif isinstance(item, Event):
            announcements += board.apply(item)
    standing = {(c.number, c.counter) for c in board.calls}
    return [a for a in announcements if (a.number, a.counter) in standing]


class LiveFeed:
    """Keeps a display's board fed from the server, forever, in one daemon thread."""

    def __init__(
        self,
        client: QueueClient,
        *,
        notify: Callable[[], None] = lambda: None,
        stream_factory: Callable[..., EventStream] = EventStream,
    ) -> None:
        self._client = client
        self._notify = notify
        self.items: queue.Queue[FeedItem] = queue.Queue()
        self._stream = stream_factory(client.base_url, client.token, on_state=self._on_state)
        self._thread = threading.Thread(target=self._run, name="display-feed", daemon=True)
        #: Set when the server refuses the token: a person has to fix the config, retrying won't.
        self.fatal: ApiError | None = None
        self._site_known = False

    def start(self) -> None:
        self._thread.start()

    def close(self, timeout: float | None = 5.0) -> None:
        self._stream.close()
        self._thread.join(timeout)

    def drain(self) -> list[FeedItem]:
        """Everything received since the last drain, in order (UI thread)."""
        items: list[FeedItem] = []
        while True:
            try:
                items.append(self.items.get_nowait())
            except queue.Empty:
                return items

    @property
    def last_event_id(self) -> int | None:
        return self._stream.last_event_id

    def _put(self, item: FeedItem) -> None:
        self.items.put(item)
        self._notify()

    def _on_state(self, connected: bool) -> None:
        if connected:
            self._reload()
        self._put(StreamState(connected))

    def _reload(self) -> None:
        try:
            if not self._site_known:
                self._put(SiteInfo(self._client.site()))
                self._site_known = True
            self._put(Snapshot(self._client.board()))
        except ApiError as exc:
            # The replay still brings the events; the next reconnect tries the snapshot again.
            log.warning("display: board reload failed: %s", exc.message)

    def _run(self) -> None:
        try:
            for event in self._stream.events():
                self._put(event)
        except ApiError as exc:
            self.fatal = exc
            log.error(
                "display: the server refused the event stream (%s) — check the token file, then restart", exc.message
            )
            self._put(StreamState(False))

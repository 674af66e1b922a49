"""Server events and board snapshots, fetched in a background thread, handed to the board in order.

Why a snapshot on every (re)connect: `Last-Event-ID` replays what the event log still holds, but a
display that starts fresh has no id, and a log may have been trimmed. `GET /api/v1/board` is cheap
and authoritative, so each time the stream comes up the board is reloaded first (in the reading
thread, before the replay is read) and the replay then only adds what the snapshot already
reflects — `Board` treats the overlap as no-ops.

Everything the feed brings reaches the UI thread in batches (`wartemarke.ui_thread.Batches`): all
that arrived since the last delivery, in order. So all board changes happen in one thread, never
under a lock held by the network, and a replay after a long drop is judged as a whole.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from client import Event, EventStream, QueueClient
from client.errors import ApiError
from client.live_events import LiveEvents
from display.board import Announcement, Board
from wartemarke import api_objects as api
from wartemarke.ui_thread import Batches, Lanes

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class StreamState:
    connected: bool


@dataclass(frozen=True)
class Snapshot:
    board: api.Board


@dataclass(frozen=True)
class SiteInfo:
    """`GET /api/v1/site`: the languages to cycle through and the time zone of the clock."""

    site: api.Site


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
    """Keeps a display's board fed from the server, forever, in the lane "events" of `lanes`.

    `deliver(items)` gets the feed's items on the UI thread, a batch at a time.
    """

    def __init__(
        self,
        client: QueueClient,
        lanes: Lanes,
        deliver: Callable[[list[FeedItem]], None],
        *,
        stream_factory: Callable[..., EventStream] = EventStream,
    ) -> None:
        self._client = client
        self._items: Batches[FeedItem] = Batches(lanes.ui, deliver)
        self._events = LiveEvents(
            lanes,
            client.base_url,
            client.token,
            on_event=self._put,
            on_state=self._on_state,
            on_refused=self._refused,
            stream_factory=stream_factory,
        )
        self._site_known = False

    @property
    def fatal(self) -> ApiError | None:
        """Set when the server refuses the token: a person has to fix the config, retrying won't."""
        return self._events.refused

    @property
    def last_event_id(self) -> int | None:
        return self._events.last_event_id

    def start(self) -> None:
        self._events.start()

    def close(self) -> None:
        self._events.close()

    def _put(self, item: FeedItem) -> None:
        self._items.put(item)

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

    def _refused(self, error: ApiError) -> None:
        log.error(
            "display: the server refused the event stream (%s) — check the token file, then restart", error.message
        )
        self._put(StreamState(False))

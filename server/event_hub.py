"""Fan-out of the event log to Server-Sent-Event subscribers.

The database's event log is the truth; the hub only makes reading it cheap. One task per site
reads new rows once (woken by this process's commits, by PostgreSQL NOTIFY when available, and by
a short poll for other processes' commits) and keeps the recent ones in memory, so 500 subscribers
cost one query, not 500. A subscriber that is further behind than the memory reaches reads from
the database, so a display that reconnects after an hour still gets every call it missed.
"""

from __future__ import annotations

import asyncio
import bisect
import logging
from collections import deque
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

from anyio import to_thread

log = logging.getLogger("wartemarke.events")

HEARTBEAT_SECONDS = 10.0
BUFFER_SIZE = 5000
MIN_READ_INTERVAL = 0.01


@dataclass(frozen=True)
class StoredEvent:
    id: int
    name: str
    data: str  # the JSON text as stored


class EventHub:
    def __init__(
        self,
        read_after: Callable[[int, int], list[tuple[int, str, str]]],
        last_id: int,
        poll_seconds: float,
        read_newest_id: Callable[[], int],
    ) -> None:
        self._read_after = read_after
        self._read_newest_id = read_newest_id
        self._subscribers = 0
        #: How often the hub woke to look at the log (a commit, NOTIFY or the poll), reading or not.
        self.wakeups = 0
        # Set when commits went unread because nobody was subscribed (see _run).
        self._unread = False
        self._poll_seconds = poll_seconds
        self._buffer: deque[StoredEvent] = deque()
        self._ids: deque[int] = deque()
        self._floor = last_id  # every event with floor < id <= last_id is in the buffer
        self.last_id = last_id
        self._new = asyncio.Event()
        self._wakeup = asyncio.Event()
        # One reader of the log at a time, or two would append the same rows to the buffer.
        self._fetching = asyncio.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None

    # -- producer side

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._task = self._loop.create_task(self._run())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass

    def notify_threadsafe(self) -> None:
        """Called after a commit, from any thread: new events may be in the log."""
        if self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._wakeup.set)

    async def _run(self) -> None:
        while True:
            try:
                await asyncio.wait_for(self._wakeup.wait(), timeout=self._poll_seconds)
            except TimeoutError:
                pass
            self._wakeup.clear()
            self.wakeups += 1
            if self._subscribers == 0:
                # Nobody to tell: read nothing now. The next subscriber starts the buffer at the
                # log's end (_fetch); anyone resuming from further back reads the log itself.
                self._unread = True
                continue
            try:
                await self._fetch()
            except Exception:  # the database may be restarting; the next round catches up
                log.exception("reading the event log failed")
                await asyncio.sleep(1.0)
            # Under load commits come back to back (and, with several processes, each process is
            # woken by every one): one read per short interval takes them all, instead of one read
            # per commit. A lone commit is still read at once.
            await asyncio.sleep(MIN_READ_INTERVAL)

    async def position(self) -> int:
        """The id of the newest event in the log, read now.

        `last_id` can lag a commit by a moment (this process's own commit reaches the hub through the
        event loop, another process's through NOTIFY), so a client told "you are at last_id" right
        after its own change could be told a position before that change.
        """
        await self._fetch()
        return self.last_id

    async def _fetch(self) -> None:
        async with self._fetching:
            if self._unread:
                self._unread = False
                newest = await to_thread.run_sync(self._read_newest_id)
                if newest > self.last_id:
                    self._buffer.clear()
                    self._ids.clear()
                    self._floor = self.last_id = newest
            await self._fetch_unlocked()

    async def _fetch_unlocked(self) -> None:
        while True:
            rows = await to_thread.run_sync(self._read_after, self.last_id, 1000)
            if not rows:
                return
            for event_id, name, data in rows:
                self._buffer.append(StoredEvent(event_id, name, data))
                self._ids.append(event_id)
                if len(self._buffer) > BUFFER_SIZE:
                    self._buffer.popleft()
                    self._floor = self._ids.popleft()
            self.last_id = rows[-1][0]
            new, self._new = self._new, asyncio.Event()
            new.set()
            if len(rows) < 1000:
                return

    # -- subscriber side

    @property
    def subscribers(self) -> int:
        """Streams following the log now."""
        return self._subscribers

    def _buffered_after(self, cursor: int) -> list[StoredEvent] | None:
        if cursor < self._floor:
            return None
        start = bisect.bisect_right(self._ids, cursor)
        return [self._buffer[i] for i in range(start, len(self._buffer))]

    async def subscribe(self, after_id: int | None) -> AsyncIterator[StoredEvent | None]:
        """Events after `after_id` (None: only new ones), then live ones; None means "send a heartbeat"."""
        self._subscribers += 1
        try:
            if self._unread:
                await self._fetch()
            async for event in self._follow(after_id):
                yield event
        finally:
            self._subscribers -= 1

    async def _follow(self, after_id: int | None) -> AsyncIterator[StoredEvent | None]:
        cursor = self.last_id if after_id is None or after_id > self.last_id else after_id
        while True:
            batch = self._buffered_after(cursor)
            if batch is None:
                rows = await to_thread.run_sync(self._read_after, cursor, 1000)
                batch = [StoredEvent(*row) for row in rows]
            if batch:
                for event in batch:
                    yield event
                cursor = batch[-1].id
                continue
            waiter = self._new
            try:
                await asyncio.wait_for(waiter.wait(), timeout=HEARTBEAT_SECONDS)
            except TimeoutError:
                yield None

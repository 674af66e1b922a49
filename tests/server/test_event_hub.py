"""The event hub against an in-memory log: what a screen that subscribes, leaves and comes back sees."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from server.event_hub import EventHub


class Log:
    """The event log as the hub reads it, counting the reads."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, str, str]] = []
        self.reads = 0

    def append(self, count: int) -> None:
        for _ in range(count):
            event_id = len(self.rows) + 1
            self.rows.append((event_id, "ticket.issued", f'{{"n":{event_id}}}'))

    def after(self, after_id: int, limit: int) -> list[tuple[int, str, str]]:
        self.reads += 1
        return [row for row in self.rows if row[0] > after_id][:limit]

    def newest(self) -> int:
        self.reads += 1
        return self.rows[-1][0] if self.rows else 0


async def until(condition: Callable[[], bool], timeout: float = 5.0) -> None:
    """Let the event loop run until `condition` holds."""
    async with asyncio.timeout(timeout):
        while not condition():
            await asyncio.sleep(0.001)


async def take(hub: EventHub, after_id: int | None, count: int) -> list[int]:
    ids: list[int] = []
    async for event in hub.subscribe(after_id):
        if event is not None:
            ids.append(event.id)
        if len(ids) == count:
            break
    return ids


def test_with_nobody_subscribed_commits_cost_no_reads_and_a_returning_screen_misses_nothing():
    log = Log()
    log.append(3)

    async def scenario() -> tuple[int, list[int], list[int]]:
        hub = EventHub(log.after, 3, poll_seconds=60, read_newest_id=log.newest)
        hub.start()
        reads_before = log.reads
        for _ in range(5):  # busy office, no screen connected to this process
            log.append(2)
            woken = hub.wakeups
            hub.notify_threadsafe()
            await until(lambda woken=woken: hub.wakeups > woken)  # the hub looked, with nobody to read for
        idle_reads = log.reads - reads_before
        # A screen that saw event 3 comes back: every event since, in order, once.
        resumed = await asyncio.wait_for(take(hub, 3, 10), 5)
        # A new screen asks where the log is now, then hears only what comes next.
        position = await hub.position()
        follower = asyncio.ensure_future(take(hub, position, 2))
        await until(lambda: hub.subscribers == 1)
        log.append(2)
        hub.notify_threadsafe()
        fresh = await asyncio.wait_for(follower, 5)
        await hub.stop()
        return idle_reads, resumed, [position, *fresh]

    idle_reads, resumed, fresh = asyncio.run(scenario())
    assert idle_reads == 0
    assert resumed == list(range(4, 14))
    assert fresh == [13, 14, 15]


def test_a_subscribed_screen_gets_each_commit_in_order():
    log = Log()

    async def scenario() -> list[int]:
        hub = EventHub(log.after, 0, poll_seconds=60, read_newest_id=log.newest)
        hub.start()
        screen = asyncio.ensure_future(take(hub, None, 6))
        # Counted means positioned: nothing went unread before, so it starts at the log's end at once.
        await until(lambda: hub.subscribers == 1)
        for commit in range(1, 4):
            log.append(2)
            hub.notify_threadsafe()
            await until(lambda commit=commit: hub.last_id == 2 * commit)  # each commit read on its own
        ids = await asyncio.wait_for(screen, 5)
        await hub.stop()
        return ids

    assert asyncio.run(scenario()) == [1, 2, 3, 4, 5, 6]

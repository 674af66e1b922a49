"""Each phone page's own ticket, live: one computation of the queue per batch of events, then cheap pushes.

Thousands of phones may follow their tickets on one server process, and every call moves every
waiting ticket of its service one place. Asking the database for each page on each call would be
thousands of queries per call. Instead one task per site follows the event hub like any other
subscriber and, for each batch of events that arrived meanwhile, reads once what changed: the waiting
queue of the services the events touched (one ordered query gives every place), the rows of the
watched tickets the events named, and the rows of newly connected pages' tickets. It then builds
each affected ticket's public status once (the same projection as `GET /status/{token}`) and hands
the encoded message to that ticket's pages, only when it changed. Batches follow one another, so a
burst of calls, or of pages reconnecting after a restart, costs a few computations, not one each.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Connection, and_, case, select

from server.clock import to_db
from server.event_hub import EventHub, StoredEvent
from server.long_lived import LongLived
from server.office.day_snapshot import DaySnapshot
from server.office.site_queue import SiteQueue
from server.rules.errors import Expired, NotFound, QueueError
from server.rules.ticket_rules import TicketStatus
from server.storage.schema import tickets

log = logging.getLogger("wartemarke.phones")

HEARTBEAT_SECONDS = 15.0
#: After the visit: a browser that reconnects all the same waits this long (ms) before it tries.
FINAL_RETRY_MS = 24 * 3600 * 1000
#: A visit is over in these states; the page stops listening. A no-show may still be called later.
FINAL_STATES = frozenset({TicketStatus.DONE, TicketStatus.CANCELLED})
#: Statuses built between two turns of the event loop (requests and the pages' writers go in between).
CHUNK = 250
#: Up to this many new pages of one queue in a batch, each place is counted alone; more read the queue.
FEW = 20
_ANNOUNCING = {"ticket.called": "call", "ticket.recalled": "recall"}
#: What a public status is made of (Views.public_status), and what tells a ticket and its day: reading
#: no more than these keeps a batch of thousands of waiting tickets cheap.
_COLUMNS = (
    tickets.c.id,
    tickets.c.code_key,
    tickets.c.day,
    tickets.c.service_id,
    tickets.c.issued_service_id,
    tickets.c.number,
    tickets.c.language,
    tickets.c.status,
    tickets.c.counter_id,
    tickets.c.called_at,
    tickets.c.slot_window_start,
    tickets.c.slot_window_end,
)
# An event, not a comment: a page's script sees it, and so can tell a silently dead connection.
PING = b"event: ping\ndata: {}\n\n"


class PhoneStream:
    """One connected page: the messages waiting to be written, and a way to wake its writer."""

    __slots__ = ("pending", "closed", "_wake", "_loop")

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.pending: list[bytes] = []
        self.closed = False
        self._loop = loop
        self._wake: asyncio.Future[None] | None = None

    def push(self, message: bytes, final: bool = False) -> None:
        self.pending.append(message)
        if final:
            self.closed = True
        self._set()

    def close(self) -> None:
        self.closed = True
        self._set()

    async def wait(self) -> None:
        """Until there is something to write or the stream is over."""
        if self.pending or self.closed:
            return
        self._wake = self._loop.create_future()
        await self._wake

    def _set(self) -> None:
        if self._wake is not None and not self._wake.done():
            self._wake.set_result(None)


@dataclass
class _Watched:
    """A ticket that at least one page follows."""

    ticket_id: str
    service_id: str
    data: str = ""  # its public status as last sent, JSON
    streams: set[PhoneStream] = field(default_factory=set)


@dataclass
class _Batch:
    """What one computation reads, and what it found."""

    new_keys: set[str]
    ticket_ids: set[str]
    service_ids: set[str]
    day: date | None = None
    #: ticket id -> (its service now, its public status), for the new pages' tickets.
    statuses: dict[str, tuple[str, dict[str, Any]]] = field(default_factory=dict)
    #: code key -> ticket id, for the new pages' tickets that exist today.
    admitted: dict[str, str] = field(default_factory=dict)
    #: code key -> why a new page's ticket cannot be followed (unknown here, or of an earlier day).
    refused: dict[str, QueueError] = field(default_factory=dict)
    #: ticket id -> people ahead, for new pages' waiting tickets whose queue was not read whole.
    ahead: dict[str, int] = field(default_factory=dict)
    #: watched tickets of an earlier service day (the day changed while their pages were open).
    expired: set[str] = field(default_factory=set)


class TicketFeed:
    """The phone streams of one site in one process."""

    def __init__(self, queue: SiteQueue, hub: EventHub) -> None:
        self._queue = queue
        self._hub = hub
        self._watched: dict[str, _Watched] = {}  # ticket id ->
        self._joining: dict[str, list[tuple[PhoneStream, asyncio.Future[str]]]] = {}  # code key ->
        self._events: list[StoredEvent] = []
        self._position = 0
        self._dirty = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._day = queue.today()
        self._long_lived = LongLived()
        #: Batches computed so far (the benchmark reports it next to the pages it served).
        self.batches = 0

    @property
    def streams(self) -> int:
        """Pages connected now."""
        return sum(len(w.streams) for w in self._watched.values())

    async def join(self, code_key: str) -> tuple[PhoneStream, str]:
        """A new page for the ticket with this (verified) code key, and the ticket's id.

        Waits for the next batch, which reads the ticket with everything else: NotFound or Expired
        when it has no ticket today.
        """
        loop = asyncio.get_running_loop()
        stream = PhoneStream(loop)
        admitted: asyncio.Future[str] = loop.create_future()
        self._joining.setdefault(code_key, []).append((stream, admitted))
        self._dirty.set()
        if self._task is None or self._task.done():
            self._task = loop.create_task(self._run())
        try:
            ticket_id = await admitted
        except BaseException:
            stream.close()
            raise
        return stream, ticket_id

    def leave(self, stream: PhoneStream, ticket_id: str) -> None:
        stream.close()
        watched = self._watched.get(ticket_id)
        if watched is not None:
            watched.streams.discard(stream)
            if not watched.streams:
                del self._watched[ticket_id]
                self._dirty.set()  # the task ends when nobody is left

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass

    # -- the one task per site

    async def _run(self) -> None:
        # While no page is open the task ends, and the hub need not read the log for it.
        self._position = await self._hub.position()
        follower = asyncio.get_running_loop().create_task(self._follow(self._position))
        next_heartbeat = time.monotonic() + HEARTBEAT_SECONDS
        try:
            while self._watched or self._joining:
                try:
                    await asyncio.wait_for(self._dirty.wait(), timeout=max(next_heartbeat - time.monotonic(), 0.01))
                except TimeoutError:
                    pass
                self._dirty.clear()
                if self._events or self._joining or self._queue.today() != self._day:
                    try:
                        await self._compute_and_push()
                    except Exception:  # the database may be restarting: pages keep what they have
                        log.exception("updating the phone pages failed")
                        await asyncio.sleep(1.0)
                        self._dirty.set()
                if time.monotonic() >= next_heartbeat:
                    # Keeps proxies from closing a quiet stream, and tells the page that its connection still lives.
                    for watched in self._watched.values():
                        for stream in watched.streams:
                            stream.push(PING)
                    next_heartbeat = time.monotonic() + HEARTBEAT_SECONDS
        finally:
            follower.cancel()

    async def _follow(self, after: int) -> None:
        async for event in self._hub.subscribe(after):
            if event is not None:
                self._events.append(event)
                self._dirty.set()

    async def _compute_and_push(self) -> None:
        events, self._events = self._events, []
        joining, self._joining = self._joining, {}
        try:
            await self._compute_and_push_these(events, joining)
        except BaseException as exc:
            # New pages hear why (503 when the database does not answer); the events are read again.
            self._events = events + self._events
            for waiting_pages in joining.values():
                for _, admitted in waiting_pages:
                    if not admitted.done():
                        admitted.set_exception(exc)
            raise

    async def _compute_and_push_these(
        self, events: list[StoredEvent], joining: dict[str, list[tuple[PhoneStream, asyncio.Future[str]]]]
    ) -> None:
        batch, announced = self._batch_of(events, set(joining))
        snap, rows, waiting = self._read(batch)
        self.batches += 1
        self._day = snap.day
        new_ids = set(batch.admitted.values())
        statuses = self._statuses(snap, rows, waiting, batch.service_ids, batch.ahead)
        for done, (ticket_id, service_id, status) in enumerate(statuses, 1):
            if ticket_id in new_ids:
                batch.statuses[ticket_id] = (service_id, status)
            watched = self._watched.get(ticket_id)
            if watched is not None:
                self._publish(watched, service_id, status, announced.get(ticket_id))
            if done % CHUNK == 0:
                await asyncio.sleep(0)  # let requests and the pages' writers in between
        self._admit(joining, batch)
        self._long_lived.after_batch(self.streams)
        expired = f"id: {self._position}\nretry: {FINAL_RETRY_MS}\nevent: expired\ndata: {{}}\n\n".encode()
        for ticket_id in batch.expired:
            watched = self._watched.pop(ticket_id, None)
            for stream in watched.streams if watched else ():
                stream.push(expired, final=True)

    def _batch_of(self, events: list[StoredEvent], new_keys: set[str]) -> tuple[_Batch, dict[str, str]]:
        """What to read for these events and new pages; and which watched tickets were called or recalled."""
        announced: dict[str, str] = {}
        ticket_ids: set[str] = set()
        service_ids: set[str] = set()
        for event in events:
            self._position = max(self._position, event.id)
            if not (event.name.startswith("ticket.") or event.name == "service.updated"):
                continue
            data = json.loads(event.data)
            if event.name == "service.updated":
                service_ids.add(data["id"])
                continue
            service_ids.add(data["service"])
            if data["id"] in self._watched:
                ticket_ids.add(data["id"])
                if event.name in _ANNOUNCING:
                    announced[data["id"]] = _ANNOUNCING[event.name]
        if self._queue.today() != self._day:  # a new service day: look at every ticket again
            ticket_ids |= set(self._watched)
        # A waiting ticket moves when its service's queue changes; any other only by its own events.
        followed = {w.service_id for w in self._watched.values()}
        return _Batch(new_keys, ticket_ids, service_ids & followed), announced

    def _admit(self, joining: dict[str, list[tuple[PhoneStream, asyncio.Future[str]]]], batch: _Batch) -> None:
        for code_key, waiting in joining.items():
            ticket_id = batch.admitted.get(code_key)
            for stream, admitted in waiting:
                if admitted.done():  # the page went away while waiting
                    continue
                if ticket_id is None:
                    admitted.set_exception(batch.refused[code_key])
                    continue
                service_id, status = batch.statuses[ticket_id]
                watched = self._watched.setdefault(ticket_id, _Watched(ticket_id, service_id))
                watched.data = watched.data or self._data(status)
                # Every page starts with the whole status as it is now, reconnecting ones too.
                stream.push(self._message("status", status), final=status["status"] in FINAL_STATES)
                if status["status"] not in FINAL_STATES:
                    watched.streams.add(stream)
                admitted.set_result(ticket_id)
            if ticket_id is not None and not self._watched[ticket_id].streams:
                del self._watched[ticket_id]

    def _publish(self, watched: _Watched, service_id: str, status: dict[str, Any], announced: str | None) -> None:
        data = self._data(status)
        if announced is None and data == watched.data:
            return
        watched.data = data
        watched.service_id = service_id
        final = status["status"] in FINAL_STATES
        message = self._message(announced or "status", status, data)
        for stream in watched.streams:
            stream.push(message, final=final)
        if final:
            del self._watched[watched.ticket_id]

    @staticmethod
    def _data(status: dict[str, Any]) -> str:
        return json.dumps(status, ensure_ascii=False, separators=(",", ":"))

    def _message(self, name: str, status: dict[str, Any], data: str | None = None) -> bytes:
        # After the visit a browser that reconnects anyway (its script did not run) waits a day first.
        retry = f"retry: {FINAL_RETRY_MS}\n" if status["status"] in FINAL_STATES else ""
        return f"id: {self._position}\n{retry}event: {name}\ndata: {data or self._data(status)}\n\n".encode()

    # -- the reading

    def _read(self, batch: _Batch) -> tuple[DaySnapshot, list[Any], list[Any]]:
        """(the day's figures, the rows of new pages' and named tickets, the touched queues in order).

        On the event loop's own thread, although it blocks it for the few milliseconds of the
        queries: the database driver lets go of the interpreter for every row it steps through, and a
        worker thread then waits for it again behind the loop's writes to thousands of pages, row
        after row, for seconds.
        """
        queue = self._queue
        with queue.transactions.reading() as connection:
            snap = queue.snapshot(connection)
            rows = self._rows(connection, tickets.c.code_key.in_(batch.new_keys)) if batch.new_keys else []
            for row in rows:
                if row.day == snap.day:
                    batch.admitted[row.code_key] = row.id
                else:
                    batch.refused[row.code_key] = Expired(
                        f"Ticket {row.number} was for {row.day.isoformat()}; it is no longer valid today.",
                        number=row.number,
                        day=row.day,
                    )
            for code_key in batch.new_keys - batch.admitted.keys() - batch.refused.keys():
                batch.refused[code_key] = NotFound("This ticket is not known at this office.")
            rows = [row for row in rows if row.day == snap.day]
            if batch.ticket_ids:
                for row in self._rows(connection, tickets.c.id.in_(batch.ticket_ids)):
                    if row.day == snap.day:
                        rows.append(row)
                    else:
                        batch.expired.add(row.id)
            # A queue the events changed is read whole. A new page's place in another queue is counted
            # alone, unless many pages of that queue joined at once (as after a restart).
            services = set(batch.service_ids)
            joined = Counter(row.service_id for row in rows if row.status == TicketStatus.WAITING)
            services |= {service_id for service_id, count in joined.items() if count > FEW}
            for row in rows:
                if row.status == TicketStatus.WAITING and row.service_id not in services:
                    batch.ahead[row.id] = queue.people_ahead(connection, row)
            waiting = self._waiting(connection, snap.day, services) if services else []
        return snap, rows, waiting

    def _statuses(
        self, snap: DaySnapshot, rows: list[Any], waiting: list[Any], changed: set[str], counted: dict[str, int]
    ) -> Iterator[tuple[str, str, dict[str, Any]]]:
        """(ticket id, its service, its public status) of the new and named tickets, and of every watched
        ticket waiting in a service whose queue changed."""
        views, config = self._queue.views, self._queue.config
        named = {row.id for row in rows}
        placed = set()
        service_id, ahead, waits, moved = "", 0, None, False
        for row in waiting:  # queue by queue, in order: each ticket's place is the count so far
            if row.service_id != service_id:
                service_id, ahead = row.service_id, 0
                service = config.service(service_id)
                waits = snap.waits(service_id) if service else None
                # Read for new pages only: the places of the others did not change.
                moved = service_id in changed
            if row.id in named or (moved and row.id in self._watched):
                placed.add(row.id)
                yield row.id, service_id, views.public_status(row, (ahead, waits(ahead) if waits else None))
            ahead += 1
        for row in rows:
            if row.id in placed:
                continue
            service = config.service(row.service_id)
            if row.id in counted and service is not None:
                people_ahead = counted[row.id]
                place = (people_ahead, snap.wait(service.id, people_ahead))
                yield row.id, row.service_id, views.public_status(row, place)
            else:
                yield row.id, row.service_id, views.public_status(row)

    def _rows(self, connection: Connection, condition: Any) -> list[Any]:
        # With what SiteQueue.people_ahead needs to count a place.
        columns = (*_COLUMNS, tickets.c.site_id, tickets.c.queued_at, tickets.c.sequence)
        return list(connection.execute(select(*columns).where(tickets.c.site_id == self._queue.site.id, condition)))

    def _waiting(self, connection: Connection, day: date, service_ids: Iterable[str]) -> list[Any]:
        """The waiting tickets of these services in queue order (the order `people_ahead` counts in, see
        server/rules/calling.queue_order): checked-in later slots whose window has begun first, by window."""
        due = and_(tickets.c.slot_window_start.is_not(None), tickets.c.slot_window_start <= to_db(self._queue.clock()))
        return list(
            connection.execute(
                select(*_COLUMNS)
                .where(
                    tickets.c.site_id == self._queue.site.id,
                    tickets.c.day == day,
                    tickets.c.status == TicketStatus.WAITING,
                    tickets.c.service_id.in_(service_ids),
                )
                .order_by(
                    tickets.c.service_id,
                    case((due, 0), else_=1),
                    case((due, tickets.c.slot_window_start), else_=tickets.c.queued_at),
                    tickets.c.queued_at,
                    tickets.c.sequence,
                )
            )
        )

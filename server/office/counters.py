"""The counters (staff desks): which are open, and whom each serves now.

An open counter is what the wait estimate divides by, so opening or closing one re-announces the
figures of its services.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, insert, select, update

from server.clock import to_db
from server.config import Counter
from server.office.site_queue import SiteQueue
from server.rules.ticket_rules import TicketStatus
from server.storage.schema import counter_states, tickets


class Counters:
    def __init__(self, queue: SiteQueue) -> None:
        self._queue = queue

    def all(self) -> list[dict[str, Any]]:
        with self._queue.transactions.reading() as connection:
            return [self._counter(connection, c) for c in self._queue.config.counters]

    def one(self, counter_id: str) -> dict[str, Any]:
        counter = self._queue.counter(counter_id)
        with self._queue.transactions.reading() as connection:
            return self._counter(connection, counter)

    def set_open(self, counter_id: str, is_open: bool) -> dict[str, Any]:
        queue = self._queue
        counter = queue.counter(counter_id)
        with queue.transactions.writing() as connection:
            now = to_db(queue.clock())
            changed = connection.execute(
                update(counter_states)
                .where(counter_states.c.site_id == queue.site.id, counter_states.c.counter_id == counter.id)
                .values(open=is_open, changed_at=now)
            ).rowcount
            if not changed:
                connection.execute(
                    insert(counter_states).values(
                        site_id=queue.site.id, counter_id=counter.id, open=is_open, changed_at=now
                    )
                )
            queue.announce_services(connection, set(counter.services))
            return self._counter(connection, counter)

    def _counter(self, connection: Connection, counter: Counter) -> dict[str, Any]:
        queue = self._queue
        snap = queue.snapshot(connection)
        current = connection.execute(
            select(tickets)
            .where(
                tickets.c.site_id == queue.site.id,
                tickets.c.day == snap.day,
                tickets.c.counter_id == counter.id,
                tickets.c.status.in_([TicketStatus.CALLED, TicketStatus.SERVING]),
            )
            .order_by(tickets.c.called_at.desc())
        ).first()
        return queue.views.counter(counter, snap, current)

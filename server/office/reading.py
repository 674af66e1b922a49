"""What kiosks, displays, counters and phones read: services with today's figures, a ticket, the board,
and a ticket's public status. Reads never wait for a writer.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from server.office.site_queue import SiteQueue
from server.office.views import TicketRow
from server.storage.schema import tickets


class Reading:
    def __init__(self, queue: SiteQueue) -> None:
        self._queue = queue

    def site(self) -> dict[str, Any]:
        return self._queue.views.site_info()

    def services(self) -> list[dict[str, Any]]:
        queue = self._queue
        with queue.transactions.reading() as connection:
            snap = queue.snapshot(connection)
            return [queue.views.service(snap, s) for s in queue.config.services]

    def ticket(self, ticket_id: str) -> dict[str, Any]:
        with self._queue.transactions.reading() as connection:
            return self._queue.answer(connection, self._queue.ticket_row(connection, ticket_id))

    def board(self, limit: int = 10) -> dict[str, Any]:
        """Today's recent calls, newest first, and every service's figures."""
        queue = self._queue
        with queue.transactions.reading() as connection:
            snap = queue.snapshot(connection)
            rows = connection.execute(
                select(tickets)
                .where(tickets.c.site_id == queue.site.id, tickets.c.day == snap.day, tickets.c.called_at.is_not(None))
                .order_by(tickets.c.called_at.desc(), tickets.c.sequence.desc())
                .limit(limit)
            ).all()
            return {
                "calls": [queue.views.call(row) for row in rows],
                "services": [queue.views.service(snap, s) for s in queue.config.services],
            }

    def status(self, code: str) -> dict[str, Any]:
        """What the phone page shows for a code: for a ticket nothing but number, status, place, wait and
        counter; for a later slot its day and window, and once checked in its ticket's status."""
        queue = self._queue
        with queue.transactions.reading() as connection:
            owner = queue.code_owner(connection, code, [queue.site.id])
            if owner.ticket is not None:
                return self._ticket_status(connection, queue.todays(owner.ticket))
            slot = owner.slot
            assert slot is not None
            if slot.ticket_id is None:
                return queue.slot_views.public_status(slot, queue.clock(), None)
            row = queue.ticket_row(connection, slot.ticket_id)
            return queue.slot_views.public_status(
                slot, queue.clock(), self._ticket_status(connection, row), queue.views.status_url(row.code_token)
            )

    def _ticket_status(self, connection: Connection, row: TicketRow) -> dict[str, Any]:
        views = self._queue.views
        if not views.needs_place(row):
            return views.public_status(row)
        place = views.place(row, self._queue.snapshot(connection), self._queue.people_ahead(connection, row))
        return views.public_status(row, place)

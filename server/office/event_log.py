"""The event log: every change appends its events in its own transaction; displays read them back in order.

The log in the database is the truth that every server process and every reconnecting client reads
(server/event_hub.py fans it out); ids increase strictly per database.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, Literal

from sqlalchemy import Connection, bindparam, func, insert, select

from server.clock import Clock, to_db
from server.office.transactions import Transactions
from server.storage.schema import events

EventName = Literal[
    "ticket.issued",
    "ticket.called",
    "ticket.recalled",
    "ticket.updated",
    "service.updated",
    "device.updated",
    "slot.booked",
    "slot.checked_in",
    "slot.updated",
    "office.steered",
]

# Built once: SQLAlchemy then finds their compiled form by identity (the issue path appends every batch).
_EVENTS_AFTER = (
    select(events.c.id, events.c.name, events.c.data)
    .where(events.c.site_id == bindparam("b_site"), events.c.id > bindparam("b_after"))
    .order_by(events.c.id)
    .limit(bindparam("b_limit"))
)
_INSERT_EVENTS = insert(events)


class EventLog:
    def __init__(self, transactions: Transactions, clock: Clock) -> None:
        self._transactions = transactions
        self._site_id = transactions.site_id
        self._clock = clock

    def append(self, connection: Connection, name: EventName, data: dict[str, Any]) -> None:
        self.append_many(connection, [(name, data)])

    def append_many(self, connection: Connection, batch: Sequence[tuple[EventName, dict[str, Any]]]) -> None:
        created_at = to_db(self._clock())
        connection.execute(
            _INSERT_EVENTS,
            [
                {
                    "site_id": self._site_id,
                    "name": name,
                    "data": json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                    "created_at": created_at,
                }
                for name, data in batch
            ],
        )

    def after(self, after_id: int, limit: int = 1000) -> list[tuple[int, str, str]]:
        """(id, name, JSON text) of the events after `after_id`, oldest first."""
        with self._transactions.reading() as connection:
            rows = connection.execute(
                _EVENTS_AFTER, {"b_site": self._site_id, "b_after": after_id, "b_limit": limit}
            ).all()
            return [(row.id, row.name, row.data) for row in rows]

    def newest_id(self) -> int:
        with self._transactions.reading() as connection:
            return connection.execute(
                select(func.coalesce(func.max(events.c.id), 0)).where(events.c.site_id == self._site_id)
            ).scalar_one()

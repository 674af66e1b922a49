"""Who steered what, and when: every change made in the console, kept in the event log.

An entry is an `office.steered` event ({"by", "role", "action", "target", "detail", "at"}), written
right after the change it records, so the console's steering log and anyone replaying the event
log see the same history. It names the token the change was made with, never a visitor.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select

from server.clock import from_db
from server.office.site_queue import SiteQueue
from server.storage.schema import events

EVENT = "office.steered"


class SteeringLog:
    def __init__(self, queue: SiteQueue) -> None:
        self._queue = queue

    def record(self, by: str, role: str, action: str, target: str, detail: str = "") -> None:
        queue = self._queue
        with queue.transactions.writing() as connection:
            entry = {
                "by": by,
                "role": role,
                "action": action,
                "target": target,
                "detail": detail,
                "at": queue.clock().astimezone(queue.site.zone).isoformat(),
            }
            queue.events.append(connection, EVENT, entry)

    def recent(self, limit: int = 30) -> list[dict[str, Any]]:
        """The newest entries first."""
        queue = self._queue
        with queue.transactions.reading() as connection:
            rows = connection.execute(
                select(events.c.data, events.c.created_at)
                .where(events.c.site_id == queue.site.id, events.c.name == EVENT)
                .order_by(events.c.id.desc())
                .limit(limit)
            ).all()
        entries = []
        for row in rows:
            entry = json.loads(row.data)
            entry["at"] = from_db(row.created_at).astimezone(queue.site.zone)
            entries.append(entry)
        return entries

"""The office's results: what happened to a service day's tickets, per service."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from server.office.site_queue import SiteQueue
from server.rules.ticket_rules import TicketStatus
from server.storage.schema import tickets


class Reports:
    def __init__(self, queue: SiteQueue) -> None:
        self._queue = queue

    def day_report(self, day: date | None = None) -> list[dict[str, Any]]:
        """Per service: issued, served, no-shows, cancelled, still waiting, average wait (minutes)."""
        queue = self._queue
        with queue.transactions.reading() as connection:
            day = day or queue.today()
            rows = connection.execute(
                select(tickets.c.issued_service_id, tickets.c.status, tickets.c.issued_at, tickets.c.called_at).where(
                    tickets.c.site_id == queue.site.id, tickets.c.day == day
                )
            ).all()
        report = []
        for service in queue.config.services:
            mine = [r for r in rows if r.issued_service_id == service.id]
            waits = [(r.called_at - r.issued_at).total_seconds() / 60 for r in mine if r.called_at]
            report.append(
                {
                    "service": service.id,
                    "issued": len(mine),
                    "done": sum(r.status == TicketStatus.DONE for r in mine),
                    "no_show": sum(r.status == TicketStatus.NO_SHOW for r in mine),
                    "cancelled": sum(r.status == TicketStatus.CANCELLED for r in mine),
                    "waiting": sum(r.status == TicketStatus.WAITING for r in mine),
                    "average_wait_min": round(sum(waits) / len(waits), 1) if waits else None,
                }
            )
        return report

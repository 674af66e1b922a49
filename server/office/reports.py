"""The office's results: what happened to a service day's tickets, per service.

A report is a table: one line per service, one column per figure. Each `Column` says what it
counts, and the report prints that above the table, so nobody has to guess whether a transferred
ticket counts where it was drawn or where it was served. The demand the office could not meet
(server/office/demand.py: everyone turned away, by reason, and the later slots booked) is part of
the same table. A new figure is a new `Column` and a value under its key in each line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from server.office.demand import Demand
from server.office.partner_results import PartnerOutcomes, PartnerResults
from server.office.site_queue import SiteQueue
from server.rules.ticket_rules import TicketStatus
from server.storage.schema import tickets


@dataclass(frozen=True)
class Column:
    #: The figure's key in a report line.
    key: str
    #: One word (no spaces) over the column.
    heading: str
    #: What the column counts, for the report's header.
    counts: str


COLUMNS: tuple[Column, ...] = (
    Column("issued", "issued", "tickets drawn for the service at a kiosk (what its quota counts)"),
    Column("from_slot", "from-slot", "tickets of later slots checked in that day (numbered alike, no quota used)"),
    Column("moved_out", "moved-out", "of those (and of the checked-in slots), transferred by staff to another service"),
    Column("moved_in", "moved-in", "tickets drawn for another service and transferred here"),
    Column("done", "done", "visits finished here"),
    Column("no_show", "no-show", "called here but did not come"),
    Column("cancelled", "cancelled", "cancelled while in this service"),
    Column("waiting", "waiting", "still waiting in this service"),
    Column("at_counter", "at-counter", "called or being served here right now"),
    Column("average_wait_min", "wait-min", "average minutes from drawing the ticket to its last call, for calls here"),
    Column("quota_exhausted", "quota-gone", "turned away: asked for a ticket when the day's quota was used up"),
    Column("service_closed", "closed", "turned away: asked for a ticket outside the hours, or switched off"),
    Column("rate_limited", "too-fast", "turned away: the kiosk drew tickets faster than the site allows"),
    Column("no_later_slots", "no-slot", "turned away: asked for a later slot when every coming window was booked"),
    Column("later_slots_booked", "slots-booked", "guaranteed later slots booked that day, for a coming day"),
    Column("partner_slots", "by-partners", "of those, booked by counselling partners for visitors they accompany"),
)


@dataclass(frozen=True)
class DayReport:
    day: date
    site_name: str
    columns: tuple[Column, ...]
    #: One line per configured service: "service" (id), "name" (in the office's language) and each column's key.
    lines: list[dict[str, Any]]
    #: Per counselling partner (site config order): what became of its slots for this day.
    partners: list[PartnerOutcomes] = field(default_factory=list)


class Reports:
    def __init__(self, queue: SiteQueue, demand: Demand, partners: PartnerResults) -> None:
        self._queue = queue
        self._demand = demand
        self._partners = partners

    def day_report(self, day: date | None = None) -> DayReport:
        """Per service, for `day` (default: today's service day): see COLUMNS for what each figure counts."""
        queue = self._queue
        with queue.transactions.reading() as connection:
            day = day or queue.today()
            rows = connection.execute(
                select(
                    tickets.c.issued_service_id,
                    tickets.c.service_id,
                    tickets.c.status,
                    tickets.c.issued_at,
                    tickets.c.called_at,
                    tickets.c.slot_window_start,
                ).where(tickets.c.site_id == queue.site.id, tickets.c.day == day)
            ).all()
        demand = self._demand.day(day)
        by_partners = self._partners.booked_on(day)
        office_language = queue.site.languages[0]
        lines = [
            {
                "service": service.id,
                "name": service.name(office_language),
                **_figures(service.id, rows),
                **demand.get(service.id, {}),
                "partner_slots": sum(n for (_, s), n in by_partners.items() if s == service.id),
            }
            for service in queue.config.services
        ]
        partners = self._partners.outcomes(day, day)
        return DayReport(day=day, site_name=queue.site.name, columns=COLUMNS, lines=lines, partners=partners)


def _figures(service_id: str, rows: Sequence[Any]) -> dict[str, Any]:
    drawn = [r for r in rows if r.issued_service_id == service_id and r.slot_window_start is None]
    checked_in = [r for r in rows if r.issued_service_id == service_id and r.slot_window_start is not None]
    # A transferred ticket belongs to the service it is in now: where it was served or ended.
    here = [r for r in rows if r.service_id == service_id]
    waits = [(r.called_at - r.issued_at).total_seconds() / 60 for r in here if r.called_at]
    return {
        "issued": len(drawn),
        "from_slot": len(checked_in),
        "moved_out": sum(r.service_id != service_id for r in drawn + checked_in),
        "moved_in": sum(r.issued_service_id != service_id for r in here),
        "done": sum(r.status == TicketStatus.DONE for r in here),
        "no_show": sum(r.status == TicketStatus.NO_SHOW for r in here),
        "cancelled": sum(r.status == TicketStatus.CANCELLED for r in here),
        "waiting": sum(r.status == TicketStatus.WAITING for r in here),
        "at_counter": sum(r.status in (TicketStatus.CALLED, TicketStatus.SERVING) for r in here),
        "average_wait_min": round(sum(waits) / len(waits), 1) if waits else None,
    }

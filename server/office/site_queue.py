"""One site's queue as stored: its configuration, clock, storage and the lookups every part of the office shares.

The parts (issuing, staff actions, reading, counters, devices, settings, reports) each hold one
SiteQueue and nothing else of each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Connection, Row, and_, func, or_, select

from server.clock import Clock, to_db
from server.config import Counter, Service, SiteConfig
from server.office.day_snapshot import DaySnapshot, WaitInputs, read_snapshot
from server.office.event_log import EventLog
from server.office.slot_calendar import SlotCalendar
from server.office.slot_views import SlotViews
from server.office.transactions import Transactions
from server.office.views import TicketRow, Views
from server.rules.errors import Expired, NotFound
from server.rules.service_day import service_day
from server.rules.ticket_codes import verify_token
from server.rules.ticket_rules import TicketStatus
from server.storage.engine import Engines
from server.storage.schema import later_slots, tickets


@dataclass(frozen=True)
class CodeOwner:
    """What a genuine code of this office belongs to: a ticket or a later slot (exactly one is set)."""

    ticket: Row[Any] | None = None
    slot: Row[Any] | None = None


class SiteQueue:
    def __init__(self, config: SiteConfig, engines: Engines, clock: Clock, signing_key: bytes) -> None:
        self.config = config
        self.site = config.site
        self.clock = clock
        self.signing_key = signing_key
        self.wait_inputs = WaitInputs(config, engines, clock)
        self.transactions = Transactions(engines, config.site.id, forget_wait_inputs=self.wait_inputs.forget)
        self.events = EventLog(self.transactions, clock)
        self.views = Views(config)
        self.calendar = SlotCalendar(config, engines, clock)
        self.slot_views = SlotViews(config, self.views)

    # -- configuration

    def service(self, service_id: str) -> Service:
        service = self.config.service(service_id)
        if service is None:
            known = ", ".join(s.id for s in self.config.services)
            raise NotFound(f"There is no service {service_id!r} here (known: {known}).")
        return service

    def counter(self, counter_id: str) -> Counter:
        counter = self.config.counter(counter_id)
        if counter is None:
            known = ", ".join(c.id for c in self.config.counters) or "none configured"
            raise NotFound(f"There is no counter {counter_id!r} here (known: {known}).")
        return counter

    def today(self) -> date:
        return service_day(self.clock(), self.site)

    # -- stored figures and tickets

    def snapshot(self, connection: Connection) -> DaySnapshot:
        snap = read_snapshot(connection, self.site.id, self.clock(), self.wait_inputs)
        snap.closed = self.calendar.closed_dates(connection)
        self.calendar.offer_later_slots(connection, snap)
        return snap

    def ticket_row(self, connection: Connection, ticket_id: str) -> Row[Any]:
        row = connection.execute(
            select(tickets).where(tickets.c.id == ticket_id, tickets.c.site_id == self.site.id)
        ).first()
        if row is None:
            raise NotFound(f"There is no ticket with id {ticket_id!r}.")
        return row

    def code_owner(self, connection: Connection, code: str, sites: list[str]) -> CodeOwner:
        """The ticket or later slot of a scanned or typed code, if genuine and of this office.

        Tickets and later slots carry codes of one kind (a signed status URL), so a scanner, a
        phone and the status page need not know which paper they read.
        """
        _, code_key = verify_token(self.signing_key, sites, code)
        row = connection.execute(select(tickets).where(tickets.c.code_key == code_key)).first()
        if row is not None and row.site_id == self.site.id:
            return CodeOwner(ticket=row)
        slot = connection.execute(select(later_slots).where(later_slots.c.code_key == code_key)).first()
        if slot is not None and slot.site_id == self.site.id:
            return CodeOwner(slot=slot)
        # Genuine signature but no such ticket: its database was reset, or another site's.
        raise NotFound("This ticket is not known at this office.")

    def todays(self, row: Row[Any]) -> Row[Any]:
        """The ticket named by its code, if it is of today; Expired otherwise."""
        if row.day != self.today():
            raise Expired(
                f"Ticket {row.number} was for {row.day.isoformat()}; it is no longer valid today.",
                number=row.number,
                day=row.day,
            )
        return row

    def people_ahead(self, connection: Connection, row: TicketRow) -> int:
        """Waiting tickets called before this one, in the order of server/rules/calling.queue_order."""
        now = to_db(self.clock())
        queued_earlier = or_(
            tickets.c.queued_at < row.queued_at,
            and_(tickets.c.queued_at == row.queued_at, tickets.c.sequence < row.sequence),
        )
        due = and_(tickets.c.slot_window_start.is_not(None), tickets.c.slot_window_start <= now)
        mine = row.slot_window_start
        if mine is not None and mine <= now:
            # A due slot ticket: behind the due ones of earlier windows only.
            ahead = and_(
                due,
                or_(tickets.c.slot_window_start < mine, and_(tickets.c.slot_window_start == mine, queued_earlier)),
            )
        else:
            ahead = or_(due, queued_earlier)
        return connection.execute(
            select(func.count()).where(
                tickets.c.site_id == row.site_id,
                tickets.c.day == row.day,
                tickets.c.service_id == row.service_id,
                tickets.c.status == TicketStatus.WAITING,
                ahead,
            )
        ).scalar_one()

    def answer(self, connection: Connection, row: TicketRow, snap: DaySnapshot | None = None) -> dict[str, Any]:
        """The full ticket, reading its place in the queue when it has one."""
        if not self.views.needs_place(row):
            return self.views.ticket(row, snap)
        return self.views.ticket(row, snap or self.snapshot(connection), self.people_ahead(connection, row))

    def announce_services(self, connection: Connection, service_ids: set[str]) -> None:
        """A service.updated event, with the figures as they are now, for each of these services."""
        snap = self.snapshot(connection)
        for service in self.config.services:
            if service.id in service_ids:
                self.events.append(connection, "service.updated", self.views.service(snap, service))

"""One site's queue as stored: its configuration, clock, storage and the lookups every part of the office shares.

The parts (issuing, staff actions, reading, counters, devices, settings, reports) each hold one
SiteQueue and nothing else of each other.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, Row, and_, func, or_, select

from server.clock import Clock
from server.config import Counter, Service, SiteConfig
from server.office.day_snapshot import DaySnapshot, WaitInputs, read_snapshot
from server.office.event_log import EventLog
from server.office.transactions import Transactions
from server.office.views import TicketRow, Views
from server.rules.errors import Expired, NotFound
from server.rules.service_day import service_day
from server.rules.ticket_codes import verify_token
from server.rules.ticket_rules import TicketStatus
from server.storage.engine import Engines
from server.storage.schema import tickets


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
        return read_snapshot(connection, self.site.id, self.clock(), self.wait_inputs)

    def ticket_row(self, connection: Connection, ticket_id: str) -> Row[Any]:
        row = connection.execute(
            select(tickets).where(tickets.c.id == ticket_id, tickets.c.site_id == self.site.id)
        ).first()
        if row is None:
            raise NotFound(f"There is no ticket with id {ticket_id!r}.")
        return row

    def ticket_row_by_code(self, connection: Connection, code: str, sites: list[str]) -> Row[Any]:
        """The ticket of a scanned or typed code, if genuine, of this office, and of today."""
        _, code_key = verify_token(self.signing_key, sites, code)
        row = connection.execute(select(tickets).where(tickets.c.code_key == code_key)).first()
        if row is None or row.site_id != self.site.id:
            # Genuine signature but no such ticket: its database was reset, or another site's.
            raise NotFound("This ticket is not known at this office.")
        if row.day != self.today():
            raise Expired(
                f"Ticket {row.number} was for {row.day.isoformat()}; it is no longer valid today.",
                number=row.number,
                day=row.day,
            )
        return row

    def people_ahead(self, connection: Connection, row: TicketRow) -> int:
        return connection.execute(
            select(func.count()).where(
                tickets.c.site_id == row.site_id,
                tickets.c.day == row.day,
                tickets.c.service_id == row.service_id,
                tickets.c.status == TicketStatus.WAITING,
                or_(
                    tickets.c.queued_at < row.queued_at,
                    and_(tickets.c.queued_at == row.queued_at, tickets.c.sequence < row.sequence),
                ),
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

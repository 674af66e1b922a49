"""One office's queue: the rules of server/ applied against storage.

Every change is one database transaction that also appends its events to the event log, so a
ticket, its number, the quota it used and the events announcing it exist together or not at all.
The HTTP layer (server/api) is a thin shell around these methods.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from server.calling import QueuedTicket, choose_next
from server.clock import Clock, from_db, to_db
from server.config import Counter, Service, SiteConfig
from server.problems import Problem
from server.service_day import availability, next_opening, service_day
from server.storage.engine import Engines
from server.storage.schema import (
    counter_states,
    device_statuses,
    device_tokens,
    events,
    service_days,
    service_settings,
    tickets,
)
from server.ticket_codes import InvalidCode, new_token, verify_token
from server.ticket_rules import Action, InvalidTransition, TicketStatus, format_number, next_status
from server.wait_estimate import WaitEstimate, estimate_wait, learned_service_minutes

# A counter that called someone recently is serving, even if its app never said "open".
RECENT_ACTIVITY = timedelta(minutes=30)
RATE_WINDOW = timedelta(seconds=60)
WAIT_INPUTS_SECONDS = 2.0
DEVICE_STATUSES = ("ok", "paper_near_end", "paper_out", "cover_open", "offline", "error")


@dataclass
class DaySnapshot:
    """What the wait estimates and service objects of one moment are computed from."""

    now: datetime
    day: date
    issued: dict[str, tuple[int, int | None]] = field(default_factory=dict)  # service -> (issued, quota)
    waiting: dict[str, int] = field(default_factory=dict)
    enabled: dict[str, bool] = field(default_factory=dict)
    open_counters: set[str] = field(default_factory=set)
    observed_minutes: dict[str, list[float]] = field(default_factory=dict)


class Office:
    def __init__(
        self,
        config: SiteConfig,
        engines: Engines,
        clock: Clock,
        signing_key: bytes,
        on_commit: Callable[[], None] = lambda: None,
    ) -> None:
        self.config = config
        self.site = config.site
        self.engines = engines
        self.clock = clock
        self.signing_key = signing_key
        self.on_commit = on_commit
        # SQLite allows one writer; queueing writers here is fair and fast, where SQLite's busy
        # handler would make them sleep and retry. Other processes still meet the file lock.
        self._write_lock = threading.Lock() if engines.is_sqlite else None
        self._priorities = {s.id: s.priority for s in config.services}
        self._wait_inputs_cache: tuple[float, date, set[str], dict[str, list[float]]] | None = None

    # ------------------------------------------------------------------ transactions

    @contextmanager
    def _writing(self, serialise_at_start: bool = True, keeps_wait_inputs: bool = False) -> Iterator[Connection]:
        """A write transaction; on PostgreSQL one caller may take the site lock later (see _issue)."""
        if self._write_lock is not None:
            self._write_lock.acquire()
        try:
            with self.engines.write.begin() as connection:
                if serialise_at_start and connection.dialect.name == "postgresql":
                    self._serialise_site_writers(connection)
                yield connection
        finally:
            if self._write_lock is not None:
                self._write_lock.release()
            if not keeps_wait_inputs:
                self._wait_inputs_cache = None
        self.on_commit()

    def _serialise_site_writers(self, connection: Connection) -> None:
        """PostgreSQL: give one site's writers, in every process, what BEGIN IMMEDIATE gives SQLite.

        Writers of several processes would otherwise run side by side at READ COMMITTED: two
        counters pressing call-next at once would both pick the head of the queue, and event ids
        could become visible out of order (a subscriber that has read id 8 would never see a 7
        committed a moment later). A transaction-scoped lock per site, taken first, rules out both
        and cannot deadlock with row locks. (Not `connection.info`: that outlives the transaction.)
        """
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext(%(site)s))", {"site": self.site.id})
        # Delivered only at commit: wakes the event hubs of every server process (LISTEN in pg_notify).
        connection.exec_driver_sql("SELECT pg_notify('wartemarke_events', '')")

    def _emit(self, connection: Connection, name: str, data: dict[str, Any]) -> None:
        self._emit_many(connection, [(name, data)])

    def _emit_many(self, connection: Connection, batch: list[tuple[str, dict[str, Any]]]) -> None:
        created_at = to_db(self.clock())
        connection.execute(
            insert(events),
            [
                {
                    "site_id": self.site.id,
                    "name": name,
                    "data": json.dumps(data, ensure_ascii=False, separators=(",", ":")),
                    "created_at": created_at,
                }
                for name, data in batch
            ],
        )

    # ------------------------------------------------------------------ lookups

    def _service(self, service_id: str) -> Service:
        service = self.config.service(service_id)
        if service is None:
            known = ", ".join(s.id for s in self.config.services)
            raise Problem("not_found", f"There is no service {service_id!r} here (known: {known}).")
        return service

    def _counter(self, counter_id: str) -> Counter:
        counter = self.config.counter(counter_id)
        if counter is None:
            known = ", ".join(c.id for c in self.config.counters) or "none configured"
            raise Problem("not_found", f"There is no counter {counter_id!r} here (known: {known}).")
        return counter

    def _ticket_row(self, connection: Connection, ticket_id: str) -> Any:
        row = connection.execute(
            select(tickets).where(tickets.c.id == ticket_id, tickets.c.site_id == self.site.id)
        ).first()
        if row is None:
            raise Problem("not_found", f"There is no ticket with id {ticket_id!r}.")
        return row

    # ------------------------------------------------------------------ snapshot and JSON

    def _snapshot(self, connection: Connection) -> DaySnapshot:
        now = self.clock()
        day = service_day(now, self.site)
        snap = DaySnapshot(now=now, day=day)
        site = self.site.id
        for row in connection.execute(
            select(service_days.c.service_id, service_days.c.issued, service_days.c.quota).where(
                service_days.c.site_id == site, service_days.c.day == day
            )
        ):
            snap.issued[row.service_id] = (row.issued, row.quota)
        for row in connection.execute(
            select(tickets.c.service_id, func.count())
            .where(tickets.c.site_id == site, tickets.c.day == day, tickets.c.status == TicketStatus.WAITING)
            .group_by(tickets.c.service_id)
        ):
            snap.waiting[row[0]] = row[1]
        for row in connection.execute(
            select(service_settings.c.service_id, service_settings.c.enabled).where(service_settings.c.site_id == site)
        ):
            snap.enabled[row.service_id] = row.enabled
        self._load_wait_inputs(connection, snap)
        return snap

    def _load_wait_inputs(self, connection: Connection, snap: DaySnapshot) -> None:
        """Open counters and today's visit lengths: what the wait estimate needs besides the queue."""
        site, day, now = self.site.id, snap.day, snap.now
        # A counter is open when its app said so, or when it called someone recently, unless its
        # app closed it after that call.
        states = {
            row.counter_id: (row.open, row.changed_at)
            for row in connection.execute(
                select(counter_states.c.counter_id, counter_states.c.open, counter_states.c.changed_at).where(
                    counter_states.c.site_id == site
                )
            )
        }
        snap.open_counters = {counter_id for counter_id, (is_open, _) in states.items() if is_open}
        for row in connection.execute(
            select(tickets.c.counter_id, func.max(tickets.c.called_at).label("last_call"))
            .where(
                tickets.c.site_id == site,
                tickets.c.day == day,
                tickets.c.called_at >= to_db(now - RECENT_ACTIVITY),
                tickets.c.counter_id.is_not(None),
            )
            .group_by(tickets.c.counter_id)
        ):
            state = states.get(row.counter_id)
            if state is None or state[0] or state[1] < row.last_call:
                snap.open_counters.add(row.counter_id)
        for row in connection.execute(
            select(tickets.c.service_id, tickets.c.called_at, tickets.c.started_at, tickets.c.finished_at).where(
                tickets.c.site_id == site, tickets.c.day == day, tickets.c.status == TicketStatus.DONE
            )
        ):
            began = row.started_at or row.called_at
            if began and row.finished_at and row.finished_at > began:
                minutes = (row.finished_at - began).total_seconds() / 60
                snap.observed_minutes.setdefault(row.service_id, []).append(minutes)

    def _cached_wait_inputs(self) -> tuple[set[str], dict[str, list[float]]]:
        """The wait inputs for the issue path, reused for a moment.

        They change with staff actions (open, call, finish), not with issuing; re-reading them for
        every ticket cost three queries. This process's staff actions clear the cache at once;
        another process's are seen within WAIT_INPUTS_SECONDS.
        """
        now = self.clock()
        cached = self._wait_inputs_cache
        if cached is not None and cached[0] > time.monotonic() and cached[1] == service_day(now, self.site):
            return cached[2], cached[3]
        snap = DaySnapshot(now=now, day=service_day(now, self.site))
        with self.engines.read.connect() as connection:
            self._load_wait_inputs(connection, snap)
        self._wait_inputs_cache = (
            time.monotonic() + WAIT_INPUTS_SECONDS,
            snap.day,
            snap.open_counters,
            snap.observed_minutes,
        )
        return snap.open_counters, snap.observed_minutes

    def _capacity(self, snap: DaySnapshot, service_id: str) -> float:
        return sum(
            1 / len(counter.services)
            for counter in self.config.counters
            if counter.id in snap.open_counters and service_id in counter.services
        )

    def _wait(self, snap: DaySnapshot, service: Service, people_ahead: int) -> WaitEstimate | None:
        minutes = learned_service_minutes(service.service_minutes, snap.observed_minutes.get(service.id, []))
        return estimate_wait(people_ahead, minutes, self._capacity(snap, service.id))

    def _service_json(self, snap: DaySnapshot, service: Service) -> dict[str, Any]:
        issued, quota = snap.issued.get(service.id, (0, service.quota))
        remaining = None if quota is None else max(quota - issued, 0)
        state = availability(
            service, snap.now, self.site, enabled=snap.enabled.get(service.id, True), remaining=remaining
        )
        waiting = snap.waiting.get(service.id, 0)
        wait = self._wait(snap, service, waiting)
        local = snap.now.astimezone(self.site.zone)
        return {
            "id": service.id,
            "prefix": service.prefix,
            "names": dict(service.names),
            "open": state.open,
            "closed_reason": state.reason.value if state.reason else None,
            "next_open": self._iso(state.next_open),
            "quota": quota,
            "issued": issued,
            "remaining": remaining,
            "waiting": waiting,
            "wait": wait.as_json() if wait else None,
            "priority": service.priority,
            "hours_today": [
                [i.start.strftime("%H:%M"), i.end.strftime("%H:%M") if i.end else "24:00"]
                for i in service.intervals_on(local.weekday())
            ],
        }

    def _iso(self, moment: datetime | None) -> str | None:
        if moment is None:
            return None
        return moment.astimezone(self.site.zone).isoformat(timespec="seconds")

    def _stored_iso(self, stored: datetime | None) -> str | None:
        return self._iso(from_db(stored)) if stored else None

    def status_url(self, token: str) -> str:
        return f"{self.site.public_url.rstrip('/')}/t/{token}"

    def _people_ahead(self, connection: Connection, row: Any) -> int:
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

    def _counter_name(self, counter_id: str | None) -> str | None:
        counter = self.config.counter(counter_id) if counter_id else None
        return counter.name if counter else counter_id

    def _ticket_json(
        self, connection: Connection, row: Any, snap: DaySnapshot | None = None, people_ahead: int | None = None
    ) -> dict[str, Any]:
        service = self.config.service(row.service_id)
        position: int | None = 0
        wait: WaitEstimate | None = None
        if row.status == TicketStatus.WAITING and service is not None:
            snap = snap or self._snapshot(connection)
            position = self._people_ahead(connection, row) if people_ahead is None else people_ahead
            wait = self._wait(snap, service, position)
        elif row.status not in (TicketStatus.CALLED, TicketStatus.SERVING):
            position = None
        url = self.status_url(row.code_token)
        return {
            "id": row.id,
            "number": row.number,
            "service": row.service_id,
            "service_names": dict(service.names) if service else {},
            "language": row.language,
            "status": row.status,
            "issued_at": self._stored_iso(row.issued_at),
            "called_at": self._stored_iso(row.called_at),
            "position": position,
            "wait": wait.as_json() if wait else None,
            "counter": row.counter_id,
            "counter_name": self._counter_name(row.counter_id),
            "code": url,
            "status_url": url,
        }

    def _summary(self, row: Any) -> dict[str, Any]:
        """The ticket as events carry it: no code, nothing a passer-by could use."""
        return {
            "id": row.id,
            "number": row.number,
            "service": row.service_id,
            "language": row.language,
            "status": row.status,
            "counter": row.counter_id,
            "counter_name": self._counter_name(row.counter_id),
            "called_at": self._stored_iso(row.called_at),
            "issued_at": self._stored_iso(row.issued_at),
        }

    # ------------------------------------------------------------------ reading

    def services(self) -> list[dict[str, Any]]:
        with self.engines.read.connect() as connection:
            snap = self._snapshot(connection)
            return [self._service_json(snap, s) for s in self.config.services]

    def ticket(self, ticket_id: str) -> dict[str, Any]:
        with self.engines.read.connect() as connection:
            return self._ticket_json(connection, self._ticket_row(connection, ticket_id))

    def board(self, limit: int = 10) -> dict[str, Any]:
        with self.engines.read.connect() as connection:
            snap = self._snapshot(connection)
            rows = connection.execute(
                select(tickets)
                .where(tickets.c.site_id == self.site.id, tickets.c.day == snap.day, tickets.c.called_at.is_not(None))
                .order_by(tickets.c.called_at.desc(), tickets.c.sequence.desc())
                .limit(limit)
            ).all()
            calls = [
                {
                    "number": row.number,
                    "counter": row.counter_id,
                    "counter_name": self._counter_name(row.counter_id),
                    "service": row.service_id,
                    "language": row.language,
                    "status": row.status,
                    "called_at": self._stored_iso(row.called_at),
                }
                for row in rows
            ]
            return {"calls": calls, "services": [self._service_json(snap, s) for s in self.config.services]}

    def _row_by_code(self, connection: Connection, code: str, sites: list[str]) -> Any:
        try:
            site_id, code_key = verify_token(self.signing_key, sites, code)
        except InvalidCode as exc:
            raise Problem("invalid_code", str(exc)) from None
        row = connection.execute(select(tickets).where(tickets.c.code_key == code_key)).first()
        if row is None or row.site_id != self.site.id:
            # Genuine signature but no such ticket: its database was reset, or another site's.
            raise Problem("not_found", "This ticket is not known at this office.")
        if row.day != service_day(self.clock(), self.site):
            raise Problem(
                "expired",
                f"Ticket {row.number} was for {row.day.isoformat()}; it is no longer valid today.",
                number=row.number,
                day=row.day.isoformat(),
            )
        return row

    def status(self, code: str) -> dict[str, Any]:
        """What the phone page shows: nothing but number, status, position, wait and counter."""
        with self.engines.read.connect() as connection:
            ticket = self._ticket_json(connection, self._row_by_code(connection, code, [self.site.id]))
        keys = ("number", "status", "position", "wait", "counter", "counter_name", "language", "service_names")
        return {key: ticket[key] for key in keys}

    def counters(self) -> list[dict[str, Any]]:
        with self.engines.read.connect() as connection:
            return [self._counter_json(connection, c) for c in self.config.counters]

    def counter(self, counter_id: str) -> dict[str, Any]:
        counter = self._counter(counter_id)
        with self.engines.read.connect() as connection:
            return self._counter_json(connection, counter)

    def _counter_json(
        self, connection: Connection, counter: Counter, snap: DaySnapshot | None = None
    ) -> dict[str, Any]:
        snap = snap or self._snapshot(connection)
        current = connection.execute(
            select(tickets)
            .where(
                tickets.c.site_id == self.site.id,
                tickets.c.day == snap.day,
                tickets.c.counter_id == counter.id,
                tickets.c.status.in_([TicketStatus.CALLED, TicketStatus.SERVING]),
            )
            .order_by(tickets.c.called_at.desc())
        ).first()
        return {
            "id": counter.id,
            "name": counter.name,
            "services": list(counter.services),
            "open": counter.id in snap.open_counters,
            "current": self._ticket_json(connection, current, snap) if current else None,
        }

    # ------------------------------------------------------------------ issuing

    def issue_ticket(
        self, service_id: str, language: str, device_token_id: str, idempotency_key: str | None
    ) -> tuple[dict[str, Any], bool]:
        """Issue one ticket: (ticket, created). A repeated idempotency key returns the first ticket."""
        service = self._service(service_id)
        if language not in self.site.languages:
            raise Problem(
                "validation_error",
                f"language: {language!r} is not offered here (offered: {', '.join(self.site.languages)}).",
            )
        if idempotency_key is not None:
            existing = self._ticket_by_idempotency(device_token_id, idempotency_key)
            if existing is not None:
                return existing, False
        try:
            return self._issue(service, language, device_token_id, idempotency_key), True
        except IntegrityError:
            # Another process committed the same idempotency key between our look-up and insert.
            existing = self._ticket_by_idempotency(device_token_id, idempotency_key) if idempotency_key else None
            if existing is None:
                raise
            return existing, False

    def _ticket_by_idempotency(self, device_token_id: str, key: str) -> dict[str, Any] | None:
        with self.engines.read.connect() as connection:
            row = connection.execute(
                select(tickets).where(tickets.c.device_token_id == device_token_id, tickets.c.idempotency_key == key)
            ).first()
            return self._ticket_json(connection, row) if row else None

    def _issue(
        self, service: Service, language: str, device_token_id: str, idempotency_key: str | None
    ) -> dict[str, Any]:
        """The hot path: six statements in the write transaction, every one needed.

        PostgreSQL: the site lock is taken after the reads, so other processes' writers wait only for
        the statements that change something. The quota and the number stay exact (one UPDATE);
        only the kiosk rate limit may let through the requests one kiosk has in flight at once.
        """
        open_counters, observed = self._cached_wait_inputs()
        with self._writing(serialise_at_start=False, keeps_wait_inputs=True) as connection:
            now = self.clock()
            day = service_day(now, self.site)
            self._check_rate(connection, device_token_id, now)
            enabled = connection.execute(
                select(service_settings.c.enabled).where(
                    service_settings.c.site_id == self.site.id, service_settings.c.service_id == service.id
                )
            ).scalar_one_or_none()
            state = availability(service, now, self.site, enabled=enabled is not False, remaining=None)
            if not state.open and state.reason:
                raise self._closed_problem(service, state.reason.value, state.next_open)
            if connection.dialect.name == "postgresql":
                self._serialise_site_writers(connection)
            counted = self._take_number(connection, service, day)
            if counted is None:
                raise self._closed_problem(
                    service, "quota_exhausted", next_opening(service, now, self.site, later_day=True)
                )
            sequence, quota = counted
            values = {
                "id": str(uuid.uuid4()),
                "site_id": self.site.id,
                "day": day,
                "service_id": service.id,
                "issued_service_id": service.id,
                "sequence": sequence,
                "number": format_number(service.prefix, sequence),
                "language": language,
                "status": TicketStatus.WAITING,
                "issued_at": to_db(now),
                "queued_at": to_db(now),
                "called_at": None,
                "counter_id": None,
                "device_token_id": device_token_id,
                "idempotency_key": idempotency_key,
            }
            values["code_token"], values["code_key"] = new_token(self.signing_key, self.site.id)
            connection.execute(insert(tickets).values(**values))
            waiting = connection.execute(
                select(func.count()).where(
                    tickets.c.site_id == self.site.id,
                    tickets.c.day == day,
                    tickets.c.service_id == service.id,
                    tickets.c.status == TicketStatus.WAITING,
                )
            ).scalar_one()
            snap = DaySnapshot(
                now=now,
                day=day,
                issued={service.id: (sequence, quota)},
                waiting={service.id: waiting},
                enabled={service.id: True},
                open_counters=open_counters,
                observed_minutes=observed,
            )
            row = SimpleNamespace(**values)
            self._emit_many(
                connection,
                [("ticket.issued", self._summary(row)), ("service.updated", self._service_json(snap, service))],
            )
            # The newest ticket of its queue: everyone else waiting is ahead of it.
            return self._ticket_json(connection, row, snap, people_ahead=waiting - 1)

    def _take_number(self, connection: Connection, service: Service, day: date) -> tuple[int, int | None] | None:
        """(sequence, quota) for one more ticket, or None when the quota is used up.

        The UPDATE is the one atomic step that keeps the quota exact however many requests race.
        """
        take = (
            update(service_days)
            .where(
                service_days.c.site_id == self.site.id,
                service_days.c.service_id == service.id,
                service_days.c.day == day,
                or_(service_days.c.quota.is_(None), service_days.c.issued < service_days.c.quota),
            )
            .values(issued=service_days.c.issued + 1)
            .returning(service_days.c.issued, service_days.c.quota)
        )
        taken = connection.execute(take).first()
        if taken is None:
            exists = connection.execute(
                select(service_days.c.issued).where(
                    service_days.c.site_id == self.site.id,
                    service_days.c.service_id == service.id,
                    service_days.c.day == day,
                )
            ).first()
            if exists is not None:
                return None
            self._insert_service_day(connection, service, day)  # the day's first ticket
            taken = connection.execute(take).first()
        return (taken.issued, taken.quota) if taken else None

    def _insert_service_day(self, connection: Connection, service: Service, day: date) -> None:
        dialect_insert = self._dialect_insert(connection)
        connection.execute(
            dialect_insert(service_days)
            .values(site_id=self.site.id, service_id=service.id, day=day, issued=0, quota=service.quota)
            .on_conflict_do_nothing()
        )

    @staticmethod
    def _dialect_insert(connection: Connection) -> Any:
        if connection.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert as pg_insert

            return pg_insert
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        return sqlite_insert

    def _check_rate(self, connection: Connection, device_token_id: str, now: datetime) -> None:
        limit = self.config.limits.kiosk_tickets_per_minute
        in_window = (tickets.c.device_token_id == device_token_id, tickets.c.issued_at > to_db(now - RATE_WINDOW))
        if connection.execute(select(func.count()).where(*in_window)).scalar_one() < limit:
            return
        # Over the limit: free again when the limit-th newest ticket leaves the window.
        oldest_counted = connection.execute(
            select(tickets.c.issued_at)
            .where(*in_window)
            .order_by(tickets.c.issued_at.desc())
            .offset(limit - 1)
            .limit(1)
        ).scalar_one()
        retry_after = max(1, int((from_db(oldest_counted) + RATE_WINDOW - now).total_seconds()) + 1)
        raise Problem(
            "rate_limited",
            f"This device has issued {limit} tickets in the last minute; please wait {retry_after} s.",
            headers={"Retry-After": str(retry_after)},
            retry_after=retry_after,
        )

    def _closed_problem(self, service: Service, reason: str, next_open: datetime | None) -> Problem:
        name = service.name("en")
        when = f" Next chance: {self._iso(next_open)}." if next_open else ""
        if reason == "quota_exhausted":
            return Problem(
                "quota_exhausted",
                f"All tickets for {name} have been given out today.{when}",
                service=service.id,
                next_open=self._iso(next_open),
            )
        why = "is switched off" if reason == "switched_off" else "is closed at this hour"
        return Problem(
            "service_closed",
            f"{name} {why}.{when}",
            service=service.id,
            reason=reason,
            next_open=self._iso(next_open),
        )

    # ------------------------------------------------------------------ staff actions

    def call_next(self, counter_id: str) -> dict[str, Any] | None:
        counter = self._counter(counter_id)
        with self._writing() as connection:
            snap = self._snapshot(connection)
            heads = []
            for service_id in counter.services:
                head = connection.execute(
                    select(tickets.c.id, tickets.c.service_id, tickets.c.queued_at, tickets.c.sequence)
                    .where(
                        tickets.c.site_id == self.site.id,
                        tickets.c.day == snap.day,
                        tickets.c.service_id == service_id,
                        tickets.c.status == TicketStatus.WAITING,
                    )
                    .order_by(tickets.c.queued_at, tickets.c.sequence)
                    .limit(1)
                ).first()
                if head is not None:
                    heads.append(QueuedTicket(head.id, head.service_id, from_db(head.queued_at), head.sequence))
            chosen = choose_next(heads, snap.now, self._priorities)
            if chosen is None:
                return None
            return self._call(connection, snap, chosen.id, counter)

    def call(self, ticket_id: str, counter_id: str) -> dict[str, Any]:
        counter = self._counter(counter_id)
        with self._writing() as connection:
            return self._call(connection, self._snapshot(connection), ticket_id, counter)

    def _call(self, connection: Connection, snap: DaySnapshot, ticket_id: str, counter: Counter) -> dict[str, Any]:
        row = self._ticket_row(connection, ticket_id)
        self._check_today(row, snap)
        self._transition(row, Action.CALL)
        # The visitor at this counter so far is done: pressing "call next" is how a clerk says so.
        previous = connection.execute(
            select(tickets).where(
                tickets.c.site_id == self.site.id,
                tickets.c.counter_id == counter.id,
                tickets.c.status.in_([TicketStatus.CALLED, TicketStatus.SERVING]),
                tickets.c.id != row.id,
            )
        ).all()
        for earlier in previous:
            connection.execute(
                update(tickets)
                .where(tickets.c.id == earlier.id)
                .values(status=TicketStatus.DONE, finished_at=to_db(snap.now))
            )
            self._emit(connection, "ticket.updated", self._summary(self._ticket_row(connection, earlier.id)))
        connection.execute(
            update(tickets)
            .where(tickets.c.id == row.id)
            .values(status=TicketStatus.CALLED, counter_id=counter.id, called_at=to_db(snap.now))
        )
        snap.open_counters.add(counter.id)
        called = self._ticket_row(connection, row.id)
        self._emit(connection, "ticket.called", self._summary(called))
        self._emit_services(connection, {row.service_id} | {e.service_id for e in previous})
        return self._ticket_json(connection, called)

    def act(self, ticket_id: str, action: Action) -> dict[str, Any]:
        """recall, start, finish, no-show, cancel."""
        with self._writing() as connection:
            row = self._ticket_row(connection, ticket_id)
            now = self.clock()
            self._check_today(row, None)
            target = self._transition(row, action)
            values: dict[str, Any] = {"status": target}
            if action is Action.RECALL:
                values["called_at"] = to_db(now)
            elif action is Action.START:
                values["started_at"] = to_db(now)
            elif action in (Action.FINISH, Action.NO_SHOW, Action.CANCEL):
                values["finished_at"] = to_db(now)
            connection.execute(update(tickets).where(tickets.c.id == row.id).values(**values))
            updated = self._ticket_row(connection, row.id)
            if action is Action.RECALL:
                self._emit(connection, "ticket.recalled", self._summary(updated))
            else:
                self._emit(connection, "ticket.updated", self._summary(updated))
                self._emit_services(connection, {row.service_id})
            return self._ticket_json(connection, updated)

    def transfer(self, ticket_id: str, service_id: str) -> dict[str, Any]:
        service = self._service(service_id)
        with self._writing() as connection:
            row = self._ticket_row(connection, ticket_id)
            self._check_today(row, None)
            self._transition(row, Action.TRANSFER)
            connection.execute(
                update(tickets)
                .where(tickets.c.id == row.id)
                .values(
                    status=TicketStatus.WAITING,
                    service_id=service.id,
                    counter_id=None,
                    called_at=None,
                    started_at=None,
                )
            )
            updated = self._ticket_row(connection, row.id)
            self._emit(connection, "ticket.updated", self._summary(updated))
            self._emit_services(connection, {row.service_id, service.id})
            return self._ticket_json(connection, updated)

    def scan(self, code: str, counter_id: str, all_sites: list[str]) -> dict[str, Any]:
        self._counter(counter_id)
        with self.engines.read.connect() as connection:
            return self._ticket_json(connection, self._row_by_code(connection, code, all_sites))

    def _check_today(self, row: Any, snap: DaySnapshot | None) -> None:
        today = snap.day if snap else service_day(self.clock(), self.site)
        if row.day != today:
            raise Problem("expired", f"Ticket {row.number} was for {row.day.isoformat()}; it cannot be served today.")

    @staticmethod
    def _transition(row: Any, action: Action) -> TicketStatus:
        try:
            return next_status(TicketStatus(row.status), action, row.number)
        except InvalidTransition as exc:
            raise Problem("invalid_transition", str(exc), status=row.status) from None

    def _emit_services(self, connection: Connection, service_ids: set[str]) -> None:
        snap = self._snapshot(connection)
        for service in self.config.services:
            if service.id in service_ids:
                self._emit(connection, "service.updated", self._service_json(snap, service))

    # ------------------------------------------------------------------ office manager

    def set_service_enabled(self, service_id: str, enabled: bool) -> dict[str, Any]:
        service = self._service(service_id)
        with self._writing() as connection:
            changed = connection.execute(
                update(service_settings)
                .where(service_settings.c.site_id == self.site.id, service_settings.c.service_id == service.id)
                .values(enabled=enabled)
            ).rowcount
            if not changed:
                connection.execute(
                    insert(service_settings).values(site_id=self.site.id, service_id=service.id, enabled=enabled)
                )
            self._emit_services(connection, {service.id})
            return self._service_json(self._snapshot(connection), service)

    def set_quota_today(self, service_id: str, quota: int | None) -> dict[str, Any]:
        """Change today's quota (e.g. two clerks are ill); never below what was already issued."""
        service = self._service(service_id)
        with self._writing() as connection:
            snap = self._snapshot(connection)
            if service.id not in snap.issued:
                self._insert_service_day(connection, service, snap.day)
            issued = snap.issued.get(service.id, (0, None))[0]
            if quota is not None and quota < issued:
                raise Problem(
                    "validation_error", f"quota: {issued} tickets are already issued today; the quota cannot be lower."
                )
            connection.execute(
                update(service_days)
                .where(
                    service_days.c.site_id == self.site.id,
                    service_days.c.service_id == service.id,
                    service_days.c.day == snap.day,
                )
                .values(quota=quota)
            )
            self._emit_services(connection, {service.id})
            return self._service_json(self._snapshot(connection), service)

    def day_report(self, day: date | None = None) -> list[dict[str, Any]]:
        """Per service: issued, served, no-shows, cancelled, still waiting, average wait (minutes)."""
        with self.engines.read.connect() as connection:
            day = day or service_day(self.clock(), self.site)
            rows = connection.execute(
                select(tickets.c.issued_service_id, tickets.c.status, tickets.c.issued_at, tickets.c.called_at).where(
                    tickets.c.site_id == self.site.id, tickets.c.day == day
                )
            ).all()
        report = []
        for service in self.config.services:
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

    # ------------------------------------------------------------------ counters and devices

    def set_counter_open(self, counter_id: str, is_open: bool) -> dict[str, Any]:
        counter = self._counter(counter_id)
        with self._writing() as connection:
            now = to_db(self.clock())
            changed = connection.execute(
                update(counter_states)
                .where(counter_states.c.site_id == self.site.id, counter_states.c.counter_id == counter.id)
                .values(open=is_open, changed_at=now)
            ).rowcount
            if not changed:
                connection.execute(
                    insert(counter_states).values(
                        site_id=self.site.id, counter_id=counter.id, open=is_open, changed_at=now
                    )
                )
            self._emit_services(connection, set(counter.services))
            return self._counter_json(connection, counter)

    def report_device_status(self, device: Any, status: str, detail: str) -> dict[str, Any]:
        with self._writing() as connection:
            now = to_db(self.clock())
            changed = connection.execute(
                update(device_statuses)
                .where(device_statuses.c.device_token_id == device.token_id)
                .values(status=status, detail=detail, reported_at=now)
            ).rowcount
            if not changed:
                connection.execute(
                    insert(device_statuses).values(
                        device_token_id=device.token_id, status=status, detail=detail, reported_at=now
                    )
                )
            report = {
                "device": device.name,
                "role": device.role,
                "status": status,
                "detail": detail,
                "reported_at": self._stored_iso(now),
            }
            self._emit(connection, "device.updated", report)
            return report

    def devices(self) -> list[dict[str, Any]]:
        with self.engines.read.connect() as connection:
            rows = connection.execute(
                select(device_tokens.c.name, device_tokens.c.role, device_statuses)
                .join(device_statuses, device_statuses.c.device_token_id == device_tokens.c.id)
                .where(device_tokens.c.site_id == self.site.id)
                .order_by(device_tokens.c.name)
            ).all()
            return [
                {
                    "device": row.name,
                    "role": row.role,
                    "status": row.status,
                    "detail": row.detail,
                    "reported_at": self._stored_iso(row.reported_at),
                }
                for row in rows
            ]

    # ------------------------------------------------------------------ events

    def events_after(self, after_id: int, limit: int = 1000) -> list[tuple[int, str, str]]:
        with self.engines.read.connect() as connection:
            rows = connection.execute(
                select(events.c.id, events.c.name, events.c.data)
                .where(events.c.site_id == self.site.id, events.c.id > after_id)
                .order_by(events.c.id)
                .limit(limit)
            ).all()
            return [(row.id, row.name, row.data) for row in rows]

    def last_event_id(self) -> int:
        with self.engines.read.connect() as connection:
            return connection.execute(
                select(func.coalesce(func.max(events.c.id), 0)).where(events.c.site_id == self.site.id)
            ).scalar_one()

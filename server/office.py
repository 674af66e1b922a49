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
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from server.calling import QueuedTicket, choose_next
from server.clock import Clock, from_db, to_db
from server.config import Counter, Service, SiteConfig
from server.group_commit import GroupCommitter
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
from server.ticket_rules import (
    ALLOWED_ACTIONS,
    Action,
    InvalidTransition,
    TicketStatus,
    format_number,
    next_status,
)
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


# The issue path's statements, built once: SQLAlchemy then finds their compiled form by identity
# instead of building and hashing a new statement for every ticket.
_IN_BATCH_TICKETS = select(tickets).where(
    tickets.c.device_token_id.in_(bindparam("b_devices", expanding=True)),
    tickets.c.idempotency_key.in_(bindparam("b_keys", expanding=True)),
)
_RECENT_PER_DEVICE = (
    select(tickets.c.device_token_id, func.count())
    .where(
        tickets.c.device_token_id.in_(bindparam("b_devices", expanding=True)),
        tickets.c.issued_at > bindparam("b_since"),
    )
    .group_by(tickets.c.device_token_id)
)
_SERVICE_SWITCHES = select(service_settings.c.service_id, service_settings.c.enabled).where(
    service_settings.c.site_id == bindparam("b_site")
)
_THIS_SERVICE_DAY = (
    service_days.c.site_id == bindparam("b_site"),
    service_days.c.service_id == bindparam("b_service"),
    service_days.c.day == bindparam("b_day"),
)
_COUNT_OF_DAY = select(service_days.c.issued, service_days.c.quota).where(*_THIS_SERVICE_DAY)
_TAKE_NUMBERS = (
    update(service_days)
    .where(*_THIS_SERVICE_DAY, service_days.c.issued == bindparam("b_issued"))
    .values(issued=bindparam("b_new_issued"))
)
_WAITING_PER_SERVICE = (
    select(tickets.c.service_id, func.count())
    .where(
        tickets.c.site_id == bindparam("b_site"),
        tickets.c.day == bindparam("b_day"),
        tickets.c.service_id.in_(bindparam("b_services", expanding=True)),
        tickets.c.status == TicketStatus.WAITING,
    )
    .group_by(tickets.c.service_id)
)
_INSERT_TICKETS = insert(tickets)
_EVENTS_AFTER = (
    select(events.c.id, events.c.name, events.c.data)
    .where(events.c.site_id == bindparam("b_site"), events.c.id > bindparam("b_after"))
    .order_by(events.c.id)
    .limit(bindparam("b_limit"))
)
_INSERT_EVENTS = insert(events)


@lru_cache(maxsize=1024)
def _local_iso(moment: datetime, zone: tzinfo) -> str:
    """A moment as the site's local time with offset; a batch of tickets shares one `now`."""
    return moment.astimezone(zone).isoformat(timespec="seconds")


@dataclass(frozen=True)
class IssueRequest:
    """One kiosk's request for a ticket, checked for what needs no database."""

    service: Service
    language: str
    device_token_id: str
    idempotency_key: str | None


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
        self._issuer: GroupCommitter[IssueRequest, tuple[dict[str, Any], bool]] = GroupCommitter(
            self.issue_batch, name=f"issue-{self.site.id}"
        )

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
            _INSERT_EVENTS,
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
        return None if moment is None else _local_iso(moment, self.site.zone)

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
        self, connection: Connection | None, row: Any, snap: DaySnapshot | None = None, people_ahead: int | None = None
    ) -> dict[str, Any]:
        service = self.config.service(row.service_id)
        position: int | None = 0
        wait: WaitEstimate | None = None
        if row.status == TicketStatus.WAITING and service is not None:
            if snap is None or people_ahead is None:
                assert connection is not None, "a waiting ticket's place needs the snapshot or a connection"
                snap = snap or self._snapshot(connection)
                people_ahead = self._people_ahead(connection, row) if people_ahead is None else people_ahead
            position = people_ahead
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
            "allowed_actions": list(ALLOWED_ACTIONS[row.status]),
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
            "allowed_actions": list(ALLOWED_ACTIONS[row.status]),
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

    def validate_issue(
        self, service_id: str, language: str, device_token_id: str, idempotency_key: str | None
    ) -> IssueRequest:
        """The checks that need no database: a known service and a language offered here."""
        service = self._service(service_id)
        if language not in self.site.languages:
            raise Problem(
                "validation_error",
                f"language: {language!r} is not offered here (offered: {', '.join(self.site.languages)}).",
            )
        return IssueRequest(service, language, device_token_id, idempotency_key)

    async def issue_ticket(
        self, service_id: str, language: str, device_token_id: str, idempotency_key: str | None
    ) -> tuple[dict[str, Any], bool]:
        """Issue one ticket: (ticket, created). A repeated idempotency key returns the first ticket.

        Requests that overlap are written together (server/group_commit.py): one transaction and
        one durable commit for all of them, each with its own outcome.
        """
        request = self.validate_issue(service_id, language, device_token_id, idempotency_key)
        return await self._issuer.submit(request)

    def close(self) -> None:
        self._issuer.stop()

    def issue_batch(self, requests: Sequence[IssueRequest]) -> list[tuple[dict[str, Any], bool] | Exception]:
        """Issue tickets in one transaction: one outcome per request, in order.

        An outcome is (ticket, created) or the Problem that request alone met (rate limit, closed,
        quota). Requests are served in order, so when two race for the last ticket the earlier wins.
        Should the insert hit a uniqueness rule (the same idempotency key committed by another
        process a moment ago), the batch is retried one request at a time, so one bad request
        cannot fail the others.
        """
        try:
            return self._issue_batch(requests)
        except IntegrityError:
            if len(requests) > 1:
                return [self._issue_alone(request) for request in requests]
            existing = self._ticket_by_idempotency(requests[0])
            if existing is None:
                raise
            return [(existing, False)]

    def _issue_alone(self, request: IssueRequest) -> tuple[dict[str, Any], bool] | Exception:
        try:
            return self.issue_batch([request])[0]
        except Exception as exc:  # noqa: BLE001 - this request's own outcome
            return exc

    def _ticket_by_idempotency(self, request: IssueRequest) -> dict[str, Any] | None:
        if request.idempotency_key is None:
            return None
        with self.engines.read.connect() as connection:
            row = connection.execute(
                select(tickets).where(
                    tickets.c.device_token_id == request.device_token_id,
                    tickets.c.idempotency_key == request.idempotency_key,
                )
            ).first()
            return self._ticket_json(connection, row) if row else None

    def _issue_batch(self, requests: Sequence[IssueRequest]) -> list[tuple[dict[str, Any], bool] | Exception]:
        """The hot path: about seven statements per batch, however many tickets it holds.

        PostgreSQL: the site lock is taken after the reads and the tickets' random parts, and the
        answers are written after the commit, so other processes wait only for the statements
        that change something. The quota and the numbers stay exact (the counter's UPDATE); only
        the kiosk limit may let through what one kiosk has in flight in two processes at once.
        """
        outcomes: list[Any] = [None] * len(requests)
        open_counters, observed = self._cached_wait_inputs()
        with self._writing(serialise_at_start=False, keeps_wait_inputs=True) as connection:
            now = self.clock()
            stored_now = to_db(now)
            day = service_day(now, self.site)
            todo, repeats = self._answer_repeats(connection, requests, outcomes)
            todo = self._apply_rate_limit(connection, requests, todo, outcomes, now)
            enabled = dict(connection.execute(_SERVICE_SWITCHES, {"b_site": self.site.id}).all())
            per_service: dict[str, list[int]] = {}
            for index in todo:
                per_service.setdefault(requests[index].service.id, []).append(index)
            drafts: dict[int, dict[str, Any]] = {}
            for service_id, indices in list(per_service.items()):
                service = requests[indices[0]].service
                state = availability(
                    service, now, self.site, enabled=enabled.get(service_id) is not False, remaining=None
                )
                if not state.open and state.reason:
                    problem = self._closed_problem(service, state.reason.value, state.next_open)
                    for index in indices:
                        outcomes[index] = problem
                    del per_service[service_id]
                    continue
                for index in indices:
                    drafts[index] = self._new_ticket(requests[index], day, stored_now)
            if not drafts:
                return self._with_repeats(outcomes, repeats)
            if connection.dialect.name == "postgresql":
                self._serialise_site_writers(connection)
            rows: dict[int, dict[str, Any]] = {}
            issued: dict[str, tuple[int, int | None]] = {}
            for service_id in per_service:
                indices = per_service[service_id]
                service = requests[indices[0]].service
                first, granted, quota = self._take_numbers(connection, service, day, len(indices))
                if granted:
                    issued[service_id] = (first + granted - 1, quota)
                for offset, index in enumerate(indices):
                    if offset < granted:
                        rows[index] = drafts[index]
                        rows[index]["sequence"] = first + offset
                        rows[index]["number"] = format_number(service.prefix, first + offset)
                    else:
                        outcomes[index] = self._closed_problem(
                            service, "quota_exhausted", next_opening(service, now, self.site, later_day=True)
                        )
            if not rows:
                return self._with_repeats(outcomes, repeats)
            snap = self._write_tickets(connection, rows, issued, now, day, open_counters, observed)
        # Committed: now the answers, each with its place in the queue.
        for index, values in rows.items():
            row = SimpleNamespace(**values)
            behind = issued[row.service_id][0] - row.sequence  # this batch's tickets after it
            ahead = snap.waiting.get(row.service_id, 0) - 1 - behind
            outcomes[index] = (self._ticket_json(None, row, snap, people_ahead=ahead), True)
        return self._with_repeats(outcomes, repeats)

    @staticmethod
    def _with_repeats(outcomes: list[Any], repeats: dict[int, int]) -> list[Any]:
        """A key sent twice in one batch: the second gets the first's ticket (not created) or refusal."""
        for index, first in repeats.items():
            outcome = outcomes[first]
            outcomes[index] = (outcome[0], False) if isinstance(outcome, tuple) else outcome
        return outcomes

    def _answer_repeats(
        self, connection: Connection, requests: Sequence[IssueRequest], outcomes: list[Any]
    ) -> tuple[list[int], dict[int, int]]:
        """Idempotency: a key seen before gets its ticket; a key twice in this batch, the first's outcome.

        Returns the requests still to issue and, for in-batch repeats, the index of their first.
        """
        keyed = [(r.device_token_id, r.idempotency_key) for r in requests if r.idempotency_key is not None]
        found: dict[tuple[str, str], Any] = {}
        if keyed:
            for row in connection.execute(
                _IN_BATCH_TICKETS,
                {"b_devices": list({d for d, _ in keyed}), "b_keys": list({k for _, k in keyed})},
            ):
                found[(row.device_token_id, row.idempotency_key)] = row
        todo: list[int] = []
        repeats: dict[int, int] = {}
        first_of: dict[tuple[str, str], int] = {}
        for index, request in enumerate(requests):
            if request.idempotency_key is None:
                todo.append(index)
                continue
            pair = (request.device_token_id, request.idempotency_key)
            if pair in found:
                outcomes[index] = (self._ticket_json(connection, found[pair]), False)
            elif pair in first_of:
                repeats[index] = first_of[pair]
            else:
                first_of[pair] = index
                todo.append(index)
        return todo, repeats

    def _apply_rate_limit(
        self,
        connection: Connection,
        requests: Sequence[IssueRequest],
        todo: list[int],
        outcomes: list[Any],
        now: datetime,
    ) -> list[int]:
        """The per-kiosk limit: tickets issued in the last minute, this batch's included."""
        if not todo:
            return todo
        limit = self.config.limits.kiosk_tickets_per_minute
        since = to_db(now - RATE_WINDOW)
        devices = {requests[index].device_token_id for index in todo}
        counts = dict(connection.execute(_RECENT_PER_DEVICE, {"b_devices": list(devices), "b_since": since}).all())
        in_batch: dict[str, int] = {}
        allowed: list[int] = []
        for index in todo:
            device = requests[index].device_token_id
            if counts.get(device, 0) + in_batch.get(device, 0) < limit:
                in_batch[device] = in_batch.get(device, 0) + 1
                allowed.append(index)
                continue
            retry_after = self._retry_after(connection, device, now, limit, in_batch.get(device, 0))
            outcomes[index] = Problem(
                "rate_limited",
                f"This device has issued {limit} tickets in the last minute; please wait {retry_after} s.",
                headers={"Retry-After": str(retry_after)},
                retry_after=retry_after,
            )
        return allowed

    def _retry_after(self, connection: Connection, device: str, now: datetime, limit: int, in_batch: int) -> int:
        """Seconds until the limit-th newest ticket (this batch's are the newest) leaves the window."""
        oldest_counted = now
        if in_batch < limit:
            stored = connection.execute(
                select(tickets.c.issued_at)
                .where(tickets.c.device_token_id == device, tickets.c.issued_at > to_db(now - RATE_WINDOW))
                .order_by(tickets.c.issued_at.desc())
                .offset(limit - in_batch - 1)
                .limit(1)
            ).scalar_one_or_none()
            if stored is not None:
                oldest_counted = from_db(stored)
        return max(1, int((oldest_counted + RATE_WINDOW - now).total_seconds()) + 1)

    def _take_numbers(
        self, connection: Connection, service: Service, day: date, wanted: int
    ) -> tuple[int, int, int | None]:
        """(first sequence, how many granted, quota) for up to `wanted` more tickets of a service today.

        Read, then an UPDATE that only applies if nobody changed the count in between: exact
        however many requests race, even without the site lock; a lost race is simply retried.
        """
        which = {"b_site": self.site.id, "b_service": service.id, "b_day": day}
        for _ in range(100):
            row = connection.execute(_COUNT_OF_DAY, which).first()
            if row is None:
                self._insert_service_day(connection, service, day)  # the day's first ticket
                continue
            issued, quota = row
            granted = wanted if quota is None else max(0, min(wanted, quota - issued))
            if granted == 0:
                return issued + 1, 0, quota
            changed = connection.execute(
                _TAKE_NUMBERS, {**which, "b_issued": issued, "b_new_issued": issued + granted}
            ).rowcount
            if changed == 1:
                return issued + 1, granted, quota
        raise RuntimeError(f"the ticket counter of {service.id} on {day} kept changing under this transaction")

    def _new_ticket(self, request: IssueRequest, day: date, stored_now: datetime) -> dict[str, Any]:
        """A ticket's row without its number, which the counter's UPDATE gives later."""
        service = request.service
        values = {
            "id": str(uuid.uuid4()),
            "site_id": self.site.id,
            "day": day,
            "service_id": service.id,
            "issued_service_id": service.id,
            "sequence": None,
            "number": None,
            "language": request.language,
            "status": TicketStatus.WAITING,
            "issued_at": stored_now,
            "queued_at": stored_now,
            "called_at": None,
            "counter_id": None,
            "device_token_id": request.device_token_id,
            "idempotency_key": request.idempotency_key,
        }
        values["code_token"], values["code_key"] = new_token(self.signing_key, self.site.id)
        return values

    def _write_tickets(
        self,
        connection: Connection,
        rows: dict[int, dict[str, Any]],
        issued: dict[str, tuple[int, int | None]],
        now: datetime,
        day: date,
        open_counters: set[str],
        observed: dict[str, list[float]],
    ) -> DaySnapshot:
        """Insert the batch's tickets and announce them; the figures after the batch, for the answers."""
        connection.execute(_INSERT_TICKETS, list(rows.values()))
        waiting = dict(
            connection.execute(
                _WAITING_PER_SERVICE, {"b_site": self.site.id, "b_day": day, "b_services": list(issued)}
            ).all()
        )
        snap = DaySnapshot(
            now=now,
            day=day,
            issued=issued,
            waiting=waiting,
            enabled=dict.fromkeys(issued, True),
            open_counters=open_counters,
            observed_minutes=observed,
        )
        announcements = [("ticket.issued", self._summary(SimpleNamespace(**values))) for values in rows.values()]
        # One service.updated per service with its figures after the whole batch.
        announcements += [("service.updated", self._service_json(snap, self._service(s))) for s in issued]
        self._emit_many(connection, announcements)
        return snap

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
                _EVENTS_AFTER, {"b_site": self.site.id, "b_after": after_id, "b_limit": limit}
            ).all()
            return [(row.id, row.name, row.data) for row in rows]

    def last_event_id(self) -> int:
        with self.engines.read.connect() as connection:
            return connection.execute(
                select(func.coalesce(func.max(events.c.id), 0)).where(events.c.site_id == self.site.id)
            ).scalar_one()

"""Issuing tickets: the kiosk's one request, written in batches (group commit) on the hot path.

Checked without the database first (a known service, a language offered here); then, per batch
and in one transaction: idempotency, the kiosk limit, opening hours and switches, numbers from the
day's counter (server/office/numbering.py), the tickets and their events. About seven statements
per batch however many tickets it holds; the answers carry each ticket's own place in the queue.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError

from server.clock import to_db
from server.config import Service
from server.group_commit import GroupCommitter
from server.office.day_snapshot import DaySnapshot
from server.office.demand import count_turned_away, reason_of
from server.office.event_log import EventName
from server.office.numbering import Numbers, take_numbers
from server.office.rate_limit import limit_kiosks
from server.office.site_queue import SiteQueue
from server.rules.errors import IdempotencyKeyReused, InvalidInput, QuotaExhausted, ServiceClosed
from server.rules.service_day import ClosedReason, availability, next_opening, service_day
from server.rules.ticket_codes import new_token
from server.rules.ticket_rules import TicketStatus, format_number
from server.rules.wait_estimate import WaitModel
from server.storage.schema import service_settings, tickets

#: (ticket, created): created is False for a repeated idempotency key.
Issued = tuple[dict[str, Any], bool]

# The issue path's statements, built once: SQLAlchemy then finds their compiled form by identity
# instead of building and hashing a new statement for every ticket.
_IN_BATCH_TICKETS = select(tickets).where(
    tickets.c.device_token_id.in_(bindparam("b_devices", expanding=True)),
    tickets.c.idempotency_key.in_(bindparam("b_keys", expanding=True)),
)
_SERVICE_SWITCHES = select(service_settings.c.service_id, service_settings.c.enabled).where(
    service_settings.c.site_id == bindparam("b_site")
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


@dataclass(frozen=True)
class IssueRequest:
    """One kiosk's request for a ticket, checked for what needs no database."""

    service: Service
    language: str
    device_token_id: str
    idempotency_key: str | None


class Issuing:
    def __init__(self, queue: SiteQueue) -> None:
        self._queue = queue
        self._site = queue.site
        # Shared counters weigh every queue's wait, so the answers need every service's waiting count.
        self._service_ids = [s.id for s in queue.config.services]
        self._committer: GroupCommitter[IssueRequest, Issued] = GroupCommitter(
            self.issue_batch, name=f"issue-{queue.site.id}"
        )

    def validate(
        self, service_id: str, language: str, device_token_id: str, idempotency_key: str | None
    ) -> IssueRequest:
        """The checks that need no database: a known service and a language offered here."""
        service = self._queue.service(service_id)
        if language not in self._site.languages:
            raise InvalidInput(
                f"language: {language!r} is not offered here (offered: {', '.join(self._site.languages)})."
            )
        return IssueRequest(service, language, device_token_id, idempotency_key)

    async def issue_ticket(
        self, service_id: str, language: str, device_token_id: str, idempotency_key: str | None
    ) -> Issued:
        """Issue one ticket: (ticket, created). A repeated idempotency key returns the first ticket.

        Requests that overlap are written together (server/group_commit.py): one transaction and
        one durable commit for all of them, each with its own outcome.
        """
        request = self.validate(service_id, language, device_token_id, idempotency_key)
        return await self._committer.submit(request)

    def close(self) -> None:
        self._committer.stop()

    def issue_batch(self, requests: Sequence[IssueRequest]) -> list[Issued | Exception]:
        """Issue tickets in one transaction: one outcome per request, in order.

        An outcome is (ticket, created) or the QueueError that request alone met (rate limit,
        closed, quota). Requests are served in order, so when two race for the last ticket the
        earlier wins. Should the insert hit a uniqueness rule (the same idempotency key committed by
        another process a moment ago), the batch is retried one request at a time, so one bad
        request cannot fail the others.
        """
        try:
            return self._issue_batch(requests)
        except IntegrityError:
            if len(requests) > 1:
                return [self._issue_alone(request) for request in requests]
            existing = self._ticket_by_idempotency(requests[0])
            if existing is None:
                raise
            return [existing]

    def _issue_alone(self, request: IssueRequest) -> Issued | Exception:
        try:
            return self.issue_batch([request])[0]
        except Exception as exc:  # noqa: BLE001 - this request's own outcome
            return exc

    def _ticket_by_idempotency(self, request: IssueRequest) -> Issued | Exception | None:
        """The outcome for a key another process committed a moment ago; None if there is none."""
        if request.idempotency_key is None:
            return None
        with self._queue.transactions.reading() as connection:
            row = connection.execute(
                select(tickets).where(
                    tickets.c.device_token_id == request.device_token_id,
                    tickets.c.idempotency_key == request.idempotency_key,
                )
            ).first()
            if row is None:
                return None
            return _key_reused(request) if _differs(request, row) else (self._queue.answer(connection, row), False)

    def _issue_batch(self, requests: Sequence[IssueRequest]) -> list[Issued | Exception]:
        """The hot path: about seven statements per batch, however many tickets it holds.

        PostgreSQL: the site lock is taken after the reads and the tickets' random parts, and the
        answers are written after the commit, so other processes wait only for the statements
        that change something. The quota and the numbers stay exact (the counter's UPDATE); only
        the kiosk limit may let through what one kiosk has in flight in two processes at once.
        """
        queue = self._queue
        outcomes: list[Any] = [None] * len(requests)
        open_counters, today_calls, history = queue.wait_inputs.current()
        closed = queue.calendar.recent_closed_dates()
        with queue.transactions.writing(serialise_at_start=False, keeps_wait_inputs=True) as connection:
            now = queue.clock()
            stored_now = to_db(now)
            day = service_day(now, self._site)
            todo, repeats = self._answer_repeats(connection, requests, outcomes)
            todo = self._admit(connection, requests, todo, outcomes, now)
            enabled = dict(connection.execute(_SERVICE_SWITCHES, {"b_site": self._site.id}).all())
            per_service: dict[str, list[int]] = {}
            for index in todo:
                per_service.setdefault(requests[index].service.id, []).append(index)
            drafts: dict[int, dict[str, Any]] = {}
            for service_id, indices in list(per_service.items()):
                service = requests[indices[0]].service
                state = availability(
                    service,
                    now,
                    self._site,
                    enabled=enabled.get(service_id) is not False,
                    remaining=None,
                    closed=closed,
                )
                if not state.open and state.reason:
                    refusal = self._closed(service, state.reason, state.next_open)
                    for index in indices:
                        outcomes[index] = refusal
                    del per_service[service_id]
                    continue
                for index in indices:
                    drafts[index] = self._new_ticket(requests[index], day, stored_now)
            if not drafts:
                self._count_turned_away(connection, requests, outcomes, day)
                return self._with_repeats(outcomes, repeats)
            if connection.dialect.name == "postgresql":
                queue.transactions.serialise_site_writers(connection)
            rows: dict[int, dict[str, Any]] = {}
            issued: dict[str, Numbers] = {}
            for service_id in per_service:
                indices = per_service[service_id]
                service = requests[indices[0]].service
                numbers = take_numbers(connection, self._site.id, service, day, len(indices))
                if numbers.granted:
                    issued[service_id] = numbers
                for offset, index in enumerate(indices):
                    if offset < numbers.granted:
                        rows[index] = drafts[index]
                        rows[index]["sequence"] = numbers.first + offset
                        rows[index]["number"] = format_number(service.prefix, numbers.first + offset)
                    else:
                        outcomes[index] = self._quota_exhausted(
                            service, next_opening(service, now, self._site, later_day=True, closed=closed)
                        )
            self._count_turned_away(connection, requests, outcomes, day)
            if not rows:
                return self._with_repeats(outcomes, repeats)
            wait_model = queue.wait_inputs.model(today_calls, history, now)
            snap = self._write_tickets(connection, rows, issued, now, day, closed, open_counters, wait_model)
        # Committed: now the answers, each with its place in the queue.
        for index, values in rows.items():
            row = SimpleNamespace(**values)
            numbers = issued[row.service_id]
            behind = numbers.first + numbers.granted - 1 - row.sequence  # this batch's tickets after it
            ahead = snap.waiting.get(row.service_id, 0) - 1 - behind
            outcomes[index] = (queue.views.ticket(row, snap, people_ahead=ahead), True)
        return self._with_repeats(outcomes, repeats)

    @staticmethod
    def _with_repeats(outcomes: list[Any], repeats: dict[int, int]) -> list[Any]:
        """A key sent twice in one batch: the second gets the first's ticket (not created) or refusal.

        A repeat that asks for something else than the first was refused already (_answer_repeats).
        """
        for index, first in repeats.items():
            outcome = outcomes[first]
            outcomes[index] = (outcome[0], False) if isinstance(outcome, tuple) else outcome
        return outcomes

    def _answer_repeats(
        self, connection: Connection, requests: Sequence[IssueRequest], outcomes: list[Any]
    ) -> tuple[list[int], dict[int, int]]:
        """Idempotency: a key seen before gets its ticket; a key twice in this batch, the first's outcome.

        A key sent with another service or language than its ticket (or its first request in this
        batch) is refused: compared with the row already read, at no extra statement.
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
                row = found[pair]
                outcomes[index] = (
                    _key_reused(request) if _differs(request, row) else (self._queue.answer(connection, row), False)
                )
            elif pair in first_of:
                first = requests[first_of[pair]]
                if (first.service.id, first.language) != (request.service.id, request.language):
                    outcomes[index] = _key_reused(request)
                else:
                    repeats[index] = first_of[pair]
            else:
                first_of[pair] = index
                todo.append(index)
        return todo, repeats

    def _admit(
        self,
        connection: Connection,
        requests: Sequence[IssueRequest],
        todo: list[int],
        outcomes: list[Any],
        now: datetime,
    ) -> list[int]:
        """The requests within their kiosk's limit; the others get their RateLimited."""
        if not todo:
            return todo
        per_minute = self._queue.config.limits.kiosk_tickets_per_minute
        refusals = limit_kiosks(connection, [requests[index].device_token_id for index in todo], per_minute, now)
        admitted: list[int] = []
        for index, refusal in zip(todo, refusals, strict=True):
            if refusal is None:
                admitted.append(index)
            else:
                outcomes[index] = refusal
        return admitted

    def _new_ticket(self, request: IssueRequest, day: date, stored_now: datetime) -> dict[str, Any]:
        """A ticket's row without its number, which the counter's UPDATE gives later."""
        service = request.service
        values = {
            "id": str(uuid.uuid4()),
            "site_id": self._site.id,
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
            "slot_window_start": None,
            "slot_window_end": None,
        }
        values["code_token"], values["code_key"] = new_token(self._queue.signing_key, self._site.id)
        return values

    def _write_tickets(
        self,
        connection: Connection,
        rows: dict[int, dict[str, Any]],
        issued: dict[str, Numbers],
        now: datetime,
        day: date,
        closed: frozenset[date],
        open_counters: set[str],
        wait_model: WaitModel,
    ) -> DaySnapshot:
        """Insert the batch's tickets and announce them; the figures after the batch, for the answers."""
        queue = self._queue
        connection.execute(_INSERT_TICKETS, list(rows.values()))
        waiting = dict(
            connection.execute(
                _WAITING_PER_SERVICE, {"b_site": self._site.id, "b_day": day, "b_services": self._service_ids}
            ).all()
        )
        snap = DaySnapshot(
            now=now,
            day=day,
            issued={s: (n.walk_ins, n.quota) for s, n in issued.items()},
            waiting=waiting,
            enabled=dict.fromkeys(issued, True),
            open_counters=open_counters,
            wait_model=wait_model,
            turned_away={s: n.turned_away for s, n in issued.items()},
            closed=closed,
        )
        # Only the batch that takes a service's last ticket reads which later slot is offered now.
        exhausted = {s for s, n in issued.items() if n.quota is not None and n.walk_ins >= n.quota}
        if exhausted:
            queue.calendar.offer_later_slots(connection, snap, exhausted)
        announcements: list[tuple[EventName, dict[str, Any]]] = [
            ("ticket.issued", queue.views.summary(SimpleNamespace(**values))) for values in rows.values()
        ]
        # One service.updated per service with its figures after the whole batch.
        announcements += [("service.updated", queue.views.service(snap, queue.service(s))) for s in issued]
        queue.events.append_many(connection, announcements)
        return snap

    def _count_turned_away(
        self, connection: Connection, requests: Sequence[IssueRequest], outcomes: list[Any], day: date
    ) -> None:
        """Count this batch's refusals in its own transaction (server/office/demand.py)."""
        refused = [
            (request.service, reason)
            for request, outcome in zip(requests, outcomes, strict=True)
            if (reason := reason_of(outcome)) is not None
        ]
        if refused:
            count_turned_away(connection, self._site.id, day, refused)

    def _local(self, moment: datetime | None) -> datetime | None:
        return None if moment is None else moment.astimezone(self._site.zone)

    def _quota_exhausted(self, service: Service, next_open: datetime | None) -> QuotaExhausted:
        when = f" Next chance: {self._queue.views.iso(next_open)}." if next_open else ""
        return QuotaExhausted(
            f"All tickets for {service.name('en')} have been given out today.{when}",
            service=service.id,
            next_open=self._local(next_open),
        )

    def _closed(self, service: Service, reason: ClosedReason, next_open: datetime | None) -> ServiceClosed:
        when = f" Next chance: {self._queue.views.iso(next_open)}." if next_open else ""
        why = "is switched off" if reason is ClosedReason.SWITCHED_OFF else "is closed at this hour"
        return ServiceClosed(
            f"{service.name('en')} {why}.{when}", service=service.id, reason=reason, next_open=self._local(next_open)
        )


def _differs(request: IssueRequest, row: Any) -> bool:
    """Whether a request asks for something else than the ticket its key made (its first service, even if
    staff transferred it since, and its language)."""
    return (request.service.id, request.language) != (row.issued_service_id, row.language)


def _key_reused(request: IssueRequest) -> IdempotencyKeyReused:
    return IdempotencyKeyReused(
        f"Idempotency-Key {request.idempotency_key!r} was already used by this kiosk for a ticket for another "
        "service or language; send a new key for a new ticket, or the same request again to get that ticket.",
        key=str(request.idempotency_key),
    )

"""Booking a guaranteed later slot at the kiosk, when today's walk-in tickets of a service are gone.

One transaction (under the site lock on PostgreSQL, BEGIN IMMEDIATE on SQLite): idempotency, the
rule that later slots are only for those who can get no ticket today, the kiosk limit, the
earliest window with room, its place taken by conditional UPDATEs (server/office/slot_calendar.py),
the slot, the day's count of booked slots and the events. Refusals that turn someone away are
counted in the same transaction (server/office/demand.py).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, bindparam, func, insert, select
from sqlalchemy.exc import IntegrityError

from server.clock import from_db, to_db
from server.config import Service
from server.office.demand import TurnedAway, count_later_slot_booked, count_turned_away
from server.office.site_queue import SiteQueue
from server.rules.errors import (
    IdempotencyKeyReused,
    InvalidInput,
    NoLaterSlots,
    QueueError,
    RateLimited,
    TicketsStillAvailable,
)
from server.rules.later_slots import Window, walk_in_from
from server.rules.service_day import service_day
from server.rules.ticket_codes import new_token
from server.storage.schema import later_slots, service_days, service_settings

RATE_WINDOW = timedelta(seconds=60)

# Built once: SQLAlchemy then finds their compiled form by identity (every booking runs them).
_BY_IDEMPOTENCY_KEY = select(later_slots).where(
    later_slots.c.device_token_id == bindparam("b_device"), later_slots.c.idempotency_key == bindparam("b_key")
)
_WALK_INS_TODAY = select(service_days.c.issued - service_days.c.slot_tickets, service_days.c.quota).where(
    service_days.c.site_id == bindparam("b_site"),
    service_days.c.service_id == bindparam("b_service"),
    service_days.c.day == bindparam("b_day"),
)
_SWITCHED = select(service_settings.c.enabled).where(
    service_settings.c.site_id == bindparam("b_site"), service_settings.c.service_id == bindparam("b_service")
)
_RECENT_BY_DEVICE = select(func.count(), func.min(later_slots.c.booked_at)).where(
    later_slots.c.device_token_id == bindparam("b_device"), later_slots.c.booked_at > bindparam("b_since")
)
_INSERT_SLOT = insert(later_slots)

#: (slot, created): created is False for a repeated idempotency key.
Booked = tuple[dict[str, Any], bool]


@dataclass(frozen=True)
class SlotRequest:
    service: Service
    language: str
    device_token_id: str
    idempotency_key: str


class SlotBooking:
    def __init__(self, queue: SiteQueue) -> None:
        self._queue = queue
        self._site = queue.site

    def book(self, service_id: str, language: str, device_token_id: str, idempotency_key: str) -> Booked:
        """Book the earliest free window of the coming open days: (slot, created)."""
        service = self._queue.service(service_id)
        if language not in self._site.languages:
            raise InvalidInput(
                f"language: {language!r} is not offered here (offered: {', '.join(self._site.languages)})."
            )
        request = SlotRequest(service, language, device_token_id, idempotency_key)
        try:
            with self._queue.transactions.writing() as connection:
                outcome = self._book(connection, request)
        except IntegrityError:
            # The same key committed a moment ago by another process: answer with its slot.
            with self._queue.transactions.reading() as connection:
                outcome = self._repeat(connection, request)
            if outcome is None:
                raise
        if isinstance(outcome, QueueError):
            raise outcome
        return outcome

    def _book(self, connection: Connection, request: SlotRequest) -> Booked | QueueError:
        """The booking, or the refusal to raise once its count is committed."""
        queue = self._queue
        service = request.service
        repeat = self._repeat(connection, request)
        if repeat is not None:
            return repeat
        now = queue.clock()
        today = service_day(now, self._site)
        closed = queue.calendar.closed_dates(connection)
        still = self._walk_in_from(connection, service, now, closed)
        if still is not None:
            return still
        refusal: QueueError | None = self._rate_limited(connection, request.device_token_id, now)
        if refusal is None:
            booked = self._take_window(connection, request, now, closed)
            if not isinstance(booked, QueueError):
                return record_booking(queue, connection, booked, service, now), True
            refusal = booked
        reason = TurnedAway.RATE_LIMITED if isinstance(refusal, RateLimited) else TurnedAway.NO_LATER_SLOTS
        count_turned_away(connection, self._site.id, today, [(service, reason)])
        return refusal

    def _repeat(self, connection: Connection, request: SlotRequest) -> Booked | None:
        row = connection.execute(
            _BY_IDEMPOTENCY_KEY, {"b_device": request.device_token_id, "b_key": request.idempotency_key}
        ).first()
        if row is None:
            return None
        if (row.service_id, row.language) != (request.service.id, request.language):
            raise IdempotencyKeyReused(
                f"Idempotency-Key {request.idempotency_key!r} was used before for a later slot of "
                f"{row.service_id!r} in {row.language!r}; send a new key for a new request.",
                key=request.idempotency_key,
            )
        return self._queue.slot_views.slot(row, self._queue.clock()), False

    def _walk_in_from(
        self, connection: Connection, service: Service, now: datetime, closed: frozenset[date]
    ) -> TicketsStillAvailable | None:
        """A refusal while today's walk-in tickets of the service can still be drawn (now or later today)."""
        today = service_day(now, self._site)
        which = {"b_site": self._site.id, "b_service": service.id}
        counts = connection.execute(_WALK_INS_TODAY, {**which, "b_day": today}).first()
        walk_ins, quota = counts if counts is not None else (0, service.quota)
        remaining = None if quota is None else max(quota - walk_ins, 0)
        enabled = connection.execute(_SWITCHED, which).scalar_one_or_none()
        moment = walk_in_from(
            service, now, self._site, enabled=enabled is not False, remaining=remaining, closed=closed
        )
        if moment is None:
            return None
        name = service.name("en")
        when = "now" if moment == now else f"from {moment.astimezone(self._site.zone):%H:%M} today"
        return TicketsStillAvailable(
            f"Tickets for {name} can still be drawn {when}; later slots are only for days when they are gone.",
            service=service.id,
            remaining=remaining,
            next_open=None if moment == now else moment.astimezone(self._site.zone),
        )

    def _rate_limited(self, connection: Connection, device_token_id: str, now: datetime) -> RateLimited | None:
        """The kiosk limit of tickets, applied to later slots on their own."""
        per_minute = self._queue.config.limits.kiosk_tickets_per_minute
        recent = connection.execute(
            _RECENT_BY_DEVICE, {"b_device": device_token_id, "b_since": to_db(now - RATE_WINDOW)}
        ).first()
        assert recent is not None
        count, oldest = recent
        if count < per_minute:
            return None
        retry_after = max(1, int((from_db(oldest) + RATE_WINDOW - now).total_seconds()) + 1)
        return RateLimited(
            f"This device has booked {per_minute} later slots in the last minute; please wait {retry_after} s.",
            retry_after=retry_after,
        )

    def _take_window(
        self, connection: Connection, request: SlotRequest, now: datetime, closed: frozenset[date]
    ) -> SimpleNamespace | NoLaterSlots:
        """Insert the slot in the earliest window with room; the row's values, or the refusal."""
        queue = self._queue
        service = request.service
        if service.later_slots is None:
            return NoLaterSlots(f"{service.name('en')} offers no later slots.", service=service.id)
        windows = queue.calendar.horizon(service, now, closed)
        for _ in range(100):
            window = queue.calendar.first_free(connection, service, windows, now)
            if window is None:
                days = service.later_slots.days_ahead
                return NoLaterSlots(
                    f"Every later slot for {service.name('en')} on the coming {days} open days is booked.",
                    service=service.id,
                )
            if queue.calendar.take_place(connection, service, window):
                break
        else:
            raise RuntimeError(f"the later slots of {service.id} kept filling under this transaction")
        return insert_slot(queue, connection, service, window, request, now)


def insert_slot(
    queue: SiteQueue,
    connection: Connection,
    service: Service,
    window: Window,
    request: SlotRequest,
    now: datetime,
    partner_id: str | None = None,
) -> SimpleNamespace:
    """Store a slot in `window`, whose place the caller has taken; the row's values."""
    token, code_key = new_token(queue.signing_key, queue.site.id)
    values = {
        "id": str(uuid.uuid4()),
        "site_id": queue.site.id,
        "service_id": service.id,
        "language": request.language,
        "day": window.day,
        "window_start": to_db(window.start),
        "window_end": to_db(window.end),
        "status": "booked",
        "booked_at": to_db(now),
        "moved_from_start": None,
        "moved_from_end": None,
        "ticket_id": None,
        "ticket_number": None,
        "checked_in_at": None,
        "cancelled_at": None,
        "code_key": code_key,
        "code_token": token,
        "device_token_id": request.device_token_id,
        "idempotency_key": request.idempotency_key,
        "partner_id": partner_id,
    }
    connection.execute(_INSERT_SLOT, values)
    return SimpleNamespace(**values)


def record_booking(
    queue: SiteQueue, connection: Connection, booked: SimpleNamespace, service: Service, now: datetime
) -> dict[str, Any]:
    """Count the booked slot for today and announce it (its service's figures changed); the Slot."""
    count_later_slot_booked(connection, queue.site.id, service, service_day(now, queue.site))
    snap = queue.snapshot(connection)
    queue.events.append_many(
        connection,
        [
            ("slot.booked", queue.slot_views.summary(booked, now)),
            ("service.updated", queue.views.service(snap, service)),
        ],
    )
    return queue.slot_views.slot(booked, now)

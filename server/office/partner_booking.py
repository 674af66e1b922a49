"""A counselling partner books a guaranteed later slot for a visitor it accompanies.

The same slots as the kiosk's (server/office/slot_booking.py): the same windows, their places taken
by the same conditional UPDATEs, the same codes, check-in and counts. What differs is why and when:

- A counsellor books a **chosen day** (one of the service's bookable days: the coming open days
  within `days_ahead`, never today) and gets that day's earliest window with room, or the window
  they chose. A visitor who has an appointment with a counsellor on Tuesday needs a slot on
  Thursday, not the first free one.
- It is **not refused while today's walk-in tickets remain**: the rule that keeps kiosks from
  handing out later slots instead of today's tickets is about the visitor at the kiosk now; a
  partner books a coming day on purpose.
- It is bounded by the partner's **allotment**: the concerns the office opened to it, and how many
  slots it may hold on one day (server/office/partner_allotment.py), taken in the same transaction.

Refusals of a partner's request are not counted as "turned away": a counsellor who tries three days
before finding room is one visitor, not three, and the visitor has not been turned away by anyone.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, select
from sqlalchemy.exc import IntegrityError

from server.clock import from_db
from server.config import Partner, Service
from server.office.partner_allotment import take_allotment
from server.office.site_queue import SiteQueue
from server.office.slot_booking import SlotRequest, insert_slot, record_booking
from server.rules.errors import (
    IdempotencyKeyReused,
    InvalidInput,
    NoLaterSlots,
    NotPartnersService,
    PartnerAllotmentExhausted,
)
from server.rules.later_slots import Window, bookable_days, first_free_window, windows_on
from server.rules.service_day import service_day
from server.storage.schema import later_slots

_BY_IDEMPOTENCY_KEY = select(later_slots).where(
    later_slots.c.device_token_id == bindparam("b_device"), later_slots.c.idempotency_key == bindparam("b_key")
)

#: (slot, created): created is False for a repeated idempotency key.
Booked = tuple[dict[str, Any], bool]


@dataclass(frozen=True)
class PartnerRequest:
    partner: Partner
    service: Service
    language: str
    day: date
    #: The window the counsellor chose; None: the day's earliest with room.
    window_start: datetime | None
    device_token_id: str
    idempotency_key: str


def partners_service(queue: SiteQueue, partner: Partner, service_id: str) -> Service:
    """The service, if the office opened it to this partner (404 unknown, 403 not the partner's)."""
    service = queue.service(service_id)
    if service.id not in partner.services:
        office_language = queue.site.languages[0]
        allowed = ", ".join(queue.service(s).name("en") for s in partner.services)
        raise NotPartnersService(
            f"{partner.name('en', office_language)} may book later slots for {allowed} only, "
            f"not for {service.name('en')} ({service.id}); please ask the office.",
            service=service.id,
        )
    return service


class PartnerBooking:
    def __init__(self, queue: SiteQueue) -> None:
        self._queue = queue
        self._site = queue.site

    def book(
        self,
        partner: Partner,
        service_id: str,
        language: str,
        day: date,
        window_start: datetime | None,
        device_token_id: str,
        idempotency_key: str,
    ) -> Booked:
        """Book a slot on `day` (its earliest window with room, or `window_start`'s): (slot, created)."""
        service = partners_service(self._queue, partner, service_id)
        if language not in self._site.languages:
            raise InvalidInput(
                f"language: {language!r} is not offered here (offered: {', '.join(self._site.languages)})."
            )
        request = PartnerRequest(partner, service, language, day, window_start, device_token_id, idempotency_key)
        try:
            with self._queue.transactions.writing() as connection:
                return self._book(connection, request)
        except IntegrityError:
            # The same key committed a moment ago by another process: answer with its slot.
            with self._queue.transactions.reading() as connection:
                repeat = self._repeat(connection, request)
            if repeat is None:
                raise
            return repeat

    def _book(self, connection: Connection, request: PartnerRequest) -> Booked:
        """The booking; a refusal is raised, and rolls back whatever was taken."""
        queue = self._queue
        repeat = self._repeat(connection, request)
        if repeat is not None:
            return repeat
        now = queue.clock()
        service, partner, day = request.service, request.partner, request.day
        closed = queue.calendar.closed_dates(connection)
        days = bookable_days(service, service_day(now, self._site), self._site, closed)
        if day not in days:
            listed = ", ".join(d.isoformat() for d in days) or "none at the moment"
            raise InvalidInput(
                f"day: {service.name('en')} cannot be booked for {day.isoformat()}; the bookable days are {listed}."
            )
        windows = windows_on(service, day, self._site)
        if request.window_start is not None:
            windows = [w for w in windows if w.start == request.window_start]
            if not windows:
                raise InvalidInput(
                    f"window_start: {request.window_start.isoformat()} is not the start of a window of "
                    f"{service.name('en')} on {day.isoformat()}."
                )
        if not take_allotment(connection, self._site.id, partner.id, day, partner.slots_per_day):
            raise PartnerAllotmentExhausted(
                f"{partner.name('en', self._site.languages[0])} already holds the {partner.slots_per_day} later "
                f"slots it may hold on {day.isoformat()}; "
                "choose another day, or cancel one of that day's slots.",
                day=day,
                slots_per_day=partner.slots_per_day,
            )
        window = self._take_window(connection, service, windows, now)
        if window is None:
            which = "that window" if request.window_start is not None else day.isoformat()
            raise NoLaterSlots(
                f"Every later slot of {service.name('en')} in {which} is booked; choose another "
                f"{'window' if request.window_start is not None else 'day'}.",
                service=service.id,
            )
        slot_request = SlotRequest(service, request.language, request.device_token_id, request.idempotency_key)
        booked = insert_slot(queue, connection, service, window, slot_request, now, partner_id=partner.id)
        return record_booking(queue, connection, booked, service, now), True

    def _take_window(
        self, connection: Connection, service: Service, windows: list[Window], now: datetime
    ) -> Window | None:
        """A place in the earliest of `windows` with room (in this transaction the counters cannot move)."""
        calendar = self._queue.calendar
        rules = service.later_slots
        assert rules is not None
        if not windows:
            return None
        per_window, per_day = calendar.booked(connection, [service.id], windows[0].day, windows[-1].day)
        window = first_free_window(
            windows,
            rules,
            {start: n for (_, start), n in per_window.items()},
            {d: n for (_, d), n in per_day.items()},
            now,
        )
        if window is None or not calendar.take_place(connection, service, window):
            return None
        return window

    def _repeat(self, connection: Connection, request: PartnerRequest) -> Booked | None:
        row = connection.execute(
            _BY_IDEMPOTENCY_KEY, {"b_device": request.device_token_id, "b_key": request.idempotency_key}
        ).first()
        if row is None:
            return None
        # The day asked for is the day booked, unless the office moved the slot since.
        asked_day = service_day(from_db(row.moved_from_start), self._site) if row.moved_from_start else row.day
        if (row.service_id, row.language, asked_day) != (request.service.id, request.language, request.day):
            raise IdempotencyKeyReused(
                f"Idempotency-Key {request.idempotency_key!r} was used before for a later slot of "
                f"{row.service_id!r} in {row.language!r} on {asked_day.isoformat()}; send a new key for a new request.",
                key=request.idempotency_key,
            )
        return self._queue.slot_views.slot(row, self._queue.clock()), False

"""The later slots' calendar as stored: closed dates, what each window and day holds, and taking or
giving back a place.

A place is taken like a ticket number (server/office/numbering.py): a conditional UPDATE that
only applies while the day and the window still have room (`… SET booked = booked + 1 WHERE
booked < :capacity`), so however many kiosks and processes race, no window holds more than
`per_window` and no day more than `per_day`. The capacities come from the site config at each
booking, so an office that raises them gets the new room at once.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import Connection, bindparam, select, update

from server.clock import Clock, from_db, to_db
from server.config import Service, SiteConfig
from server.office.day_snapshot import DaySnapshot
from server.office.numbering import dialect_insert
from server.rules.later_slots import Window, bookable_days, first_free_window, walk_in_from, windows_on
from server.rules.service_day import service_day
from server.storage.engine import Engines
from server.storage.schema import closed_dates, later_slot_days, later_slot_windows

#: How long the issue path trusts the closed dates it read (they close future days only).
CLOSED_DATES_SECONDS = 5.0

_TAKE_DAY_PLACE = (
    update(later_slot_days)
    .where(
        later_slot_days.c.site_id == bindparam("b_site"),
        later_slot_days.c.service_id == bindparam("b_service"),
        later_slot_days.c.day == bindparam("b_day"),
        later_slot_days.c.booked < bindparam("b_capacity"),
    )
    .values(booked=later_slot_days.c.booked + 1)
)
_TAKE_WINDOW_PLACE = (
    update(later_slot_windows)
    .where(
        later_slot_windows.c.site_id == bindparam("b_site"),
        later_slot_windows.c.service_id == bindparam("b_service"),
        later_slot_windows.c.window_start == bindparam("b_start"),
        later_slot_windows.c.booked < bindparam("b_capacity"),
    )
    .values(booked=later_slot_windows.c.booked + 1)
)


# Built once: SQLAlchemy then finds their compiled form by identity (every booking runs them).
_WINDOWS_BOOKED = select(
    later_slot_windows.c.service_id, later_slot_windows.c.window_start, later_slot_windows.c.booked
).where(
    later_slot_windows.c.site_id == bindparam("b_site"),
    later_slot_windows.c.service_id.in_(bindparam("b_services", expanding=True)),
    later_slot_windows.c.day.between(bindparam("b_first"), bindparam("b_last")),
)
_DAYS_BOOKED = select(later_slot_days.c.service_id, later_slot_days.c.day, later_slot_days.c.booked).where(
    later_slot_days.c.site_id == bindparam("b_site"),
    later_slot_days.c.service_id.in_(bindparam("b_services", expanding=True)),
    later_slot_days.c.day.between(bindparam("b_first"), bindparam("b_last")),
)
_CLOSED_DATES = select(closed_dates.c.day).where(closed_dates.c.site_id == bindparam("b_site"))


class SlotCalendar:
    def __init__(self, config: SiteConfig, engines: Engines, clock: Clock) -> None:
        self._config = config
        self._site = config.site
        self._engines = engines
        self._clock = clock
        self._configured = frozenset(config.site.closed_dates)
        self._cached: tuple[date, float, frozenset[date]] | None = None

    # -- closed dates

    def closed_dates(self, connection: Connection) -> frozenset[date]:
        """The config's closed dates and those closed with the admin command, read in this transaction."""
        stored = connection.execute(_CLOSED_DATES, {"b_site": self._site.id})
        return self._configured | {row.day for row in stored}

    def recent_closed_dates(self) -> frozenset[date]:
        """The closed dates as read a moment ago: for the issue path, which should not read them every time.

        Exact for today: dates are closed and opened again only ahead (never today), and the first
        call of each service day reads them afresh. Later dates (the "next chance" of a refusal)
        are at most CLOSED_DATES_SECONDS old.
        """
        today = service_day(self._clock(), self._site)
        cached = self._cached
        if cached is not None and cached[0] == today and cached[1] > time.monotonic():
            return cached[2]
        with self._engines.read.connect() as connection:
            dates = self.closed_dates(connection)
        self._cached = (today, time.monotonic() + CLOSED_DATES_SECONDS, dates)
        return dates

    def forget_closed_dates(self) -> None:
        self._cached = None

    # -- what the windows hold

    def horizon(self, service: Service, now: datetime, closed: frozenset[date]) -> list[Window]:
        """Every window a booking made now may get (the coming open days)."""
        today = service_day(now, self._site)
        return [
            w for day in bookable_days(service, today, self._site, closed) for w in windows_on(service, day, self._site)
        ]

    def booked(
        self, connection: Connection, service_ids: Iterable[str], first: date, last: date
    ) -> tuple[dict[tuple[str, datetime], int], dict[tuple[str, date], int]]:
        """Places taken per (service, window start) and per (service, day), for days first..last."""
        which = {"b_site": self._site.id, "b_services": list(service_ids), "b_first": first, "b_last": last}
        windows = {(row[0], from_db(row[1])): row[2] for row in connection.execute(_WINDOWS_BOOKED, which)}
        days = {(row[0], row[1]): row[2] for row in connection.execute(_DAYS_BOOKED, which)}
        return windows, days

    def first_free(
        self, connection: Connection, service: Service, windows: list[Window], after: datetime
    ) -> Window | None:
        """The earliest of `windows` that still has room."""
        return self.first_free_of(connection, [(service, windows)], after).get(service.id)

    def first_free_of(
        self, connection: Connection, wanted: list[tuple[Service, list[Window]]], after: datetime
    ) -> dict[str, Window | None]:
        """The earliest window with room for each service, from one read of the counters."""
        days = [w.day for _, windows in wanted for w in windows]
        if not days:
            return {service.id: None for service, _ in wanted}
        per_window, per_day = self.booked(connection, [s.id for s, _ in wanted], min(days), max(days))
        offers: dict[str, Window | None] = {}
        for service, windows in wanted:
            assert service.later_slots is not None
            offers[service.id] = first_free_window(
                windows,
                service.later_slots,
                {start: n for (s, start), n in per_window.items() if s == service.id},
                {day: n for (s, day), n in per_day.items() if s == service.id},
                after,
            )
        return offers

    def offer_later_slots(self, connection: Connection, snap: DaySnapshot, only: set[str] | None = None) -> None:
        """Fill the snapshot's next later slot of each service (of `only`) a kiosk may book one for right now."""
        wanted = []
        for service in self._config.services:
            if service.later_slots is None or (only is not None and service.id not in only):
                continue
            walk_ins, quota = snap.issued.get(service.id, (0, service.quota))
            remaining = None if quota is None else max(quota - walk_ins, 0)
            enabled = snap.enabled.get(service.id, True)
            if walk_in_from(service, snap.now, self._site, enabled=enabled, remaining=remaining, closed=snap.closed):
                continue  # a walk-in ticket can still be had today: no later slot is offered
            wanted.append((service, self.horizon(service, snap.now, snap.closed)))
        if wanted:
            snap.next_later_slots.update(self.first_free_of(connection, wanted, snap.now))

    # -- taking and giving back places

    def take_place(self, connection: Connection, service: Service, window: Window) -> bool:
        """One place in `window` (and its day), if both still have room; False if either is full."""
        rules = service.later_slots
        assert rules is not None
        which = {"b_site": self._site.id, "b_service": service.id}
        self._ensure_rows(connection, service, window)
        if not connection.execute(
            _TAKE_DAY_PLACE, {**which, "b_day": window.day, "b_capacity": rules.per_day}
        ).rowcount:
            return False
        taken = connection.execute(
            _TAKE_WINDOW_PLACE, {**which, "b_start": to_db(window.start), "b_capacity": rules.per_window}
        ).rowcount
        if not taken:
            # The window filled under us (only possible without the site lock): give the day's place back.
            self._give_day_place(connection, service.id, window.day)
        return bool(taken)

    def give_back(self, connection: Connection, service_id: str, day: date, window_start: datetime) -> None:
        """A cancelled or moved slot's place returns to its window and its day."""
        connection.execute(
            update(later_slot_windows)
            .where(
                later_slot_windows.c.site_id == self._site.id,
                later_slot_windows.c.service_id == service_id,
                later_slot_windows.c.window_start == to_db(window_start),
                later_slot_windows.c.booked > 0,
            )
            .values(booked=later_slot_windows.c.booked - 1)
        )
        self._give_day_place(connection, service_id, day)

    def _give_day_place(self, connection: Connection, service_id: str, day: date) -> None:
        connection.execute(
            update(later_slot_days)
            .where(
                later_slot_days.c.site_id == self._site.id,
                later_slot_days.c.service_id == service_id,
                later_slot_days.c.day == day,
                later_slot_days.c.booked > 0,
            )
            .values(booked=later_slot_days.c.booked - 1)
        )

    def _ensure_rows(self, connection: Connection, service: Service, window: Window) -> None:
        insert = dialect_insert(connection)
        keys = {"site_id": self._site.id, "service_id": service.id}
        connection.execute(insert(later_slot_days).values(**keys, day=window.day, booked=0).on_conflict_do_nothing())
        connection.execute(
            insert(later_slot_windows)
            .values(**keys, window_start=to_db(window.start), day=window.day, booked=0)
            .on_conflict_do_nothing()
        )

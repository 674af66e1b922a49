"""The figures of one moment of a service day: what service objects and wait estimates are computed from.

Quotas and queue lengths come from the day's counters and tickets; the wait estimate also needs the
open counters and today's visit lengths (the wait inputs), which change with staff actions, not with
issuing, so the issue path reuses them for a moment (WaitInputs).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, func, select

from server.clock import Clock, to_db
from server.config import Counter, Service, SiteInfo
from server.rules.service_day import service_day
from server.rules.ticket_rules import TicketStatus
from server.rules.wait_estimate import WaitEstimate, estimate_wait, learned_service_minutes
from server.storage.engine import Engines
from server.storage.schema import counter_states, service_days, service_settings, tickets

# A counter that called someone recently is serving, even if its app never said "open".
RECENT_ACTIVITY = timedelta(minutes=30)
WAIT_INPUTS_SECONDS = 2.0


@dataclass
class DaySnapshot:
    """The figures of one moment: per service issued/quota, waiting, switched on; open counters; visit lengths."""

    now: datetime
    day: date
    issued: dict[str, tuple[int, int | None]] = field(default_factory=dict)  # service -> (issued, quota)
    waiting: dict[str, int] = field(default_factory=dict)
    enabled: dict[str, bool] = field(default_factory=dict)
    open_counters: set[str] = field(default_factory=set)
    observed_minutes: dict[str, list[float]] = field(default_factory=dict)

    def capacity(self, service_id: str, counters: Sequence[Counter]) -> float:
        """Open counters for a service, each by the share of its attention the service gets."""
        return sum(
            1 / len(counter.services)
            for counter in counters
            if counter.id in self.open_counters and service_id in counter.services
        )

    def wait(self, service: Service, people_ahead: int, counters: Sequence[Counter]) -> WaitEstimate | None:
        return self.waits(service, counters)(people_ahead)

    def waits(self, service: Service, counters: Sequence[Counter]) -> Callable[[int], WaitEstimate | None]:
        """The wait for each place in the service's queue: what every place shares is worked out once."""
        minutes = learned_service_minutes(service.service_minutes, self.observed_minutes.get(service.id, []))
        capacity = self.capacity(service.id, counters)
        return lambda people_ahead: estimate_wait(people_ahead, minutes, capacity)


def read_snapshot(connection: Connection, site: SiteInfo, now: datetime) -> DaySnapshot:
    day = service_day(now, site)
    snap = DaySnapshot(now=now, day=day)
    for row in connection.execute(
        select(service_days.c.service_id, service_days.c.issued, service_days.c.quota).where(
            service_days.c.site_id == site.id, service_days.c.day == day
        )
    ):
        snap.issued[row.service_id] = (row.issued, row.quota)
    for row in connection.execute(
        select(tickets.c.service_id, func.count())
        .where(tickets.c.site_id == site.id, tickets.c.day == day, tickets.c.status == TicketStatus.WAITING)
        .group_by(tickets.c.service_id)
    ):
        snap.waiting[row[0]] = row[1]
    for row in connection.execute(
        select(service_settings.c.service_id, service_settings.c.enabled).where(service_settings.c.site_id == site.id)
    ):
        snap.enabled[row.service_id] = row.enabled
    read_wait_inputs(connection, site.id, snap)
    return snap


def read_wait_inputs(connection: Connection, site_id: str, snap: DaySnapshot) -> None:
    """Open counters and today's visit lengths: what the wait estimate needs besides the queue."""
    day, now = snap.day, snap.now
    # A counter is open when its app said so, or when it called someone recently, unless its
    # app closed it after that call.
    states = {
        row.counter_id: (row.open, row.changed_at)
        for row in connection.execute(
            select(counter_states.c.counter_id, counter_states.c.open, counter_states.c.changed_at).where(
                counter_states.c.site_id == site_id
            )
        )
    }
    snap.open_counters = {counter_id for counter_id, (is_open, _) in states.items() if is_open}
    for row in connection.execute(
        select(tickets.c.counter_id, func.max(tickets.c.called_at).label("last_call"))
        .where(
            tickets.c.site_id == site_id,
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
            tickets.c.site_id == site_id, tickets.c.day == day, tickets.c.status == TicketStatus.DONE
        )
    ):
        began = row.started_at or row.called_at
        if began and row.finished_at and row.finished_at > began:
            minutes = (row.finished_at - began).total_seconds() / 60
            snap.observed_minutes.setdefault(row.service_id, []).append(minutes)


class WaitInputs:
    """The wait inputs for the issue path, reused for a moment.

    They change with staff actions (open, call, finish), not with issuing; re-reading them for
    every ticket cost three queries. This process's staff actions forget them at once (see
    Transactions.writing); another process's are seen within WAIT_INPUTS_SECONDS.
    """

    def __init__(self, site: SiteInfo, engines: Engines, clock: Clock) -> None:
        self._site = site
        self._engines = engines
        self._clock = clock
        self._cached: tuple[float, date, set[str], dict[str, list[float]]] | None = None

    def forget(self) -> None:
        self._cached = None

    def current(self) -> tuple[set[str], dict[str, list[float]]]:
        """(open counters, observed visit minutes per service)."""
        now = self._clock()
        cached = self._cached
        if cached is not None and cached[0] > time.monotonic() and cached[1] == service_day(now, self._site):
            return cached[2], cached[3]
        snap = DaySnapshot(now=now, day=service_day(now, self._site))
        with self._engines.read.connect() as connection:
            read_wait_inputs(connection, self._site.id, snap)
        self._cached = (time.monotonic() + WAIT_INPUTS_SECONDS, snap.day, snap.open_counters, snap.observed_minutes)
        return snap.open_counters, snap.observed_minutes

"""The figures of one moment of a service day: what service objects and wait estimates are computed from.

Quotas and queue lengths come from the day's counters and tickets. The wait estimate
(server/rules/wait_estimate.py) also needs the open counters, today's calls and earlier days' paces
(the wait inputs): today's change with staff actions, not with issuing, so the issue path reuses
them for a moment; earlier days' do not change within a day and are read once per day.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import Connection, func, select

from server.clock import Clock, from_db
from server.config import SiteConfig
from server.office.numbering import TURNED_AWAY
from server.rules.later_slots import Window
from server.rules.pace import HISTORY_DAYS, CounterCall, DayCalls, History, call_minutes, day_calls, remembered
from server.rules.service_day import service_day
from server.rules.ticket_rules import TicketStatus
from server.rules.wait_estimate import WaitEstimate, WaitModel
from server.storage.engine import Engines
from server.storage.schema import counter_states, service_days, service_settings, tickets

# A counter that called someone recently is serving, even if its app never said "open".
RECENT_ACTIVITY = timedelta(minutes=30)
WAIT_INPUTS_SECONDS = 2.0


@dataclass
class DaySnapshot:
    """The figures of one moment: per service issued/quota, waiting, switched on; open counters; the wait model.

    And per service the later-slot figures: people turned away today, and the window a kiosk would
    book now (None while walk-in tickets can still be had, or when no window has room).
    """

    now: datetime
    day: date
    issued: dict[str, tuple[int, int | None]] = field(default_factory=dict)  # service -> (walk-ins, quota)
    waiting: dict[str, int] = field(default_factory=dict)
    enabled: dict[str, bool] = field(default_factory=dict)
    open_counters: set[str] = field(default_factory=set)
    wait_model: WaitModel | None = None
    turned_away: dict[str, int] = field(default_factory=dict)
    closed: frozenset[date] = frozenset()
    next_later_slots: dict[str, Window | None] = field(default_factory=dict)

    def wait(self, service_id: str, people_ahead: int) -> WaitEstimate | None:
        """The range for someone of the service with `people_ahead` before them; None: no counter serves it."""
        if self.wait_model is None:
            return None
        return self.wait_model.wait(service_id, people_ahead, self.waiting, self.open_counters)

    def waits(self, service_id: str) -> Callable[[int], WaitEstimate | None]:
        """The wait for each place in the service's queue; the model works out what every place shares once."""
        return lambda people_ahead: self.wait(service_id, people_ahead)


def read_snapshot(connection: Connection, site_id: str, now: datetime, wait_inputs: WaitInputs) -> DaySnapshot:
    snap = DaySnapshot(now=now, day=wait_inputs.day_of(now))
    day = snap.day
    for row in connection.execute(
        select(
            service_days.c.service_id,
            service_days.c.issued,
            service_days.c.quota,
            service_days.c.slot_tickets,
            TURNED_AWAY.label("turned_away"),
        ).where(service_days.c.site_id == site_id, service_days.c.day == day)
    ):
        # Checked-in later slots share the numbers but not the quota.
        snap.issued[row.service_id] = (row.issued - row.slot_tickets, row.quota)
        snap.turned_away[row.service_id] = row.turned_away
    for row in connection.execute(
        select(tickets.c.service_id, func.count())
        .where(tickets.c.site_id == site_id, tickets.c.day == day, tickets.c.status == TicketStatus.WAITING)
        .group_by(tickets.c.service_id)
    ):
        snap.waiting[row[0]] = row[1]
    for row in connection.execute(
        select(service_settings.c.service_id, service_settings.c.enabled).where(service_settings.c.site_id == site_id)
    ):
        snap.enabled[row.service_id] = row.enabled
    snap.open_counters, today = wait_inputs.read(connection, day, now)
    snap.wait_model = wait_inputs.model(today, wait_inputs.history(connection, day), now)
    return snap


class WaitInputs:
    """Reads (and, for the issue path, reuses) what the wait estimate needs besides the queue.

    Open counters and today's calls change with staff actions (open, call, finish), not with
    issuing; re-reading them for every ticket would cost queries on the hot path. This process's
    staff actions forget them at once (see Transactions.writing); another process's are seen within
    WAIT_INPUTS_SECONDS. Earlier days' paces are read once per service day.
    """

    def __init__(self, config: SiteConfig, engines: Engines, clock: Clock) -> None:
        self._config = config
        self._site = config.site
        self._engines = engines
        self._clock = clock
        self._configured = {s.id: s.service_minutes for s in config.services}
        self._counters = {c.id: c.services for c in config.counters}
        self._cached: tuple[float, date, set[str], DayCalls, dict[str, History]] | None = None
        self._history: tuple[date, dict[str, History]] | None = None

    def day_of(self, now: datetime) -> date:
        return service_day(now, self._site)

    def forget(self) -> None:
        self._cached = None

    def model(self, today: DayCalls, history: dict[str, History], now: datetime) -> WaitModel:
        return WaitModel(self._configured, self._counters, today, history, now)

    def current(self) -> tuple[set[str], DayCalls, dict[str, History]]:
        """(open counters, today's calls, earlier days' paces), reused for a moment."""
        now = self._clock()
        day = self.day_of(now)
        cached = self._cached
        if cached is not None and cached[0] > time.monotonic() and cached[1] == day:
            return cached[2], cached[3], cached[4]
        with self._engines.read.connect() as connection:
            open_counters, today = self.read(connection, day, now)
            history = self.history(connection, day)
        self._cached = (time.monotonic() + WAIT_INPUTS_SECONDS, day, open_counters, today, history)
        return open_counters, today, history

    def read(self, connection: Connection, day: date, now: datetime) -> tuple[set[str], DayCalls]:
        """The open counters and today's calls, read now."""
        site_id = self._site.id
        # A counter is open when its app said so, or when it called someone recently, unless its
        # app closed it after that call.
        states = {
            row.counter_id: (row.open, from_db(row.changed_at))
            for row in connection.execute(
                select(counter_states.c.counter_id, counter_states.c.open, counter_states.c.changed_at).where(
                    counter_states.c.site_id == site_id
                )
            )
        }
        open_counters = {counter_id for counter_id, (is_open, _) in states.items() if is_open}
        calls = [
            CounterCall(
                row.service_id,
                row.counter_id,
                from_db(row.called_at),
                None
                if row.status in (TicketStatus.CALLED, TicketStatus.SERVING)
                else from_db(row.finished_at or row.called_at),
                row.status == TicketStatus.NO_SHOW,
            )
            for row in connection.execute(
                select(
                    tickets.c.service_id,
                    tickets.c.counter_id,
                    tickets.c.status,
                    tickets.c.called_at,
                    tickets.c.finished_at,
                ).where(
                    tickets.c.site_id == site_id,
                    tickets.c.day == day,
                    tickets.c.called_at.is_not(None),
                    tickets.c.counter_id.is_not(None),
                )
            )
        ]
        last_call: dict[str, datetime] = {}
        for call in calls:
            last_call[call.counter] = max(call.called_at, last_call.get(call.counter, call.called_at))
        for counter_id, called_at in last_call.items():
            state = states.get(counter_id)
            if called_at >= now - RECENT_ACTIVITY and (state is None or state[0] or state[1] < called_at):
                open_counters.add(counter_id)
        return open_counters, day_calls(calls)

    def history(self, connection: Connection, today: date) -> dict[str, History]:
        """Earlier days' paces per service; read once per service day (they do not change)."""
        cached = self._history
        if cached is not None and cached[0] == today:
            return cached[1]
        per_day: dict[date, list[CounterCall]] = {}
        for row in connection.execute(
            select(
                tickets.c.day,
                tickets.c.service_id,
                tickets.c.counter_id,
                tickets.c.status,
                tickets.c.called_at,
                tickets.c.finished_at,
            ).where(
                tickets.c.site_id == self._site.id,
                tickets.c.day >= today - timedelta(days=HISTORY_DAYS),
                tickets.c.day < today,
                tickets.c.called_at.is_not(None),
                tickets.c.finished_at.is_not(None),
                tickets.c.counter_id.is_not(None),
            )
        ):
            per_day.setdefault(row.day, []).append(
                CounterCall(
                    row.service_id,
                    row.counter_id,
                    from_db(row.called_at),
                    from_db(row.finished_at),
                    row.status == TicketStatus.NO_SHOW,
                )
            )
        history = remembered({day: call_minutes(calls) for day, calls in per_day.items()}, today)
        self._history = (today, history)
        return history

"""The office's results over any range of service days: the figures of the console's results page.

One query reads the range's tickets as plain numbers (moments as UTC epoch seconds, computed by the
database, so a year of tickets arrives without building a Python datetime per value); the
figures are computed by server/rules/result_figures.py. The demand the office could not meet
comes from the per-day counts (server/office/demand.py), the later slots from their own table.

The same results feed the page, each plot and each plot's CSV, which the browser fetches one after
the other: they are kept for the last few ranges asked, keyed by the event log's newest id, so
nothing is read twice while nothing has changed, and a new ticket is in the next answer.
"""

from __future__ import annotations

import sqlite3
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    Date,
    Integer,
    case,
    cast,
    extract,
    func,
    literal,
    select,
    type_coerce,
)

from server.office.demand import Demand, TurnedAway
from server.office.site_queue import SiteQueue
from server.rules import result_figures as figures
from server.rules.errors import InvalidInput
from server.storage.schema import later_slots, tickets

#: Longer ranges are refused: two years answer any council's question.
LONGEST_RANGE_DAYS = 731
KEPT_RANGES = 8


@dataclass(frozen=True)
class RangeResults:
    first: date
    last: date
    #: Every service day of the range, YYYY-MM-DD, in order (the x axis of the per-day plots).
    days: list[str]
    #: One line per configured service: "service" (id), the service level target, and its figures.
    services: list[dict[str, Any]]
    #: Per local hour 0-23: issued, called, served.
    hours: dict[str, list[int]]
    #: Calls after 0-10, 10-20, … minutes of waiting; the last bin is everything over two hours.
    wait_histogram: list[int]
    #: Per service with a target, its service level per day (%; None: no calls that day).
    service_level: dict[str, list[float | None]]
    #: Per reason, how many were turned away each day.
    turned_away: dict[str, list[int]]
    #: Per counter that served anyone: busy and working minutes, and the share.
    counters: dict[str, dict[str, float]]
    tickets: int


def _epoch(column: Any, dialect: str) -> ColumnElement[Any]:
    """UTC epoch seconds of a naive-UTC column, by the database; NEVER where it is NULL."""
    if dialect == "sqlite":
        # unixepoch() (SQLite 3.38) parses the stored text in C, twice as fast as strftime('%s').
        modern = sqlite3.sqlite_version_info >= (3, 38)
        seconds: ColumnElement[Any] = func.unixepoch(column) if modern else cast(func.strftime("%s", column), Integer)
    else:
        seconds = cast(extract("epoch", column), BigInteger)
    return func.coalesce(seconds, figures.NEVER)


def _code(column: Any, values: tuple[str, ...]) -> ColumnElement[Any]:
    """The index of the column's value in `values`, by the database; -1 for NULL or anything else."""
    return case({value: index for index, value in enumerate(values)}, value=column, else_=-1)


def _day_number(first: date, dialect: str) -> ColumnElement[Any]:
    """Days from `first` to the ticket's service day."""
    if dialect == "sqlite":
        return cast(func.julianday(tickets.c.day) - func.julianday(literal(first.isoformat())), Integer)
    return type_coerce(tickets.c.day - cast(literal(first.isoformat()), Date), Integer)


class Results:
    def __init__(self, queue: SiteQueue, demand: Demand) -> None:
        self._queue = queue
        self._demand = demand
        self._kept: OrderedDict[tuple[date, date, int], RangeResults] = OrderedDict()
        self._lock = threading.Lock()

    def between(self, first: date, last: date) -> RangeResults:
        """The figures of the service days `first` to `last` (both included)."""
        if last < first:
            raise InvalidInput(f"to: {last.isoformat()} is before from: {first.isoformat()}")
        if (last - first).days >= LONGEST_RANGE_DAYS:
            raise InvalidInput(f"from/to: at most {LONGEST_RANGE_DAYS} days at once")
        key = (first, last, self._queue.events.newest_id())
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
        results = self._compute(first, last)
        with self._lock:
            self._kept[key] = results
            while len(self._kept) > KEPT_RANGES:
                self._kept.popitem(last=False)
        return results

    def _compute(self, first: date, last: date) -> RangeResults:
        queue = self._queue
        days = [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]
        services = tuple(s.id for s in queue.config.services)
        counters = tuple(c.id for c in queue.config.counters)
        with queue.transactions.reading() as connection:
            dialect = connection.dialect.name
            query = select(
                _code(tickets.c.issued_service_id, services),
                _code(tickets.c.service_id, services),
                _code(tickets.c.status, figures.STATUSES),
                _code(tickets.c.counter_id, counters),
                _day_number(first, dialect),
                case((tickets.c.slot_window_start.is_(None), 0), else_=1),
                *(
                    _epoch(c, dialect)
                    for c in (tickets.c.issued_at, tickets.c.called_at, tickets.c.started_at, tickets.c.finished_at)
                ),
            ).where(tickets.c.site_id == queue.site.id, tickets.c.day.between(first, last))
            rows = _plain_rows(connection, query)
            slot_rows = connection.execute(
                select(later_slots.c.service_id, later_slots.c.status, func.count())
                .where(later_slots.c.site_id == queue.site.id, later_slots.c.day.between(first, last))
                .group_by(later_slots.c.service_id, later_slots.c.status)
            ).all()
        times = figures.TicketTimes.from_rows(rows, services, counters, tuple(days))
        demand = self._demand.between(first, last)
        targets = {s.id: s.service_level_minutes for s in queue.config.services}
        slots: dict[str, dict[str, int]] = {}
        for service_id, status, count in slot_rows:
            counts = slots.setdefault(service_id, {"later_slots_due": 0, "later_slots_kept": 0})
            counts["later_slots_due"] += 0 if status == "cancelled" else count
            counts["later_slots_kept"] += count if status == "checked_in" else 0
        services = [
            {
                "service": service.id,
                "target_min": targets[service.id],
                **figures.per_service(times, service.id, targets[service.id], demand.get(service.id, {})),
                **slots.get(service.id, {"later_slots_due": 0, "later_slots_kept": 0}),
            }
            for service in queue.config.services
        ]
        per_day = self._demand.per_day(first, last)
        turned_away = {
            reason.value: [per_day.get(date.fromisoformat(day), {}).get(reason.value, 0) for day in days]
            for reason in TurnedAway
        }
        return RangeResults(
            first=first,
            last=last,
            days=days,
            services=services,
            hours=figures.per_hour(times, queue.site.zone),
            wait_histogram=figures.wait_histogram(times),
            service_level=figures.service_level_per_day(times, targets),
            turned_away=turned_away,
            counters=figures.counter_utilisation(times),
            tickets=len(times),
        )


def _plain_rows(connection: Connection, query: Any) -> list[tuple[int, ...]]:
    """The query's rows as the driver's plain tuples of numbers: for a year of tickets, SQLAlchemy's
    row objects would cost more than the database's work. Only numbers and dates are bound, so they
    are written into the statement by SQLAlchemy's own literal rendering."""
    compiled = query.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True})
    cursor = connection.connection.cursor()
    try:
        cursor.execute(str(compiled))
        return cursor.fetchall()
    finally:
        cursor.close()

"""Demand the office could not meet: everyone turned away, and every later slot booked, per service per day.

"Turned away" counts each refused request for a ticket or a later slot, by the error it got:
`quota_exhausted`, `service_closed` (outside hours, switched off, closed date), `rate_limited`
(a kiosk drawing faster than the site allows) and `no_later_slots` (every window of the coming open
days booked). Malformed or unknown requests, and `slots_available` (a walk-in ticket can still be
had), are not counted. A booked later slot is not "turned away": it is counted as booked, on the
day it was booked. Both are written in the transaction that refused or booked, so the counts
survive a crash exactly as the answers the kiosks got.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from datetime import date
from enum import StrEnum
from functools import cache
from typing import Any

from sqlalchemy import Connection, bindparam, func, select

from server.config import Service
from server.office.site_queue import SiteQueue
from server.rules.errors import NoLaterSlots, QuotaExhausted, RateLimited, ServiceClosed
from server.storage.schema import service_days


class TurnedAway(StrEnum):
    QUOTA_EXHAUSTED = "quota_exhausted"
    SERVICE_CLOSED = "service_closed"
    RATE_LIMITED = "rate_limited"
    NO_LATER_SLOTS = "no_later_slots"

    @property
    def column(self) -> Any:
        return service_days.c[f"turned_away_{self.value}"]


_REASON_OF = {
    QuotaExhausted: TurnedAway.QUOTA_EXHAUSTED,
    ServiceClosed: TurnedAway.SERVICE_CLOSED,
    RateLimited: TurnedAway.RATE_LIMITED,
    NoLaterSlots: TurnedAway.NO_LATER_SLOTS,
}


def reason_of(refusal: object) -> TurnedAway | None:
    """The reason a refusal counts as, or None for one that does not turn anybody away."""
    return _REASON_OF.get(type(refusal))  # type: ignore[call-overload]


def count_turned_away(
    connection: Connection, site_id: str, day: date, refusals: Iterable[tuple[Service, TurnedAway]]
) -> None:
    """Add these refusals to the day's counts: one statement per service, whatever the batch holds."""
    per_service: dict[str, tuple[Service, Counter[TurnedAway]]] = {}
    for service, reason in refusals:
        per_service.setdefault(service.id, (service, Counter()))[1][reason] += 1
    for service, counts in per_service.values():
        _add(connection, site_id, service, day, {reason.column.name: n for reason, n in counts.items()})


def count_later_slot_booked(connection: Connection, site_id: str, service: Service, day: date) -> None:
    _add(connection, site_id, service, day, {"later_slots_booked": 1})


def _add(connection: Connection, site_id: str, service: Service, day: date, counts: Mapping[str, int]) -> None:
    """One atomic upsert: the day's row is made (as the ticket counter makes it) or its counts grow."""
    values = {"b_site": site_id, "b_service": service.id, "b_day": day, "b_quota": service.quota}
    values |= {f"b_{name}": n for name, n in counts.items()}
    connection.execute(_upsert(connection.dialect.name, tuple(sorted(counts))), values)


@cache
def _upsert(dialect: str, names: tuple[str, ...]) -> Any:
    """The upsert for these counts, built once per dialect and set of counts (the issue path runs it)."""
    from sqlalchemy.dialects import postgresql, sqlite

    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(service_days).values(
        site_id=bindparam("b_site"),
        service_id=bindparam("b_service"),
        day=bindparam("b_day"),
        issued=0,
        quota=bindparam("b_quota"),
        **{name: bindparam(f"b_{name}") for name in names},
    )
    return insert.on_conflict_do_update(
        index_elements=["site_id", "service_id", "day"],
        set_={name: service_days.c[name] + insert.excluded[name] for name in names},
    )


class Demand:
    """The counts as the report and /metrics read them."""

    def __init__(self, queue: SiteQueue) -> None:
        self._queue = queue

    def day(self, day: date) -> dict[str, dict[str, int]]:
        """Per service id: turned away by reason, and later slots booked, on `day`."""
        return self._read(service_days.c.day == day)

    def between(self, first: date, last: date) -> dict[str, dict[str, int]]:
        """Per service id: the counts of the service days `first` to `last`, added up."""
        return self._read(service_days.c.day.between(first, last))

    def per_day(self, first: date, last: date) -> dict[date, dict[str, int]]:
        """Per service day from `first` to `last` that has counts: every service's counts added up."""
        queue = self._queue
        names = [reason.value for reason in TurnedAway] + ["later_slots_booked"]
        columns = [func.coalesce(func.sum(r.column), 0) for r in TurnedAway]
        columns.append(func.coalesce(func.sum(service_days.c.later_slots_booked), 0))
        query = (
            select(service_days.c.day, *columns)
            .where(service_days.c.site_id == queue.site.id, service_days.c.day.between(first, last))
            .group_by(service_days.c.day)
        )
        with queue.transactions.reading() as connection:
            return {
                row[0]: dict(zip(names, (int(v) for v in row[1:]), strict=True)) for row in connection.execute(query)
            }

    def totals(self) -> dict[str, dict[str, int]]:
        """Per service id: every day's counts added up (Prometheus counters)."""
        return self._read(None)

    def _read(self, which: Any) -> dict[str, dict[str, int]]:
        queue = self._queue
        names = [reason.value for reason in TurnedAway] + ["later_slots_booked"]
        columns = [func.coalesce(func.sum(r.column), 0) for r in TurnedAway]
        columns.append(func.coalesce(func.sum(service_days.c.later_slots_booked), 0))
        query = select(service_days.c.service_id, *columns).where(service_days.c.site_id == queue.site.id)
        if which is not None:
            query = query.where(which)
        counts = {s.id: dict.fromkeys(names, 0) for s in queue.config.services}
        with queue.transactions.reading() as connection:
            for row in connection.execute(query.group_by(service_days.c.service_id)):
                if row[0] in counts:
                    counts[row[0]] = dict(zip(names, (int(v) for v in row[1:]), strict=True))
        return counts

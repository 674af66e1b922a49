"""Numbers and quota per service and service day: the one counter row every ticket takes its number from.

Exact under any concurrency: the count is read, then updated only if it still holds what was read
(`UPDATE … WHERE issued = :read`), so however many requests and processes race, exactly `quota`
tickets exist and numbers never repeat. Checked-in later slots take their numbers from the same
series (`take_slot_number`) but use no quota: the quota counts `issued - slot_tickets`.
"""

from __future__ import annotations

from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import Connection, bindparam, select, update

from server.config import Service
from server.storage.schema import service_days

# Built once: SQLAlchemy then finds their compiled form by identity (the issue path runs them per batch).
_THIS_SERVICE_DAY = (
    service_days.c.site_id == bindparam("b_site"),
    service_days.c.service_id == bindparam("b_service"),
    service_days.c.day == bindparam("b_day"),
)
#: Everyone turned away that day, whatever the reason (server/office/demand.py counts them).
TURNED_AWAY = (
    service_days.c.turned_away_quota_exhausted
    + service_days.c.turned_away_service_closed
    + service_days.c.turned_away_rate_limited
    + service_days.c.turned_away_no_later_slots
)
# The turned-away total comes with the count the issue path reads anyway: the service.updated
# events it writes carry it without another statement.
_COUNT_OF_DAY = select(
    service_days.c.issued, service_days.c.quota, service_days.c.slot_tickets, TURNED_AWAY.label("turned_away")
).where(*_THIS_SERVICE_DAY)
_TAKE_NUMBERS = (
    update(service_days)
    .where(*_THIS_SERVICE_DAY, service_days.c.issued == bindparam("b_issued"))
    .values(issued=bindparam("b_new_issued"))
)
_TAKE_SLOT_NUMBER = (
    update(service_days)
    .where(*_THIS_SERVICE_DAY, service_days.c.issued == bindparam("b_issued"))
    .values(issued=bindparam("b_new_issued"), slot_tickets=service_days.c.slot_tickets + 1)
)


class Numbers(NamedTuple):
    """What take_numbers granted, and the day's figures after it."""

    first: int  # the first sequence granted
    granted: int
    quota: int | None
    walk_ins: int  # walk-in tickets issued that day, these included (what the quota counts)
    turned_away: int  # refusals counted that day so far


def take_numbers(connection: Connection, site_id: str, service: Service, day: date, wanted: int) -> Numbers:
    """Up to `wanted` more walk-in tickets of a service that day, within its quota.

    Read, then an UPDATE that only applies if nobody changed the count in between: exact
    however many requests race, even without the site lock; a lost race is simply retried.
    """
    which = {"b_site": site_id, "b_service": service.id, "b_day": day}
    for _ in range(100):
        row = connection.execute(_COUNT_OF_DAY, which).first()
        if row is None:
            insert_service_day(connection, site_id, service, day)  # the day's first ticket
            continue
        issued, quota, slot_tickets, turned_away = row
        walk_ins = issued - slot_tickets
        granted = wanted if quota is None else max(0, min(wanted, quota - walk_ins))
        if granted == 0:
            return Numbers(issued + 1, 0, quota, walk_ins, turned_away)
        changed = connection.execute(
            _TAKE_NUMBERS, {**which, "b_issued": issued, "b_new_issued": issued + granted}
        ).rowcount
        if changed == 1:
            return Numbers(issued + 1, granted, quota, walk_ins + granted, turned_away)
    raise RuntimeError(f"the ticket counter of {service.id} on {day} kept changing under this transaction")


def take_slot_number(connection: Connection, site_id: str, service: Service, day: date) -> int:
    """The next number of the service's series for a checked-in later slot; it uses no quota."""
    which = {"b_site": site_id, "b_service": service.id, "b_day": day}
    for _ in range(100):
        row = connection.execute(_COUNT_OF_DAY, which).first()
        if row is None:
            insert_service_day(connection, site_id, service, day)
            continue
        issued = row.issued
        if connection.execute(_TAKE_SLOT_NUMBER, {**which, "b_issued": issued, "b_new_issued": issued + 1}).rowcount:
            return issued + 1
    raise RuntimeError(f"the ticket counter of {service.id} on {day} kept changing under this transaction")


def insert_service_day(connection: Connection, site_id: str, service: Service, day: date) -> None:
    """The service's counter row for `day`, with the configured quota, unless it exists already."""
    connection.execute(
        dialect_insert(connection)(service_days)
        .values(site_id=site_id, service_id=service.id, day=day, issued=0, quota=service.quota)
        .on_conflict_do_nothing()
    )


def set_quota(connection: Connection, site_id: str, service: Service, day: date, quota: int | None) -> None:
    connection.execute(
        update(service_days)
        .where(service_days.c.site_id == site_id, service_days.c.service_id == service.id, service_days.c.day == day)
        .values(quota=quota)
    )


def dialect_insert(connection: Connection) -> Any:
    """The INSERT of the connection's dialect, which knows ON CONFLICT."""
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert

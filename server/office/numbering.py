"""Numbers and quota per service and service day: the one counter row every ticket takes its number from.

Exact under any concurrency: the count is read, then updated only if it still holds what was read
(`UPDATE … WHERE issued = :read`), so however many requests and processes race, exactly `quota`
tickets exist and numbers never repeat.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, bindparam, select, update

from server.config import Service
from server.storage.schema import service_days

# Built once: SQLAlchemy then finds their compiled form by identity (the issue path runs them per batch).
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


def take_numbers(
    connection: Connection, site_id: str, service: Service, day: date, wanted: int
) -> tuple[int, int, int | None]:
    """(first sequence, how many granted, quota) for up to `wanted` more tickets of a service that day.

    Read, then an UPDATE that only applies if nobody changed the count in between: exact
    however many requests race, even without the site lock; a lost race is simply retried.
    """
    which = {"b_site": site_id, "b_service": service.id, "b_day": day}
    for _ in range(100):
        row = connection.execute(_COUNT_OF_DAY, which).first()
        if row is None:
            insert_service_day(connection, site_id, service, day)  # the day's first ticket
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


def insert_service_day(connection: Connection, site_id: str, service: Service, day: date) -> None:
    """The service's counter row for `day`, with the configured quota, unless it exists already."""
    connection.execute(
        _dialect_insert(connection)(service_days)
        .values(site_id=site_id, service_id=service.id, day=day, issued=0, quota=service.quota)
        .on_conflict_do_nothing()
    )


def set_quota(connection: Connection, site_id: str, service: Service, day: date, quota: int | None) -> None:
    connection.execute(
        update(service_days)
        .where(service_days.c.site_id == site_id, service_days.c.service_id == service.id, service_days.c.day == day)
        .values(quota=quota)
    )


def _dialect_insert(connection: Connection) -> Any:
    if connection.dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        return pg_insert
    from sqlalchemy.dialects.sqlite import insert as sqlite_insert

    return sqlite_insert

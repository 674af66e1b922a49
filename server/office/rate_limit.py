"""The per-kiosk limit: so one person at a kiosk cannot drain a service's quota.

Counted from the tickets in the database, so the limit holds across server processes.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Connection, bindparam, func, select

from server.clock import from_db, to_db
from server.rules.errors import RateLimited
from server.storage.schema import tickets

RATE_WINDOW = timedelta(seconds=60)

# Built once: SQLAlchemy then finds its compiled form by identity (the issue path runs it per batch).
_RECENT_PER_DEVICE = (
    select(tickets.c.device_token_id, func.count())
    .where(
        tickets.c.device_token_id.in_(bindparam("b_devices", expanding=True)),
        tickets.c.issued_at > bindparam("b_since"),
    )
    .group_by(tickets.c.device_token_id)
)


def limit_kiosks(
    connection: Connection, devices: Sequence[str], per_minute: int, now: datetime
) -> list[RateLimited | None]:
    """For each request, by its device and in order: None if admitted, else the refusal it meets.

    Tickets issued in the last minute count, and so do the requests admitted before it in this batch.
    """
    if not devices:
        return []
    since = to_db(now - RATE_WINDOW)
    counts = dict(connection.execute(_RECENT_PER_DEVICE, {"b_devices": list(set(devices)), "b_since": since}).all())
    in_batch: dict[str, int] = {}
    outcomes: list[RateLimited | None] = []
    for device in devices:
        if counts.get(device, 0) + in_batch.get(device, 0) < per_minute:
            in_batch[device] = in_batch.get(device, 0) + 1
            outcomes.append(None)
            continue
        retry_after = _retry_after(connection, device, now, per_minute, in_batch.get(device, 0))
        outcomes.append(
            RateLimited(
                f"This device has issued {per_minute} tickets in the last minute; please wait {retry_after} s.",
                retry_after=retry_after,
            )
        )
    return outcomes


def _retry_after(connection: Connection, device: str, now: datetime, limit: int, in_batch: int) -> int:
    """Seconds until the limit-th newest ticket (this batch's are the newest) leaves the window."""
    oldest_counted = now
    if in_batch < limit:
        stored = connection.execute(
            select(tickets.c.issued_at)
            .where(tickets.c.device_token_id == device, tickets.c.issued_at > to_db(now - RATE_WINDOW))
            .order_by(tickets.c.issued_at.desc())
            .offset(limit - in_batch - 1)
            .limit(1)
        ).scalar_one_or_none()
        if stored is not None:
            oldest_counted = from_db(stored)
    return max(1, int((oldest_counted + RATE_WINDOW - now).total_seconds()) + 1)

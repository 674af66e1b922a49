"""The server's notion of now.

Tests of service days, midnight and DST need a server process whose clock they control: when
WARTEMARKE_CLOCK_FILE names a file, its content (an ISO 8601 time with offset) is "now". Without it
the system clock is used. The variable is for tests only and is logged loudly at start.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    return datetime.now(UTC)


def file_clock(path: str) -> Clock:
    def now() -> datetime:
        with open(path, encoding="utf-8") as handle:
            moment = datetime.fromisoformat(handle.read().strip())
        if moment.tzinfo is None:
            raise ValueError(f"{path}: the time needs an offset, e.g. 2026-03-29T01:30:00+01:00")
        return moment.astimezone(UTC)

    return now


def clock_from_environment() -> tuple[Clock, str | None]:
    path = os.environ.get("WARTEMARKE_CLOCK_FILE")
    return (file_clock(path), path) if path else (system_clock, None)


def to_db(moment: datetime) -> datetime:
    """Aware -> naive UTC, the form stored in the database."""
    return moment.astimezone(UTC).replace(tzinfo=None)


def from_db(stored: datetime) -> datetime:
    return stored.replace(tzinfo=UTC)

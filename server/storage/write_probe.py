"""Whether the database accepts writes right now: what `/api/v1/health` reports.

A `SELECT 1` answers while every write fails: SQLite on a full disk still reads, and so does a
PostgreSQL that is read-only (a promoted standby, `default_transaction_read_only`) or whose disk is
full. The probe commits a real write instead: it stores the time of the probe in one row of
`server_secrets`. That is a new frame in SQLite's WAL, synced like a ticket's, and a WAL record in
PostgreSQL, so it fails when a ticket's commit would. (The value must change: SQLite writes
nothing for a row updated to what it already holds.) Health requests within a second share one
probe, so a load balancer polling every few seconds costs one small commit at most per second.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable

from sqlalchemy import Engine, insert, update
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from server.storage.schema import server_secrets

#: Health requests within this many seconds of a probe share its answer, however many pollers there are.
PROBE_EVERY_SECONDS = 1.0
ROW = "write_probe"


class WriteProbe:
    def __init__(self, engine: Engine, monotonic: Callable[[], float] = time.monotonic) -> None:
        self._engine = engine
        self._monotonic = monotonic
        self._lock = threading.Lock()
        self._checked_at: float | None = None
        self._problem: str | None = None

    def problem(self) -> str | None:
        """None when the database took a write within the last second; else why it did not."""
        with self._lock:
            if self._checked_at is None or self._monotonic() - self._checked_at >= PROBE_EVERY_SECONDS:
                self._problem = self._write()
                self._checked_at = self._monotonic()
            return self._problem

    def _write(self) -> str | None:
        stamp = str(time.time_ns())
        try:
            with self._engine.begin() as connection:
                written = connection.execute(
                    update(server_secrets).where(server_secrets.c.name == ROW).values(value=stamp)
                ).rowcount
                if not written:
                    connection.execute(insert(server_secrets).values(name=ROW, value=stamp))
        except IntegrityError:
            return None  # another process wrote the first probe a moment ago: writes work
        except SQLAlchemyError as exc:
            return _reason(exc)
        return None


def _reason(exc: SQLAlchemyError) -> str:
    """The database's own first line ("database or disk is full", "cannot execute UPDATE in a
    read-only transaction"): what an operator needs to act on."""
    original = getattr(exc, "orig", None)
    lines = str(original if original is not None else exc).strip().splitlines()
    return (lines[0] if lines else type(exc).__name__)[:200]

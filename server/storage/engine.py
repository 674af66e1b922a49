"""Database engines for the two supported backends.

SQLite (embedded default): WAL journal with synchronous=FULL, so a committed ticket survives a
power cut or `kill -9`; writers start with BEGIN IMMEDIATE so that two writers queue for the lock
instead of deadlocking on an upgrade from a read lock. Reads use a separate engine with plain
deferred transactions, so the board and the phone pages never wait for a writer.

PostgreSQL (several offices, several processes): psycopg 3, one engine for both.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url


@dataclass(frozen=True)
class Engines:
    url: str
    read: Engine
    write: Engine

    @property
    def is_sqlite(self) -> bool:
        return self.write.dialect.name == "sqlite"

    def dispose(self) -> None:
        self.read.dispose()
        if self.write is not self.read:
            self.write.dispose()


class DatabaseUrlError(ValueError):
    """A --db / WARTEMARKE_DB value the server cannot use."""


class DatabaseUnreachable(DatabaseUrlError):
    """The --db URL is well-formed, but nothing answers there (server down, wrong port, no such database)."""


def normalise_url(url: str) -> str:
    """Accept the URLs operators type (`postgresql://…`) and pick the psycopg 3 driver."""
    try:
        parsed = make_url(url)
    except Exception:
        raise DatabaseUrlError(
            f"--db: {url!r} is not a database URL (expected sqlite:///path or postgresql://…)"
        ) from None
    if parsed.drivername in ("postgresql", "postgres", "postgresql+psycopg"):
        return parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if parsed.drivername == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            raise DatabaseUrlError("--db: an in-memory SQLite database would lose every ticket; give a file path")
        return url
    raise DatabaseUrlError(f"--db: unsupported database {parsed.drivername!r} (use sqlite:/// or postgresql://)")


# Every write transaction holds its site's lock until it ends (server/office/transactions.py), and takes
# milliseconds. One that sits idle for seconds belongs to a process that hangs (stopped, swapping,
# cut off from the network); PostgreSQL then ends it, so the lock is freed and the other processes
# go on issuing tickets instead of waiting with it.
PG_IDLE_IN_TRANSACTION_MS = 5000


def _sqlite_engine(url: str, immediate: bool) -> Engine:
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": 30},
        pool_size=8,
        max_overflow=32,
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # Let SQLAlchemy's "begin" event decide how transactions start.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:  # type: ignore[no-untyped-def]
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


def create_engines(url: str) -> Engines:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        path = make_url(url).database
        assert path is not None
        directory = os.path.dirname(os.path.abspath(path))
        os.makedirs(directory, exist_ok=True)
        return Engines(url=url, read=_sqlite_engine(url, immediate=False), write=_sqlite_engine(url, immediate=True))
    engine = create_engine(
        url,
        pool_size=10,
        max_overflow=30,
        pool_pre_ping=True,
        connect_args={"options": f"-c idle_in_transaction_session_timeout={PG_IDLE_IN_TRANSACTION_MS}"},
    )
    return Engines(url=url, read=engine, write=engine)

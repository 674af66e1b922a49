"""One site's transactions: who may write when, and what every commit sets off.

Every change to a site is one write transaction that also appends its events, so a ticket, its
number, the quota it used and the events announcing it exist together or not at all.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from sqlalchemy import Connection

from server.storage.engine import Engines


class Transactions:
    def __init__(self, engines: Engines, site_id: str, forget_wait_inputs: Callable[[], None]) -> None:
        self.engines = engines
        self.site_id = site_id
        #: Called after every commit (the event hub's wake-up).
        self.on_commit: Callable[[], None] = lambda: None
        self._forget_wait_inputs = forget_wait_inputs
        # SQLite allows one writer; queueing writers here is fair and fast, where SQLite's busy
        # handler would make them sleep and retry. Other processes still meet the file lock.
        self._write_lock = threading.Lock() if engines.is_sqlite else None

    def reading(self) -> AbstractContextManager[Connection]:
        """A read connection: never waits for a writer (SQLite WAL, PostgreSQL MVCC)."""
        return self.engines.read.connect()

    @contextmanager
    def writing(self, serialise_at_start: bool = True, keeps_wait_inputs: bool = False) -> Iterator[Connection]:
        """A write transaction; on PostgreSQL one caller may take the site lock later (see issuing)."""
        if self._write_lock is not None:
            self._write_lock.acquire()
        try:
            with self.engines.write.begin() as connection:
                if serialise_at_start and connection.dialect.name == "postgresql":
                    self.serialise_site_writers(connection)
                yield connection
        finally:
            if self._write_lock is not None:
                self._write_lock.release()
            if not keeps_wait_inputs:
                self._forget_wait_inputs()
        self.on_commit()

    def serialise_site_writers(self, connection: Connection) -> None:
        """PostgreSQL: give one site's writers, in every process, what BEGIN IMMEDIATE gives SQLite.

        Writers of several processes would otherwise run side by side at READ COMMITTED: two
        counters pressing call-next at once would both pick the head of the queue, and event ids
        could become visible out of order (a subscriber that has read id 8 would never see a 7
        committed a moment later). A transaction-scoped lock per site, taken first, rules out both
        and cannot deadlock with row locks. (Not `connection.info`: that outlives the transaction.)
        """
        connection.exec_driver_sql("SELECT pg_advisory_xact_lock(hashtext(%(site)s))", {"site": self.site_id})
        # Delivered only at commit: wakes the event hubs of every server process (LISTEN in pg_notify).
        connection.exec_driver_sql("SELECT pg_notify('wartemarke_events', '')")

"""A server process that hangs in the middle of a write must not stop the office's other processes."""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from pathlib import Path

import psycopg
import pytest
import requests
from kiosk_requests import issue

RACE_SITE = Path(__file__).resolve().parent / "site-race.toml"

# A backend of the hung process that sits in an open transaction holding an advisory lock
# (every write transaction holds its site's lock until it ends).
HOLDS_A_LOCK_IDLE = """
    SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
    WHERE l.locktype = 'advisory' AND l.granted AND a.state = 'idle in transaction' AND a.datname = %s
"""


def _stop_inside_a_write(process_id: int, database_url: str, database: str) -> None:
    """SIGSTOP the process at a moment when it holds the site lock in an open transaction."""
    with psycopg.connect(database_url, autocommit=True) as watcher:
        for _ in range(200):
            os.kill(process_id, signal.SIGSTOP)
            # Its statement in flight completes; if it stopped inside a write, the transaction stays open.
            deadline = time.monotonic() + 0.1
            while time.monotonic() < deadline:
                if watcher.execute(HOLDS_A_LOCK_IDLE, (database,)).fetchone()[0]:
                    return
                time.sleep(0.005)
            os.kill(process_id, signal.SIGCONT)
            time.sleep(0.01)  # let it run on: where it stops next is chance, as with a real hang
    pytest.fail("never caught the process inside a write transaction")


def test_a_process_hung_inside_a_write_frees_the_site_for_the_others(server_factory, postgres_url):
    healthy = server_factory(config=RACE_SITE, db_url=postgres_url)
    hung = server_factory(config=RACE_SITE, db_url=postgres_url, tokens=healthy.tokens)
    stop = threading.Event()

    def keep_busy() -> None:
        with requests.Session() as session:
            while not stop.is_set():
                try:
                    issue(session, hung, "aufenthalt", str(uuid.uuid4()), timeout=30)
                except requests.RequestException:
                    pass

    busy = [threading.Thread(target=keep_busy, daemon=True) for _ in range(4)]
    for thread in busy:
        thread.start()
    assert hung.process is not None
    _stop_inside_a_write(hung.process.pid, postgres_url, postgres_url.rsplit("/", 1)[1])
    try:
        stop.set()
        # The kiosk at the healthy process waits at most until PostgreSQL ends the hung transaction.
        answer = issue(requests.Session(), healthy, "aufenthalt", str(uuid.uuid4()), timeout=60)
        assert answer.status_code == 201, answer.text
    finally:
        os.kill(hung.process.pid, signal.SIGCONT)
    for thread in busy:
        thread.join(timeout=60)

    # The hung process, once it runs again, serves again (its lost transaction was rolled back).
    for _ in range(3):
        again = issue(requests.Session(), hung, "aufenthalt", str(uuid.uuid4()), timeout=30)
        if again.status_code == 201:
            break
    assert again.status_code == 201, again.text

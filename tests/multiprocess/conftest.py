"""Several real `wartemarke server` processes on one database, as behind a reverse proxy.

Starting processes is the slow part, so the three processes of an office are shared by the tests
of one module (per backend); each test works on its own service of site-race.toml.
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from launcher.live_server import LiveServer

RACE_SITE = Path(__file__).resolve().parent / "site-race.toml"
PROCESSES = 3


def start_office(db_url: str, workdir: Path, count: int = PROCESSES) -> list[LiveServer]:
    """`count` server processes (own ports) on one database and one token set, started together.

    The tokens are made first, as an admin does before the office opens; the processes then start
    at the same moment, as a process manager starts them, racing to migrate and to make the key.
    """
    first = LiveServer(RACE_SITE, db_url, workdir)
    servers = [first] + [LiveServer(RACE_SITE, db_url, workdir, tokens=first.tokens) for _ in range(count - 1)]
    with ThreadPoolExecutor(count) as pool:
        list(pool.map(lambda server: server.start(), servers))
    return servers


@pytest.fixture(scope="module", params=["postgres", "sqlite"])
def office(request, tmp_path_factory) -> Iterator[list[LiveServer]]:
    """Three processes of one office on PostgreSQL, or on one SQLite file."""
    workdir = tmp_path_factory.mktemp(f"office-{request.param}")
    if request.param == "postgres":
        db_url = request.getfixturevalue("postgres_cluster").create_database()
    else:
        db_url = f"sqlite:///{workdir}/shared.db"
    servers = start_office(db_url, workdir)
    try:
        yield servers
    finally:
        for server in servers:
            server.kill()


@pytest.fixture(params=["postgres", "sqlite"])
def empty_db_url(request, tmp_path: Path) -> str:
    """A database nobody has touched yet: a fresh PostgreSQL database, or a SQLite path."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/empty.db"
    return request.getfixturevalue("postgres_url")

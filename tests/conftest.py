"""Shared test setup: headless Kivy, and real queue-server processes on fresh databases.

`server_factory(...)` starts `wartemarke server` as a subprocess (exactly what an office runs) on a
free port; `live_server` is one such server on config/demo-site.toml with a fresh SQLite file.
`postgres_cluster` is one real PostgreSQL server for the session, `postgres_url` a fresh database.
The harness itself (LiveServer, PostgresCluster) lives in `launcher`, where the benchmarks use it too.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import pytest

# Headless Kivy for every app's tests on Mesa (never the "mock" GL backend: it silently disables them).
os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="wartemarke-kivy-"))

from launcher.live_server import DEMO_SITE, ROOT, LiveServer  # noqa: E402
from launcher.pg_cluster import PostgresCluster  # noqa: E402

ARTIFACTS = ROOT / "artifacts"


@pytest.fixture
def server_factory(tmp_path: Path) -> Iterator:
    started: list[LiveServer] = []

    def make(
        config: Path | str | None = None,
        db_url: str | None = None,
        tokens: dict[str, str] | None = None,
        clock: datetime | None = None,
        env: dict[str, str] | None = None,
        start: bool = True,
    ) -> LiveServer:
        server = LiveServer(
            Path(config) if config else DEMO_SITE,
            db_url or f"sqlite:///{tmp_path}/wartemarke-{len(started)}.db",
            tmp_path,
            tokens=tokens,
            clock=clock,
            env=env,
        )
        started.append(server)
        return server.start() if start else server

    yield make
    for server in started:
        server.kill()


@pytest.fixture
def live_server(server_factory) -> LiveServer:
    return server_factory()


@pytest.fixture
def artifacts_dir() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def postgres_cluster() -> Iterator[PostgresCluster]:
    """One PostgreSQL server for the whole test session; never skipped."""
    cluster = PostgresCluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def postgres_url(postgres_cluster: PostgresCluster) -> str:
    """`postgresql://…` of a fresh, empty database for this test."""
    return postgres_cluster.create_database()

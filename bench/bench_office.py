"""The offices the server benchmarks measure: real `wartemarke server` processes on SQLite or PostgreSQL.

Exactly what tests/ starts (LiveServer, the throw-away PostgreSQL cluster), so a benchmark measures
the server an office runs, through HTTP, with fsync on in both databases.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from launcher.live_server import LiveServer  # noqa: E402
from launcher.pg_cluster import PostgresCluster  # noqa: E402
from server.clock import system_clock  # noqa: E402
from server.config import load_site_config  # noqa: E402
from server.device_tokens import Role  # noqa: E402
from server.storage.bootstrap import ensure_sites  # noqa: E402
from server.storage.engine import create_engines  # noqa: E402
from server.storage.migrate import upgrade  # noqa: E402
from server.storage.token_store import create_token  # noqa: E402

BENCH_SITE = Path(__file__).resolve().parent / "bench-site.toml"


@dataclass
class BenchOffice:
    servers: list[LiveServer]
    kiosk_tokens: list[str]  # one per simulated kiosk: the rate limit and idempotency are per device
    staff_token: str
    display_token: str


def _tokens(db_url: str, kiosks: int) -> tuple[list[str], str, str]:
    config = load_site_config(BENCH_SITE)
    engines = create_engines(db_url)
    try:
        upgrade(engines.write)
        ensure_sites(engines.write, [config])

        def make(role: Role, name: str) -> str:
            return create_token(engines.write, config.site.id, role, name, system_clock())[1]

        kiosk_tokens = [make(Role.KIOSK, f"Kiosk {n}") for n in range(1, kiosks + 1)]
        return kiosk_tokens, make(Role.STAFF, "Schalter"), make(Role.DISPLAY, "Wartezimmer")
    finally:
        engines.dispose()


@contextmanager
def running_office(
    backend: str, processes: int, kiosks: int, cluster: PostgresCluster | None = None
) -> Iterator[BenchOffice]:
    """A fresh database (`sqlite` file or `postgres` database) served by `processes` server processes."""
    workdir = Path(tempfile.mkdtemp(prefix="wartemarke-bench-"))
    if backend == "postgres":
        assert cluster is not None
        db_url = cluster.create_database("bench")
    else:
        db_url = f"sqlite:///{workdir}/bench.db"
    kiosk_tokens, staff, display = _tokens(db_url, kiosks)
    roles = {"kiosk": kiosk_tokens[0], "staff": staff, "display": display}
    servers = [LiveServer(BENCH_SITE, db_url, workdir, tokens=roles) for _ in range(processes)]
    try:
        with ThreadPoolExecutor(processes) as pool:
            list(pool.map(lambda server: server.start(), servers))
        yield BenchOffice(servers, kiosk_tokens, staff, display)
    finally:
        for server in servers:
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)


@contextmanager
def postgres_if_needed(backends: list[str]) -> Iterator[PostgresCluster | None]:
    if not any(b.startswith("postgres") for b in backends):
        yield None
        return
    cluster = PostgresCluster().start()
    try:
        yield cluster
    finally:
        cluster.stop()

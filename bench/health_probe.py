"""What /health costs now that it commits a write: one WriteProbe write, on SQLite and PostgreSQL.

/health shares one probe among all polls within a second, so this is the most a load balancer's
polling adds per server process per second. Each probe is a durable commit (SQLite WAL with
synchronous=FULL; PostgreSQL with fsync on), like a ticket's.

    .venv/bin/python bench/health_probe.py --probes 300
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import tempfile
import time

from bench_office import BENCH_SITE, postgres_if_needed

from server.config import load_site_config
from server.storage.bootstrap import ensure_sites
from server.storage.engine import create_engines
from server.storage.migrate import upgrade
from server.storage.write_probe import WriteProbe


def measure(db_url: str, probes: int) -> list[float]:
    engines = create_engines(db_url)
    try:
        upgrade(engines.write)
        ensure_sites(engines.write, [load_site_config(BENCH_SITE)])
        clock = itertools.count(step=10)  # every reading a new second: every call writes
        probe = WriteProbe(engines.write, monotonic=lambda: float(next(clock)))
        timings = []
        for _ in range(probes):
            started = time.perf_counter()
            assert probe.problem() is None
            timings.append((time.perf_counter() - started) * 1000)
        return timings
    finally:
        engines.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--probes", type=int, default=300)
    args = parser.parse_args()
    print(f"{'backend':<10}{'probes':>8}{'p50 ms':>9}{'p99 ms':>9}")
    with tempfile.TemporaryDirectory() as folder, postgres_if_needed(["postgres"]) as cluster:
        for backend, url in (("sqlite", f"sqlite:///{folder}/probe.db"), ("postgres", cluster.create_database())):
            timings = sorted(measure(url, args.probes))
            p99 = timings[min(len(timings) - 1, int(len(timings) * 0.99))]
            print(f"{backend:<10}{len(timings):>8}{statistics.median(timings):>9.2f}{p99:>9.2f}")


if __name__ == "__main__":
    main()

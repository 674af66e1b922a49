"""The console's results page on a year of an office's data: how long a month and a year take to render.

A database is filled with one office's year (the demo site: four services, five counters): about
300 open days (no Sundays, no public holidays), ~1,000 tickets a day between 07:30 and 16:00, called,
served or missed at the counters, and the day's turned-away counts. Then a real server process
serves the console; a signed-in manager asks for the results of a month and of the whole year.

"page" is the HTML page with its tables (the results computed from the database: nothing kept from
an earlier request, a ticket is issued before each run so the server's kept results do not apply);
"plots" is the four SVG plots the page then loads (each its own request; they reuse the results
the page computed). Targets (issue 16): a month under 1 s, a year under 3 s.

    .venv/bin/python bench/console_results.py                      # SQLite and PostgreSQL
    .venv/bin/python bench/console_results.py --backend sqlite --runs 5
"""

from __future__ import annotations

import argparse
import platform
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from pathlib import Path
from zoneinfo import ZoneInfo

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from launcher.live_server import DEMO_SITE, LiveServer, create_tokens  # noqa: E402
from launcher.pg_cluster import PostgresCluster  # noqa: E402
from server.clock import to_db  # noqa: E402
from server.config import load_site_config  # noqa: E402
from server.storage.engine import create_engines  # noqa: E402
from server.storage.schema import service_days, tickets  # noqa: E402
from tests.server.office_web import signed_in  # noqa: E402

BERLIN = ZoneInfo("Europe/Berlin")
LAST_DAY = date(2026, 11, 30)
FIRST_DAY = LAST_DAY - timedelta(days=364)
HOLIDAYS = {date(2026, 1, 1), date(2026, 4, 3), date(2026, 4, 6), date(2026, 5, 1), date(2026, 5, 14)}
HOLIDAYS |= {date(2026, 5, 25), date(2026, 6, 4), date(2026, 10, 3), date(2025, 12, 25), date(2025, 12, 26)}
SHARES = {"notfall": 0.1, "aufenthalt": 0.5, "einbuergerung": 0.2, "ukraine": 0.2}
PLOTS = ("arrivals", "waits", "service-level", "turned-away")


def open_days() -> list[date]:
    days = [FIRST_DAY + timedelta(days=n) for n in range((LAST_DAY - FIRST_DAY).days + 1)]
    return [d for d in days if d.weekday() < 6 and d not in HOLIDAYS][-300:]


def fill(db_url: str, per_day: int) -> int:
    """A year of tickets and demand counts, written as the server would have (times naive UTC)."""
    config = load_site_config(DEMO_SITE)
    create_tokens(db_url, DEMO_SITE, roles=("kiosk",), label="fill")
    engines = create_engines(db_url)
    rng = random.Random(16)
    total = 0
    try:
        for day in open_days():
            rows, numbers = [], dict.fromkeys(SHARES, 0)
            opening = datetime.combine(day, clock_time(7, 30), tzinfo=BERLIN)
            for _ in range(per_day):
                service = rng.choices(list(SHARES), weights=list(SHARES.values()))[0]
                numbers[service] += 1
                issued = opening + timedelta(seconds=rng.uniform(0, 8.5 * 3600))
                called = issued + timedelta(minutes=rng.expovariate(1 / 35))
                status = rng.choices(["done", "no_show", "cancelled"], weights=[90, 7, 3])[0]
                started = called + timedelta(minutes=1) if status == "done" else None
                finished = started + timedelta(minutes=rng.uniform(5, 25)) if started else None
                prefix = next(s.prefix for s in config.services if s.id == service)
                rows.append(
                    {
                        "id": str(uuid.uuid4()),
                        "site_id": config.site.id,
                        "day": day,
                        "service_id": service,
                        "issued_service_id": service,
                        "sequence": numbers[service],
                        "number": f"{prefix}{numbers[service]:03d}",
                        "language": "de",
                        "status": status,
                        "issued_at": to_db(issued),
                        "queued_at": to_db(issued),
                        "called_at": to_db(called) if status != "cancelled" else None,
                        "started_at": to_db(started) if started else None,
                        "finished_at": to_db(finished) if finished else None,
                        "counter_id": str(rng.randint(1, 5)) if status != "cancelled" else None,
                        "code_key": uuid.uuid4().hex,
                        "code_token": uuid.uuid4().hex,
                        "slot_window_start": None,
                        "slot_window_end": None,
                    }
                )
            with engines.write.begin() as connection:
                connection.execute(tickets.insert(), rows)
                connection.execute(
                    service_days.insert(),
                    [
                        {
                            "site_id": config.site.id,
                            "service_id": service,
                            "day": day,
                            "issued": numbers[service],
                            "quota": None,
                            "turned_away_quota_exhausted": rng.randint(0, 30) if service == "notfall" else 0,
                            "turned_away_service_closed": rng.randint(0, 5),
                        }
                        for service in SHARES
                    ],
                )
            total += len(rows)
    finally:
        engines.dispose()
    return total


def timed(browser: requests.Session, url: str) -> float:
    start = time.perf_counter()
    answer = browser.get(url, timeout=120)
    elapsed = time.perf_counter() - start
    assert answer.status_code == 200, (url, answer.status_code, answer.text[:300])
    return elapsed


def measure(db_url: str, workdir: Path, runs: int) -> dict[str, list[float]]:
    server = LiveServer(DEMO_SITE, db_url, workdir, clock=datetime(2026, 11, 30, 17, 0, tzinfo=BERLIN)).start()
    try:
        browser = signed_in(server, "manager")
        ranges = {
            "month": "period=month&from=2026-11-01",
            "year": f"period=custom&from={FIRST_DAY.isoformat()}&to={LAST_DAY.isoformat()}",
        }
        times: dict[str, list[float]] = {}
        for name, query in ranges.items():
            for _ in range(runs):
                # A new ticket: the server's kept results no longer apply, the page computes afresh.
                requests.post(
                    f"{server.url}/api/v1/tickets",
                    json={"service": "aufenthalt", "language": "de"},
                    headers={**server.headers("kiosk"), "Idempotency-Key": str(uuid.uuid4())},
                    timeout=30,
                ).raise_for_status()
                times.setdefault(f"{name} page", []).append(timed(browser, f"{server.url}/console/results?{query}"))
                plots = sum(timed(browser, f"{server.url}/console/results/{p}.svg?{query}") for p in PLOTS)
                times.setdefault(f"{name} plots", []).append(plots)
        return times
    finally:
        server.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--per-day", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    backends = ["sqlite", "postgres"] if args.backend == "both" else [args.backend]
    print(f"{platform.node()}: {platform.processor() or platform.machine()}, Python {platform.python_version()}")
    cluster = PostgresCluster().start() if "postgres" in backends else None
    try:
        for backend in backends:
            workdir = Path(tempfile.mkdtemp(prefix="wartemarke-console-bench-"))
            db_url = (
                cluster.create_database("console")
                if backend == "postgres" and cluster
                else f"sqlite:///{workdir}/year.db"
            )
            started = time.perf_counter()
            count = fill(db_url, args.per_day)
            filled = time.perf_counter() - started
            print(f"{backend}: {count:,} tickets on {len(open_days())} days, filled in {filled:.0f} s")
            for name, values in measure(db_url, workdir, args.runs).items():
                print(
                    f"  {name:<12} median {statistics.median(values):6.2f} s   "
                    f"min {min(values):6.2f} s   max {max(values):6.2f} s   ({len(values)} runs)"
                )
            shutil.rmtree(workdir, ignore_errors=True)
    finally:
        if cluster:
            cluster.stop()
    print(f"measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")


if __name__ == "__main__":
    main()

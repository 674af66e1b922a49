"""How far the waits visitors are told are from the waits they get, on simulated office days.

A discrete-event simulation decides when visitors arrive, how long each visit takes and who does
not show up; the real `wartemarke server` (a LiveServer on SQLite whose clock is a file) decides
everything else: numbers, the calling order, and the estimates it prints and shows. The bench talks
to it over HTTP only, as kiosks and counters do, and moves its clock from event to event, so a
simulated day costs seconds.

Measured, per scenario and configured visit length (right, 25 % too low, 25 % too high):
- every 5 simulated minutes, every waiting ticket's `wait` (GET /tickets/{id}, what the phone page
  shows) against its real remaining wait until it is called;
- the `wait` printed on the ticket (the issue answer) against the real wait from issue to call;
- on day 1 (nothing remembered) and on day 8, the same weekday a week later, with days 1 and 5-7
  in the database (an estimator may learn from earlier days; days 5-7 are simulated, not sampled).
RRMSE = sqrt(mean squared error of the range's midpoint) / mean real wait; bias = mean (midpoint -
real) in minutes; coverage = share of real waits inside [low, high]; width = mean high - low.

    .venv/bin/python bench/wait_accuracy.py                      # everything (about 10 minutes)
    .venv/bin/python bench/wait_accuracy.py --scenarios morning --seeds 2 --days 1
"""

from __future__ import annotations

import argparse
import heapq
import http.client
import json
import math
import os
import platform
import random
import shutil
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench_office import ROOT  # noqa: F401 - puts the repository on sys.path

from launcher.live_server import LiveServer, create_tokens

ZONE = ZoneInfo("Europe/Berlin")
# Day 1 is a Monday; day 8 is the Monday after (no DST change in between).
DAY_ONE = datetime(2026, 3, 2, 7, 30, tzinfo=ZONE)
SAMPLE_EVERY = 5.0  # minutes
NO_SHOW_SHARE = 0.10
NO_SHOW_MINUTES = 2.0
VISIT_CV = 0.7
CONFIGS = {"right": 1.0, "25% low": 0.75, "25% high": 1.25}
# Alembic keeps its migration context in module globals: one database set up at a time.
_SETUP = threading.Lock()


@dataclass(frozen=True)
class Concern:
    """One service of a scenario: its true mean visit length and when its tickets are drawn."""

    id: str
    prefix: str
    visit_minutes: float
    tickets: int
    issued_within: tuple[float, float]  # minutes after opening


@dataclass(frozen=True)
class Scenario:
    name: str
    concerns: tuple[Concern, ...]
    counters: tuple[tuple[str, tuple[str, ...]], ...]
    breaks: tuple[tuple[str, float, float], ...] = ()  # (counter, closes at, opens again), minutes


FOUR_COUNTERS = tuple((str(n), ("notfall",)) for n in range(1, 5))
EMERGENCY_MORNING = Concern("notfall", "N", 20.0, 75, (0.0, 30.0))
SCENARIOS = {
    # The morning: 75 emergency tickets within half an hour of opening, 4 counters.
    "morning": Scenario("morning", (EMERGENCY_MORNING,), FOUR_COUNTERS),
    # The same 75 tickets drawn at random moments over six hours (load about 0.95).
    "spread": Scenario("spread", (Concern("notfall", "N", 20.0, 75, (0.0, 360.0)),), FOUR_COUNTERS),
    # The morning, but counter 2 closes from 9:30 to 10:30 (its visit under way is finished first).
    "counter break": Scenario("counter break", (EMERGENCY_MORNING,), FOUR_COUNTERS, (("2", 120.0, 180.0),)),
    # Two concerns in the first hour; counters 1-2 serve the long one, 3-4 both (oldest ticket first).
    "two services": Scenario(
        "two services",
        (Concern("notfall", "N", 20.0, 50, (0.0, 60.0)), Concern("ukraine", "U", 10.0, 40, (0.0, 60.0))),
        (("1", ("notfall",)), ("2", ("notfall",)), ("3", ("notfall", "ukraine")), ("4", ("notfall", "ukraine"))),
    ),
}


# ---------------------------------------------------------------------------------------- the site


def site_toml(scenario: Scenario, factor: float) -> str:
    """The scenario's office with every visit length configured `factor` times the true one."""
    every_day = ", ".join(f'{d} = ["07:00-22:00"]' for d in ("mon", "tue", "wed", "thu", "fri", "sat", "sun"))
    lines = [
        "[site]",
        'id = "sim"',
        'name = "Simulated office"',
        'timezone = "Europe/Berlin"',
        'public_url = "http://127.0.0.1:8000"',
        'languages = ["de", "en"]',
        "",
        "[limits]",
        "kiosk_tickets_per_minute = 100000",
    ]
    for concern in scenario.concerns:
        lines += [
            "",
            "[[services]]",
            f'id = "{concern.id}"',
            f'prefix = "{concern.prefix}"',
            f"service_minutes = {concern.visit_minutes * factor:g}",
            f'names = {{ de = "{concern.id}", en = "{concern.id}" }}',
            f"hours = {{ {every_day} }}",
        ]
    for counter_id, services in scenario.counters:
        quoted = ", ".join(f'"{s}"' for s in services)
        lines += [
            "",
            "[[counters]]",
            f'id = "{counter_id}"',
            f'names = {{ de = "Schalter {counter_id}", en = "Counter {counter_id}" }}',
            f"services = [{quoted}]",
        ]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------- visitors


@dataclass(frozen=True)
class Visitor:
    """Who draws a ticket when, and what happens once called: decided before the day, per seed."""

    arrives: float  # minutes after opening
    service: str
    shows_up: bool
    visit: float  # minutes at the counter once called (NO_SHOW_MINUTES for a no-show)


def visitors(scenario: Scenario, seed: int, day: int) -> list[Visitor]:
    """The day's visitors, the same for every estimator and configured length (common random numbers)."""
    rng = random.Random(f"{scenario.name}/{seed}/{day}")
    sigma = math.sqrt(math.log(1 + VISIT_CV**2))
    people = []
    for concern in scenario.concerns:
        mu = math.log(concern.visit_minutes) - sigma**2 / 2
        start, end = concern.issued_within
        for _ in range(concern.tickets):
            arrives = rng.uniform(start, end)
            shows_up = rng.random() >= NO_SHOW_SHARE
            length = rng.lognormvariate(mu, sigma)
            people.append(Visitor(arrives, concern.id, shows_up, length if shows_up else NO_SHOW_MINUTES))
    return sorted(people, key=lambda v: v.arrives)


# ---------------------------------------------------------------------------------------- the day


class Api:
    """A keep-alive HTTP connection to the server under test, one request at a time."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        self.kiosk = {"Authorization": f"Bearer {server.tokens['kiosk']}", "Content-Type": "application/json"}
        self.staff = {"Authorization": f"Bearer {server.tokens['staff']}", "Content-Type": "application/json"}

    def request(self, method: str, path: str, headers: dict[str, str], body: Any = None) -> tuple[int, Any]:
        payload = None if body is None else json.dumps(body)
        self.connection.request(method, f"/api/v1{path}", body=payload, headers=headers)
        response = self.connection.getresponse()
        data = response.read()
        if response.status >= 400:
            raise RuntimeError(f"{method} {path}: {response.status} {data[:300]!r}")
        return response.status, json.loads(data) if data else None

    def close(self) -> None:
        self.connection.close()


@dataclass
class Sample:
    ticket: str
    at: float  # minutes after opening
    wait: dict[str, int] | None
    position: int


@dataclass
class DayRecord:
    printed: list[Sample] = field(default_factory=list)
    every_5_min: list[Sample] = field(default_factory=list)
    called_at: dict[str, float] = field(default_factory=dict)
    display_agrees: int = 0  # GET /services just before an issue gave the wait then printed
    display_checked: int = 0


class Day:
    """One simulated day against the server: events in time order, the server's clock moved to each."""

    def __init__(
        self, api: Api, scenario: Scenario, people: list[Visitor], opening: datetime, measured: bool = True
    ) -> None:
        self.api = api
        self.measured = measured
        self.scenario = scenario
        self.opening = opening
        self.record = DayRecord()
        self.events: list[tuple[float, int, str, Any]] = []
        self._order = 0
        for person in people:
            self._at(person.arrives, "arrive", person)
        for counter_id, closes, opens in scenario.breaks:
            self._at(closes, "close", counter_id)
            self._at(opens, "open", counter_id)
        self.counter_ids = [c for c, _ in scenario.counters]
        self.busy: dict[str, str | None] = dict.fromkeys(self.counter_ids)  # counter -> ticket id
        self.closed: set[str] = set()
        self.person_of: dict[str, Visitor] = {}
        self.waiting: dict[str, None] = {}  # ticket ids in issue order

    def _at(self, minute: float, kind: str, payload: Any) -> None:
        self._order += 1
        heapq.heappush(self.events, (minute, self._order, kind, payload))

    def _clock(self, minute: float) -> None:
        self.api.server.set_clock(self.opening + timedelta(minutes=minute))

    def run(self) -> DayRecord:
        self._clock(0)
        for counter_id in self.counter_ids:
            self.api.request("POST", f"/counters/{counter_id}/open", self.api.staff)
        next_sample = 0.0
        while self.events:
            minute = self.events[0][0]
            if self.measured and next_sample <= minute:
                self._sample(next_sample)
                next_sample += SAMPLE_EVERY
                continue
            _, _, kind, payload = heapq.heappop(self.events)
            self._clock(minute)
            getattr(self, f"_{kind}")(minute, payload)
        return self.record

    # ---- events

    def _arrive(self, minute: float, person: Visitor) -> None:
        if self.measured:
            _, services = self.api.request("GET", "/services", self.api.staff)
            shown = next(s["wait"] for s in services if s["id"] == person.service)
        headers = {**self.api.kiosk, "Idempotency-Key": str(uuid.uuid4())}
        _, ticket = self.api.request("POST", "/tickets", headers, {"service": person.service, "language": "de"})
        self.record.printed.append(Sample(ticket["id"], minute, ticket["wait"], ticket["position"]))
        if self.measured:
            self.record.display_checked += 1
            self.record.display_agrees += shown == ticket["wait"]
        self.person_of[ticket["id"]] = person
        self.waiting[ticket["id"]] = None
        for counter_id in self.counter_ids:
            if self.busy[counter_id] is None and counter_id not in self.closed:
                self._call_next(minute, counter_id)

    def _call_next(self, minute: float, counter_id: str) -> None:
        status, ticket = self.api.request("POST", f"/counters/{counter_id}/call-next", self.api.staff)
        if status == 204:
            return
        ticket_id = ticket["id"]
        self.waiting.pop(ticket_id)
        self.record.called_at[ticket_id] = minute
        self.busy[counter_id] = ticket_id
        person = self.person_of[ticket_id]
        if person.shows_up:
            self.api.request("POST", f"/tickets/{ticket_id}/start", self.api.staff)
        self._at(minute + person.visit, "visit_ends", (counter_id, ticket_id))

    def _visit_ends(self, minute: float, payload: tuple[str, str]) -> None:
        counter_id, ticket_id = payload
        action = "finish" if self.person_of[ticket_id].shows_up else "no-show"
        self.api.request("POST", f"/tickets/{ticket_id}/{action}", self.api.staff)
        self.busy[counter_id] = None
        if counter_id not in self.closed:
            self._call_next(minute, counter_id)

    def _close(self, minute: float, counter_id: str) -> None:
        self.closed.add(counter_id)
        self.api.request("POST", f"/counters/{counter_id}/close", self.api.staff)

    def _open(self, minute: float, counter_id: str) -> None:
        self.closed.discard(counter_id)
        self.api.request("POST", f"/counters/{counter_id}/open", self.api.staff)
        if self.busy[counter_id] is None:
            self._call_next(minute, counter_id)

    def _sample(self, minute: float) -> None:
        self._clock(minute)
        for ticket_id in self.waiting:
            _, ticket = self.api.request("GET", f"/tickets/{ticket_id}", self.api.staff)
            self.record.every_5_min.append(Sample(ticket_id, minute, ticket["wait"], ticket["position"]))


# ---------------------------------------------------------------------------------------- scores


@dataclass(frozen=True)
class Score:
    rrmse: float
    bias: float
    coverage: float
    width: float
    samples: int
    unknown: int  # samples whose wait was null although a counter was open


def score(samples: list[Sample], called_at: dict[str, float]) -> Score:
    errors, real_waits, inside, widths = [], [], 0, []
    unknown = 0
    for sample in samples:
        if sample.wait is None:
            unknown += 1
            continue
        real = called_at[sample.ticket] - sample.at
        low, high = sample.wait["low_min"], sample.wait["high_min"]
        errors.append((low + high) / 2 - real)
        real_waits.append(real)
        inside += low <= real <= high
        widths.append(high - low)
    if not errors:
        return Score(math.nan, math.nan, math.nan, math.nan, 0, unknown)
    rmse = math.sqrt(sum(e * e for e in errors) / len(errors))
    return Score(
        rmse / statistics.fmean(real_waits),
        statistics.fmean(errors),
        inside / len(errors),
        statistics.fmean(widths),
        len(errors),
        unknown,
    )


@dataclass(frozen=True)
class RunResult:
    scenario: str
    config: str
    seed: int
    day: int
    every_5_min: Score
    printed: Score
    display_agrees: int
    display_checked: int
    seconds: float


def run_one(scenario: Scenario, config: str, seed: int, days: int, workdir: Path) -> list[RunResult]:
    """Day 1 (and days 5-8) of one seed on a fresh database and a fresh server process.

    Days 5-7 are lived through without sampling, so that day 8, the same weekday as day 1, finds
    four earlier days in the database, as an office that has run for a while has.
    """
    here = workdir / f"{scenario.name.replace(' ', '-')}-{config.replace('% ', '-')}-{seed}"
    here.mkdir()
    site = here / "site.toml"
    site.write_text(site_toml(scenario, CONFIGS[config]), encoding="utf-8")
    db_url = f"sqlite:///{here}/sim.db"
    with _SETUP:
        tokens = create_tokens(db_url, site, ("kiosk", "staff"))
    server = LiveServer(site, db_url, here, tokens=tokens, clock=DAY_ONE)
    server.start()
    api = Api(server)
    results = []
    try:
        for day in (1, 5, 6, 7, 8)[: 5 if days == 2 else 1]:
            began = time.perf_counter()
            opening = DAY_ONE + timedelta(days=day - 1)
            measured = day in (1, 8)
            record = Day(api, scenario, visitors(scenario, seed, day), opening, measured).run()
            if not measured:
                continue
            results.append(
                RunResult(
                    scenario.name,
                    config,
                    seed,
                    day,
                    score(record.every_5_min, record.called_at),
                    score(record.printed, record.called_at),
                    record.display_agrees,
                    record.display_checked,
                    time.perf_counter() - began,
                )
            )
    finally:
        api.close()
        server.stop()
    return results


# ---------------------------------------------------------------------------------------- report


def spread(values: list[float], digits: int) -> str:
    mean = statistics.fmean(values)
    sd = statistics.stdev(values) if len(values) > 1 else 0.0
    return f"{mean:.{digits}f}±{sd:.{digits}f}"


def report(results: list[RunResult]) -> Iterator[str]:
    header = (
        f"{'scenario':<14}{'config':<10}{'day':>3}  "
        f"{'every 5 min: RRMSE':>19}{'bias min':>11}{'coverage':>11}{'width':>11}  "
        f"{'printed: RRMSE':>15}{'bias min':>11}{'coverage':>11}{'width':>11}"
    )
    yield header
    keys = sorted({(r.scenario, r.config, r.day) for r in results}, key=_order)
    for scenario, config, day in keys:
        group = [r for r in results if (r.scenario, r.config, r.day) == (scenario, config, day)]
        cells = []
        for which in ("every_5_min", "printed"):
            scores = [getattr(r, which) for r in group]
            cells.append(
                f"{spread([s.rrmse for s in scores], 3):>15}{spread([s.bias for s in scores], 1):>11}"
                f"{spread([s.coverage for s in scores], 2):>11}{spread([s.width for s in scores], 1):>11}"
            )
        yield f"{scenario:<14}{config:<10}{day:>3}  {cells[0]:>50}  {cells[1]:>48}"
    unknown = sum(r.every_5_min.unknown + r.printed.unknown for r in results)
    samples = sum(r.every_5_min.samples + r.printed.samples for r in results)
    agrees = sum(r.display_agrees for r in results)
    checked = sum(r.display_checked for r in results)
    yield ""
    yield f"estimates scored: {samples}; 'unknown' while a counter was open: {unknown}"
    yield f"display (GET /services) showed the wait then printed on the ticket: {agrees} of {checked}"
    yield f"simulated days: {len(results)}, {statistics.fmean(r.seconds for r in results):.1f} s each on average"


def _order(key: tuple[str, str, int]) -> tuple[int, int, int]:
    scenario, config, day = key
    return list(SCENARIOS).index(scenario), list(CONFIGS).index(config), day


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    # argparse formats help with %: the configs' names ("25% low") need it doubled.
    choices = {name: ", ".join(names).replace("%", "%%") for name, names in (("s", SCENARIOS), ("c", CONFIGS))}
    parser.add_argument("--scenarios", default=",".join(SCENARIOS), help="comma-separated, from: " + choices["s"])
    parser.add_argument("--configs", default=",".join(CONFIGS), help="comma-separated, from: " + choices["c"])
    parser.add_argument("--seeds", type=int, default=3)
    parser.add_argument("--days", type=int, choices=(1, 2), default=2, help="1: day 1 only; 2: days 1 and 8")
    parser.add_argument("--jobs", type=int, default=2, help="server processes simulating at once")
    args = parser.parse_args()
    scenarios = [SCENARIOS[name] for name in args.scenarios.split(",")]
    configs = args.configs.split(",")
    print(
        f"wait estimates on simulated days — {platform.node()}, {os.cpu_count()} CPUs, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
    )
    print(
        f"seeds 1-{args.seeds}; visits lognormal (CV {VISIT_CV}), {NO_SHOW_SHARE:.0%} no-shows of "
        f"{NO_SHOW_MINUTES:g} min; estimates sampled every {SAMPLE_EVERY:g} min; mean±sd over seeds\n",
        flush=True,
    )
    # The databases live in memory-backed /dev/shm where there is one: what is measured is the
    # estimates, not durable commits, and an fsync per staff action would triple the run time.
    shm = Path("/dev/shm")
    workdir = Path(tempfile.mkdtemp(prefix="wartemarke-wait-", dir=shm if shm.is_dir() else None))
    began = time.perf_counter()
    try:
        jobs = [(s, c, seed) for s in scenarios for c in configs for seed in range(1, args.seeds + 1)]
        with ThreadPoolExecutor(args.jobs) as pool:
            runs = pool.map(lambda job: run_one(*job, args.days, workdir), jobs)
            results = [result for run in runs for result in run]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    for line in report(results):
        print(line)
    print(f"whole run: {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    main()

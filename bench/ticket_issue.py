"""Ticket issue over HTTP: tickets/s, p50 and p99 with 1, 8 and 32 concurrent kiosks.

Each kiosk is one keep-alive connection issuing tickets back to back (fresh Idempotency-Key each,
its own kiosk token, concerns in turn), spread round-robin over the server processes. Every
ticket counted was committed durably (SQLite WAL + synchronous=FULL; PostgreSQL fsync on) before
its 201. Each (backend, processes, clients) run gets a fresh database and fresh processes.

    .venv/bin/python bench/ticket_issue.py                       # everything (about 3 minutes)
    .venv/bin/python bench/ticket_issue.py --setups sqlite:1 --clients 32 --seconds 10
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

from bench_office import BenchOffice, postgres_if_needed, running_office
from cpu_meter import CpuReading, read_cpu
from raw_http import HttpConnection

SERVICES = ("notfall", "aufenthalt", "einbuergerung")


@dataclass(frozen=True)
class KioskRequest:
    """What each simulated kiosk sends again and again: a POST to `path` for the services in turn."""

    path: str = "/api/v1/tickets"
    services: tuple[str, ...] = SERVICES


TICKETS = KioskRequest()


@dataclass
class Sample:
    finished: float
    latency: float
    status: int


@dataclass
class RunResult:
    setup: str
    clients: int
    seconds: float
    samples: list[Sample] = field(default_factory=list)
    cpu: tuple[CpuReading, CpuReading] | None = None

    def cpu_ms_per_ticket(self) -> tuple[float, float, float]:
        """Server, database and load-generator CPU per ticket issued (ms) in the measured window."""
        assert self.cpu is not None
        start, end = self.cpu
        tickets = max(1, sum(s.status == 201 for s in self.samples))
        return tuple(  # type: ignore[return-value]
            (getattr(end, part) - getattr(start, part)) * 1000 / tickets for part in ("server", "database", "client")
        )

    def figures(self) -> tuple[int, float, float, float, int]:
        ok = [s for s in self.samples if s.status == 201]
        latencies = sorted(s.latency * 1000 for s in ok) or [float("nan")]
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        errors = len(self.samples) - len(ok)
        return len(ok), len(ok) / self.seconds, statistics.median(latencies), p99, errors


async def kiosk(
    office: BenchOffice, index: int, stop_at: float, samples: list[Sample], sends: KioskRequest = TICKETS
) -> None:
    server = office.servers[index % len(office.servers)]
    connection = await HttpConnection(server.url).open()
    token = office.kiosk_tokens[index % len(office.kiosk_tokens)]
    try:
        turn = index
        while (start := time.perf_counter()) < stop_at:
            body = json.dumps({"service": sends.services[turn % len(sends.services)], "language": "de"}).encode()
            turn += 1
            headers = {
                "Authorization": f"Bearer {token}",
                "Content-Type": "application/json",
                "Idempotency-Key": str(uuid.uuid4()),
            }
            response = await connection.request("POST", sends.path, headers, body)
            end = time.perf_counter()
            samples.append(Sample(end, end - start, response.status))
    finally:
        connection.close()


async def load(
    office: BenchOffice,
    clients: int,
    warmup: float,
    seconds: float,
    postmaster: int | None = None,
    sends: KioskRequest = TICKETS,
) -> tuple[float, list[Sample], tuple[CpuReading, CpuReading]]:
    samples: list[Sample] = []
    begin = time.perf_counter()
    stop_at = begin + warmup + seconds
    pids = [server.process.pid for server in office.servers if server.process]

    async def meter() -> tuple[CpuReading, CpuReading]:
        await asyncio.sleep(warmup)
        start = read_cpu(pids, postmaster)
        await asyncio.sleep(seconds)
        return start, read_cpu(pids, postmaster)

    cpu, *_ = await asyncio.gather(meter(), *(kiosk(office, i, stop_at, samples, sends) for i in range(clients)))
    return begin + warmup, samples, cpu


def run(
    setup: str,
    backend: str,
    processes: int,
    clients: int,
    cluster,  # noqa: ANN001
    warmup: float,
    seconds: float,
    sends: KioskRequest = TICKETS,
    prepare: Callable[[BenchOffice], None] | None = None,
) -> RunResult:
    """One measured run on a fresh office; `prepare` readies it first (e.g. draws a quota empty)."""
    postmaster = cluster.process.pid if backend == "postgres" else None
    with running_office(backend, processes, kiosks=max(clients, 1), cluster=cluster) as office:
        if prepare is not None:
            prepare(office)
        measured_from, samples, cpu = asyncio.run(load(office, clients, warmup, seconds, postmaster, sends))
    window = [s for s in samples if measured_from <= s.finished < measured_from + seconds]
    return RunResult(setup, clients, seconds, window, cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setups", default="sqlite:1,postgres:1,postgres:3", help="backend:processes, comma-separated")
    parser.add_argument("--clients", default="1,8,32")
    parser.add_argument("--seconds", type=float, default=8.0, help="measured time per run")
    parser.add_argument("--warmup", type=float, default=2.0)
    args = parser.parse_args()
    setups = [(s.split(":")[0], int(s.split(":")[1])) for s in args.setups.split(",")]
    clients = [int(c) for c in args.clients.split(",")]

    print(
        f"ticket issue over HTTP — {platform.node()}, {platform.processor() or platform.machine()}, "
        f"{__import__('os').cpu_count()} CPUs, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
    )
    print(f"{args.seconds:g} s measured after {args.warmup:g} s warm-up per run; fresh database per run\n")
    print(
        f"{'backend':<10}{'procs':>6}{'clients':>8}{'tickets':>9}{'tickets/s':>11}"
        f"{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}   CPU ms/ticket: server  database  client"
    )
    with postgres_if_needed([b for b, _ in setups]) as cluster:
        for backend, processes in setups:
            for count in clients:
                result = run(f"{backend}:{processes}", backend, processes, count, cluster, args.warmup, args.seconds)
                tickets, rate, p50, p99, errors = result.figures()
                server_ms, database_ms, client_ms = result.cpu_ms_per_ticket()
                print(
                    f"{backend:<10}{processes:>6}{count:>8}{tickets:>9}{rate:>11.0f}{p50:>9.1f}{p99:>9.1f}{errors:>8}"
                    f"{server_ms:>22.2f}{database_ms:>10.2f}{client_ms:>8.2f}",
                    flush=True,
                )


if __name__ == "__main__":
    main()

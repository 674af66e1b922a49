"""Later-slot booking over HTTP beside ticket issue: slots/s, p50 and p99 at 32 concurrent kiosks.

Both are measured the same way in the same run (bench/ticket_issue.py's kiosks, one keep-alive
connection each, a fresh Idempotency-Key per request, own kiosk tokens, a fresh database and server
process per run): first ticket issue on the bench site's three services without quota, then
later-slot booking for its `spaet` service, whose one same-day ticket is drawn first. Every slot
counted was committed durably before its 201, each in its own transaction (booking is not batched:
an office books a few dozen a day).

    .venv/bin/python bench/slot_booking.py                       # sqlite:1 at 32 kiosks (about 1 minute)
    .venv/bin/python bench/slot_booking.py --setups sqlite:1,postgres:1 --clients 1,32
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import uuid

import requests
from bench_office import BenchOffice, postgres_if_needed
from ticket_issue import TICKETS, KioskRequest, run

SLOTS = KioskRequest(path="/api/v1/later-slots", services=("spaet",))


def draw_the_quota(office: BenchOffice) -> None:
    """Later slots are for those who can get no ticket today: take `spaet`'s one same-day ticket."""
    server = office.servers[0]
    response = requests.post(
        f"{server.url}/api/v1/tickets",
        json={"service": "spaet", "language": "de"},
        headers={"Authorization": f"Bearer {office.kiosk_tokens[0]}", "Idempotency-Key": str(uuid.uuid4())},
        timeout=10,
    )
    response.raise_for_status()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setups", default="sqlite:1", help="backend:processes, comma-separated")
    parser.add_argument("--clients", default="32")
    parser.add_argument("--seconds", type=float, default=8.0, help="measured time per run")
    parser.add_argument("--warmup", type=float, default=2.0)
    args = parser.parse_args()
    setups = [(s.split(":")[0], int(s.split(":")[1])) for s in args.setups.split(",")]
    clients = [int(c) for c in args.clients.split(",")]

    print(
        f"later-slot booking beside ticket issue over HTTP — {platform.node()}, "
        f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}"
    )
    print(f"{args.seconds:g} s measured after {args.warmup:g} s warm-up per run; fresh database per run\n")
    print(
        f"{'request':<14}{'backend':<10}{'procs':>6}{'clients':>8}{'done':>7}{'per s':>8}"
        f"{'p50 ms':>9}{'p99 ms':>9}{'errors':>8}   CPU ms each: server  database"
    )
    with postgres_if_needed([b for b, _ in setups]) as cluster:
        for backend, processes in setups:
            for count in clients:
                for label, sends, prepare in (("ticket issue", TICKETS, None), ("later slot", SLOTS, draw_the_quota)):
                    result = run(
                        f"{backend}:{processes}",
                        backend,
                        processes,
                        count,
                        cluster,
                        args.warmup,
                        args.seconds,
                        sends=sends,
                        prepare=prepare,
                    )
                    done, rate, p50, p99, errors = result.figures()
                    server_ms, database_ms, _ = result.cpu_ms_per_ticket()
                    print(
                        f"{label:<14}{backend:<10}{processes:>6}{count:>8}{done:>7}{rate:>8.0f}{p50:>9.1f}"
                        f"{p99:>9.1f}{errors:>8}{server_ms:>20.2f}{database_ms:>10.2f}",
                        flush=True,
                    )


if __name__ == "__main__":
    main()

"""Event fan-out: from the call-next response to `ticket.called` arriving at each of 500 SSE subscribers.

The subscribers (raw sockets in one asyncio loop, like 500 waiting-room screens) are spread
round-robin over the server processes; call-next always goes to the first process, so with
several processes most subscribers hear the call through PostgreSQL NOTIFY and the event log.
Latency = arrival at the subscriber − arrival of the call-next response at the counter (negative:
the screen heard it before the counter got its answer). Times are taken in the one client loop,
so they include its own work of reading 500 sockets.

    .venv/bin/python bench/event_fanout.py                       # sqlite:1, postgres:1, postgres:3
    .venv/bin/python bench/event_fanout.py --setups postgres:3 --subscribers 500 --rounds 50
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import resource
import statistics
import time
import uuid

from bench_office import BenchOffice, postgres_if_needed, running_office
from raw_http import HttpConnection

CALLED = b"event: ticket.called\ndata: "


class Screen:
    """One SSE subscriber; notes when each ticket's call arrives."""

    def __init__(self, office: BenchOffice, index: int, arrivals: dict[str, dict[int, float]]) -> None:
        self.server = office.servers[index % len(office.servers)]
        self.index = index
        self.token = office.display_token
        self.arrivals = arrivals
        self.connection = HttpConnection(self.server.url)
        self.ready = asyncio.Event()

    async def listen(self) -> None:
        await self.connection.open()
        reader = await self.connection.stream(
            "/api/v1/events", {"Authorization": f"Bearer {self.token}", "Accept": "text/event-stream"}
        )
        buffer = b""
        while chunk := await reader.read(65536):
            now = time.perf_counter()
            self.ready.set()
            buffer += chunk
            while (start := buffer.find(CALLED)) >= 0:
                end = buffer.find(b"\n", start + len(CALLED))
                if end < 0:
                    break
                ticket_id = json.loads(buffer[start + len(CALLED) : end])["id"]
                self.arrivals.setdefault(ticket_id, {})[self.index] = now
                buffer = buffer[end:]
            buffer = buffer[-len(CALLED) :] if len(buffer) > len(CALLED) else buffer

    def close(self) -> None:
        self.connection.close()


async def measure(office: BenchOffice, subscribers: int, rounds: int) -> tuple[list[float], int, float]:
    kiosk = await HttpConnection(office.servers[0].url).open()
    for _ in range(rounds):
        body = json.dumps({"service": "notfall", "language": "de"}).encode()
        headers = {
            "Authorization": f"Bearer {office.kiosk_tokens[0]}",
            "Content-Type": "application/json",
            "Idempotency-Key": str(uuid.uuid4()),
        }
        assert (await kiosk.request("POST", "/api/v1/tickets", headers, body)).status == 201
    kiosk.close()

    arrivals: dict[str, dict[int, float]] = {}
    screens = [Screen(office, i, arrivals) for i in range(subscribers)]
    tasks = [asyncio.create_task(screen.listen()) for screen in screens]
    await asyncio.wait_for(asyncio.gather(*(screen.ready.wait() for screen in screens)), timeout=60)
    counter = await HttpConnection(office.servers[0].url).open()
    # 500 screens in one Python process: a full garbage collection here stalls them all at once for
    # ~200 ms and would be measured as server latency (real screens are separate machines).
    gc.collect()
    gc.disable()
    latencies: list[float] = []
    call_ms: list[float] = []
    missing = 0
    for _ in range(rounds):
        staff = {"Authorization": f"Bearer {office.staff_token}"}
        sent = time.perf_counter()
        response = await counter.request("POST", "/api/v1/counters/1/call-next", staff)
        answered = time.perf_counter()
        call_ms.append((answered - sent) * 1000)
        assert response.status == 200, response.body
        ticket_id = response.json()["id"]
        deadline = answered + 5.0
        while len(arrivals.get(ticket_id, {})) < subscribers and time.perf_counter() < deadline:
            await asyncio.sleep(0.002)
        heard = arrivals.get(ticket_id, {})
        missing += subscribers - len(heard)
        latencies += [(moment - answered) * 1000 for moment in heard.values()]
        await asyncio.sleep(0.2)  # a counter does not call twice in the same instant
    gc.enable()
    counter.close()
    for screen in screens:
        screen.close()
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return latencies, missing, statistics.median(call_ms)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--setups", default="sqlite:1,postgres:1,postgres:3", help="backend:processes, comma-separated")
    parser.add_argument("--subscribers", type=int, default=500)
    parser.add_argument("--rounds", type=int, default=30, help="calls per setup")
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, args.subscribers * 2 + 256)), hard))
    setups = [(s.split(":")[0], int(s.split(":")[1])) for s in args.setups.split(",")]

    print(
        f"event fan-out to {args.subscribers} SSE subscribers — {platform.node()}, {os.cpu_count()} CPUs, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}; {args.rounds} calls per setup\n"
    )
    print(
        f"{'backend':<10}{'procs':>6}{'deliveries':>11}{'missing':>8}{'p50 ms':>9}{'p99 ms':>9}{'max ms':>9}"
        f"{'call-next p50 ms':>18}"
    )
    with postgres_if_needed([b for b, _ in setups]) as cluster:
        for backend, processes in setups:
            with running_office(backend, processes, kiosks=1, cluster=cluster) as office:
                latencies, missing, call_p50 = asyncio.run(measure(office, args.subscribers, args.rounds))
            latencies.sort()
            p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else float("nan")
            p50 = statistics.median(latencies) if latencies else float("nan")
            worst = latencies[-1] if latencies else float("nan")
            print(
                f"{backend:<10}{processes:>6}{len(latencies):>11}{missing:>8}{p50:>9.1f}{p99:>9.1f}{worst:>9.1f}"
                f"{call_p50:>18.1f}",
                flush=True,
            )


if __name__ == "__main__":
    main()

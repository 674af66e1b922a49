"""A city's busy morning on the phones: thousands of phone pages follow their tickets on ONE server process.

Every ticket issued gets a phone page (a lightweight SSE client on `GET /api/v1/status/{token}/events`,
raw asyncio sockets spread over a few client processes; not browsers). Tickets are spread evenly over
the bench site's services. Staff then call the head of one service after another; each call moves
every waiting ticket of that service one place, so each call must reach about pages/services pages.

Latency of one page's update = its arrival at the page − the arrival of the call's response at the
counter (each update is matched to its call by the position it carries, so a late update is never
counted against a later call). Also measured: the time to connect all pages (as after a server
restart, when every phone reconnects), the server's RSS per connected page, and its CPU per page
update and while idle (heartbeats only).

    .venv/bin/python bench/phone_fanout.py                    # 5,000 pages, 30 calls, SQLite
    .venv/bin/python bench/phone_fanout.py --pages 15000 --clients 3 --backend postgres
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import multiprocessing
import os
import platform
import re
import resource
import statistics
import time
import uuid
from pathlib import Path

from bench_office import BenchOffice, postgres_if_needed, running_office
from cpu_meter import _cpu_of
from raw_http import HttpConnection

SERVICES = ("notfall", "aufenthalt", "einbuergerung")
POSITION = re.compile(rb'"status":"(\w+)","position":(null|\d+)')
ISSUERS = 16


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def raise_file_limit(needed: int) -> int:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < needed:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, needed), hard))
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


# -- the phones: one process holds a share of the pages


async def _page(host: str, port: int, token: str, index: int, arrivals: list, connected: asyncio.Event, counts) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    writer.write(
        f"GET /api/v1/status/{token}/events HTTP/1.1\r\nHost: {host}\r\nAccept: text/event-stream\r\n\r\n".encode()
    )
    head = await reader.readuntil(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200"), head[:200]
    buffer = b""
    first = True
    while chunk := await reader.read(65536):
        now = time.monotonic()
        buffer += chunk
        cut = buffer.rfind(b"\n\n")
        if cut < 0:
            continue
        # Whole events only; the status and position are found in the data line, whatever the chunk framing.
        complete, buffer = buffer[:cut], buffer[cut + 2 :]
        for status, position in POSITION.findall(complete):
            if first:
                first = False
                counts[0] += 1
                if counts[0] == counts[1]:
                    connected.set()
                continue
            arrivals.append((index, now, status.decode(), None if position == b"null" else int(position)))
    writer.close()


def phones(url: str, pages: list[tuple[int, str]], ready, results, stop) -> None:
    """A client process: open every page, report when all have their first status, record every update."""
    raise_file_limit(len(pages) + 256)
    gc.disable()  # a collection in a client stalls thousands of pages at once and would look like server latency
    host, port = url.split("//")[1].split(":")

    async def run() -> None:
        arrivals: list = []
        connected = asyncio.Event()
        counts = [0, len(pages)]
        tasks = []
        for index, token in pages:
            tasks.append(asyncio.create_task(_page(host, int(port), token, index, arrivals, connected, counts)))
            if len(tasks) % 200 == 0:
                await asyncio.sleep(0)  # let the first connections through while the rest are made
        await connected.wait()
        ready.put(time.monotonic())
        while not stop.is_set():
            await asyncio.sleep(0.05)
        results.put(arrivals)
        for task in tasks:
            task.cancel()

    asyncio.run(run())


# -- the office


async def issue_tickets(office: BenchOffice, count: int) -> list[dict]:
    connections = [await HttpConnection(office.servers[0].url).open() for _ in range(ISSUERS)]
    tickets: list[dict] = [{}] * count

    async def issuer(lane: int) -> None:
        for n in range(lane, count, ISSUERS):
            body = json.dumps({"service": SERVICES[n % len(SERVICES)], "language": "de"}).encode()
            headers = {
                "Authorization": f"Bearer {office.kiosk_tokens[0]}",
                "Content-Type": "application/json",
                "Idempotency-Key": str(uuid.uuid4()),
            }
            answer = await connections[lane].request("POST", "/api/v1/tickets", headers, body)
            assert answer.status == 201, answer.body
            tickets[n] = answer.json()

    await asyncio.gather(*(issuer(lane) for lane in range(ISSUERS)))
    for connection in connections:
        connection.close()
    return tickets


async def probe(office: BenchOffice, token: str, until: asyncio.Event, took: list[float]) -> None:
    """Another visitor's phone opening its page meanwhile: how long do other requests wait during the fan-out?"""
    phone = await HttpConnection(office.servers[0].url).open()
    while not until.is_set():
        sent = time.monotonic()
        assert (await phone.request("GET", f"/api/v1/status/{token}")).status == 200
        took.append((time.monotonic() - sent) * 1000)
        await asyncio.sleep(0.05)
    phone.close()


async def call_heads(
    office: BenchOffice, queues: dict[str, list[dict]], rounds: int, gap: float, probe_token: str
) -> tuple[list, list[float]]:
    """Call the head of each service in turn; (service, its call number, response arrival) per call."""
    probing, took = asyncio.Event(), []
    prober = asyncio.create_task(probe(office, probe_token, probing, took))
    counter = await HttpConnection(office.servers[0].url).open()
    staff = {"Authorization": f"Bearer {office.staff_token}", "Content-Type": "application/json"}
    calls = []
    made = dict.fromkeys(queues, 0)
    for n in range(rounds):
        service = SERVICES[n % len(SERVICES)]
        head = queues[service][made[service]]
        body = json.dumps({"counter": "1"}).encode()
        answer = await counter.request("POST", f"/api/v1/tickets/{head['id']}/call", staff, body)
        answered = time.monotonic()
        assert answer.status == 200, answer.body
        made[service] += 1
        calls.append((service, made[service], answered))
        await asyncio.sleep(gap)
    counter.close()
    probing.set()
    await prober
    return calls, took


def measure(office: BenchOffice, pages: int, clients: int, rounds: int, gap: float) -> dict:
    server_pid = office.servers[0].process.pid
    tickets = asyncio.run(issue_tickets(office, pages))
    # In queue order: kiosks issuing side by side may be numbered in another order than they were sent.
    queues = {
        service: sorted((t for t in tickets if t["service"] == service), key=lambda t: int(t["number"][1:]))
        for service in SERVICES
    }
    place = {}  # page index -> (service, its initial position)
    index_of = {t["id"]: n for n, t in enumerate(tickets)}
    for service, queue in queues.items():
        for position, ticket in enumerate(queue):
            place[index_of[ticket["id"]]] = (service, position)
    time.sleep(1.0)
    rss_before = rss_mb(server_pid)
    cpu_before_connect = _cpu_of(server_pid)

    ctx = multiprocessing.get_context("fork")
    ready, results, stop = ctx.Queue(), ctx.Queue(), ctx.Event()
    shares = [[(n, tickets[n]["code"].rsplit("/", 1)[1]) for n in range(k, pages, clients)] for k in range(clients)]
    started = time.monotonic()
    workers = [
        ctx.Process(target=phones, args=(office.servers[0].url, share, ready, results, stop)) for share in shares
    ]
    for worker in workers:
        worker.start()
    all_connected = max(ready.get(timeout=600) for _ in workers)
    connect_seconds = all_connected - started
    connect_cpu = _cpu_of(server_pid) - cpu_before_connect
    time.sleep(2.0)
    rss_connected = rss_mb(server_pid)
    idle_cpu_start = _cpu_of(server_pid)
    idle_seconds = 20.0
    time.sleep(idle_seconds)
    idle_cpu = _cpu_of(server_pid) - idle_cpu_start

    cpu_start = _cpu_of(server_pid)
    calls, probes = asyncio.run(call_heads(office, queues, rounds, gap, tickets[-1]["code"].rsplit("/", 1)[1]))
    probes.sort()
    time.sleep(3.0)
    calls_cpu = _cpu_of(server_pid) - cpu_start
    rss_after = rss_mb(server_pid)
    stop.set()
    arrivals = [row for _ in workers for row in results.get(timeout=120)]
    for worker in workers:
        worker.join(timeout=30)

    answered = {(service, number): moment for service, number, moment in calls}
    expected = 0
    for service, number, _ in calls:
        expected += len(queues[service]) - number + 1  # every ticket from the called one on
    latencies = []
    seen = set()
    for index, moment, status, position in sorted(arrivals, key=lambda row: row[1]):
        if status not in ("waiting", "called"):
            continue  # the previous visitor's "done"
        service, initial = place[index]
        number = initial + 1 if status == "called" else initial - position  # which call of the service this was
        # A page also hears when only its wait estimate changed (another service's visit ended at a shared
        # counter); the update that a call caused is the first with the new position.
        if (index, number) in seen:
            continue
        seen.add((index, number))
        if (service, number) in answered:
            latencies.append((moment - answered[(service, number)]) * 1000)
    latencies.sort()
    return {
        "pages": pages,
        "connect_s": connect_seconds,
        "connect_cpu_ms_per_page": connect_cpu * 1000 / pages,
        "rss_before": rss_before,
        "rss_connected": rss_connected,
        "rss_after": rss_after,
        "kb_per_page": (rss_connected - rss_before) * 1024 / pages,
        "idle_cpu_pct": idle_cpu / idle_seconds * 100,
        "updates": len(latencies),
        "messages": len(arrivals),
        "expected": expected,
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p99": latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))] if latencies else float("nan"),
        "max": latencies[-1] if latencies else float("nan"),
        "cpu_us_per_message": calls_cpu * 1e6 / max(len(arrivals), 1),
        "cpu_ms_per_call": calls_cpu * 1000 / rounds,
        "probe_p50": statistics.median(probes),
        "probe_p99": probes[int(len(probes) * 0.99)],
        "probe_max": probes[-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=2, help="client processes holding the pages")
    parser.add_argument("--rounds", type=int, default=30, help="calls")
    parser.add_argument("--gap", type=float, default=1.0, help="seconds between calls")
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgres"])
    args = parser.parse_args()
    # The server inherits this limit: one descriptor per page, plus the database's and its own.
    limit = raise_file_limit(args.pages + 512)
    if limit < args.pages + 512:
        raise SystemExit(f"ulimit -n is {limit}; {args.pages} pages need {args.pages + 512} (raise the hard limit)")
    print(
        f"phone fan-out: {args.pages} pages on one server process ({args.backend}), {len(SERVICES)} services, "
        f"{args.rounds} calls {args.gap} s apart — {platform.node()}, {os.cpu_count()} CPUs, "
        f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, ulimit -n {limit}\n"
    )
    with postgres_if_needed([args.backend]) as cluster:
        with running_office(args.backend, 1, kiosks=1, cluster=cluster) as office:
            r = measure(office, args.pages, args.clients, args.rounds, args.gap)
    print(
        f"all pages connected in       {r['connect_s']:.1f} s  ({r['connect_cpu_ms_per_page']:.2f} ms server CPU/page)"
    )
    print(
        f"server RSS                    {r['rss_before']:.0f} MB before, {r['rss_connected']:.0f} MB connected, "
        f"{r['rss_after']:.0f} MB after the calls"
    )
    print(
        f"RSS per connected page        {r['kb_per_page']:.1f} kB"
        f"  (20,000 pages: {r['kb_per_page'] * 20000 / 1024:.0f} MB)"
    )
    print(f"server CPU while idle         {r['idle_cpu_pct']:.1f} % of a core (heartbeats)")
    print(
        f"page updates                  {r['updates']} of {r['expected']} expected "
        f"({r['messages']} messages in all: a change of the wait alone is news too)"
    )
    print(f"latency call → page           p50 {r['p50']:.0f} ms, p99 {r['p99']:.0f} ms, max {r['max']:.0f} ms")
    print(
        f"other requests meanwhile      GET /status p50 {r['probe_p50']:.0f} ms, p99 {r['probe_p99']:.0f} ms, "
        f"max {r['probe_max']:.0f} ms"
    )
    print(
        f"server CPU                    {r['cpu_us_per_message']:.0f} µs per message to a page, "
        f"{r['cpu_ms_per_call']:.0f} ms per call"
    )


if __name__ == "__main__":
    main()

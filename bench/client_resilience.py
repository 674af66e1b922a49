"""Client numbers: SSE parsing speed, what QueueClient adds to a request, how fast a stream recovers.

    .venv/bin/python bench/client_resilience.py [--requests 500] [--restarts 5]

Starts its own `wartemarke server` (config/demo-site.toml, SQLite in a temp folder, free port).
"Recovery" is the time from the restarted server answering /health until the EventStream (default
backoff 0.5 s doubling to 10 s, with jitter) is connected again, and whether the event issued while
the server was down arrived.
"""

from __future__ import annotations

import argparse
import json
import os
import queue
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from client import EventStream, QueueClient  # noqa: E402
from client.sse_parser import SseParser  # noqa: E402

CONFIG = ROOT / "config" / "demo-site.toml"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def bench_parser(count: int = 50_000) -> str:
    data = {
        "id": "458172ec-99e4-4d55-853a-04a788845d9d",
        "number": "N017",
        "service": "notfall",
        "language": "uk",
        "status": "called",
        "counter": "3",
        "counter_name": "Schalter 3",
        "called_at": "2026-11-21T07:31:02+01:00",
        "issued_at": "2026-11-21T07:01:02+01:00",
    }
    payload = json.dumps(data)
    stream = b"".join(
        f"id: {i}\nevent: ticket.called\ndata: {payload}\n\n".encode() + (b": ping\n\n" if i % 10 == 0 else b"")
        for i in range(count)
    )
    chunks = [stream[i : i + 1460] for i in range(0, len(stream), 1460)]  # one TCP segment each
    parser = SseParser()
    started = time.perf_counter()
    parsed = sum(len(parser.feed(chunk)) for chunk in chunks)
    seconds = time.perf_counter() - started
    assert parsed == count
    return (
        f"SSE parser: {count} events ({len(stream) / 1e6:.1f} MB in 1460-byte pieces) in {seconds * 1000:.0f} ms"
        f" = {count / seconds:,.0f} events/s, {len(stream) / seconds / 1e6:.1f} MB/s"
    )


class Server:
    """A `wartemarke server` process on a free port; a second one may share the first one's database."""

    def __init__(self, workdir: Path, shares_db_with: Server | None = None) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.workdir = workdir
        self.db = shares_db_with.db if shares_db_with else f"sqlite:///{workdir}/bench.db"
        self.log = open(workdir / "server.log", "ab")
        self.process: subprocess.Popen[bytes] | None = None
        self.tokens = (
            shares_db_with.tokens
            if shares_db_with
            else {role: self._token(role) for role in ("kiosk", "display", "staff")}
        )

    def _cli(self, *args: str) -> str:
        return subprocess.run(
            [sys.executable, "-m", "launcher", *args, "--db", self.db, "--config", str(CONFIG)],
            cwd=ROOT,
            check=True,
            capture_output=True,
            text=True,
        ).stdout

    def _token(self, role: str) -> str:
        return self._cli("admin", "token", "create", "--role", role, "--name", f"bench {role}").strip().splitlines()[-1]

    def start(self) -> float:
        """Start and return the monotonic time at which /health first answered."""
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "launcher",
                "server",
                "--config",
                str(CONFIG),
                "--db",
                self.db,
                "--port",
                str(self.port),
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            env=dict(os.environ),
        )
        while True:
            try:
                if requests.get(self.url + "/api/v1/health", timeout=1).status_code == 200:
                    return time.monotonic()
            except requests.RequestException:
                pass
            time.sleep(0.02)

    def stop(self) -> None:
        if self.process:
            self.process.terminate()
            self.process.wait(timeout=15)
            self.process = None


def bench_requests(server: Server, count: int) -> list[str]:
    """Both ways in turns, so that load from elsewhere on the machine hits both alike."""
    staff = QueueClient(server.url, server.tokens["staff"])
    raw = requests.Session()
    raw.headers["Authorization"] = f"Bearer {server.tokens['staff']}"
    calls = {
        "raw requests.Session": lambda: raw.get(server.url + "/api/v1/services", timeout=3).json(),
        "QueueClient.services()": staff.services,
    }
    timings: dict[str, list[float]] = {name: [] for name in calls}
    for round_ in range(count + 20):
        for name, call in calls.items():
            started = time.perf_counter()
            call()
            if round_ >= 20:  # warm-up not counted
                timings[name].append((time.perf_counter() - started) * 1000)
    return [
        f"GET /services via {name:<24} n={count}  p50 {statistics.median(values):6.2f} ms"
        f"  p99 {percentile(values, 0.99):6.2f} ms"
        for name, values in timings.items()
    ]


def bench_recovery(server: Server, restarts: int) -> list[str]:
    kiosk = QueueClient(server.url, server.tokens["kiosk"])
    states: queue.Queue[tuple[bool, float]] = queue.Queue()
    numbers: queue.Queue[str] = queue.Queue()
    stream = EventStream(server.url, server.tokens["display"], on_state=lambda up: states.put((up, time.monotonic())))

    def listen() -> None:
        for event in stream.events():
            if event.name == "ticket.issued":
                numbers.put(event.payload.number)

    threading.Thread(target=listen, daemon=True).start()
    assert states.get(timeout=30)[0] is True
    recoveries, missed = [], 0
    for _ in range(restarts):
        server.stop()
        assert states.get(timeout=30)[0] is False
        # A ticket issued while the stream's server is down, through a second process on the same database.
        other = Server(server.workdir, shares_db_with=server)
        other.start()
        during = QueueClient(other.url, server.tokens["kiosk"]).issue_ticket("notfall", "de").number
        other.stop()
        healthy_at = server.start()
        up, connected_at = states.get(timeout=60)
        assert up
        recoveries.append((connected_at - healthy_at) * 1000)
        try:
            while numbers.get(timeout=10) != during:
                pass
        except queue.Empty:
            missed += 1
        kiosk.issue_ticket("aufenthalt", "de")
    stream.close()
    return [
        f"EventStream back after a server restart  n={restarts}  median {statistics.median(recoveries):6.0f} ms"
        f"  max {max(recoveries):6.0f} ms  (from /health OK to connected; default backoff)",
        f"events issued while the server was down and missed after resume: {missed} of {restarts}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=500)
    parser.add_argument("--restarts", type=int, default=5)
    args = parser.parse_args()
    print(bench_parser())
    with tempfile.TemporaryDirectory() as folder:
        server = Server(Path(folder))
        server.start()
        try:
            for line in bench_requests(server, args.requests):
                print(line)
            for line in bench_recovery(server, args.restarts):
                print(line)
        finally:
            server.stop()


if __name__ == "__main__":
    main()

"""Call → board updated, through the real display code path, with 1 and with 200 displays connected.

A real server (subprocess, SQLite) on a free port; one measured display in this process exactly as
the app runs it — EventStream → LiveFeed → UiThread on Kivy's Clock → DisplaySession.pump → Board → BoardView →
BoardScreen labels → the next frame drawn (Kivy offscreen window, 60 fps main loop driven here);
the other 199 displays are SSE connections read by a second process (raw sockets, one thread:
the server must feed all 200 streams; their parsing would happen on 199 other machines). Timings per call:

  server  = POST call-next sent → event handed to the display's feed (server + SSE delivery)
  display = event in the feed → frame drawn with the new number (model + widgets + render)
  pump    = the part of `display` spent in DisplaySession.pump (board, texts, label updates)
  total   = POST sent → frame drawn

Usage: .venv/bin/python bench/display_latency.py [--calls 200] [--displays 1 200]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_CLOCK", "interrupt")  # as `wartemarke display` runs (display/main.py)
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="bench-kivy-"))


def run_readers(url: str, token: str, count: int) -> None:
    """Child process: `count` other displays, each one SSE connection that reads every event.

    One thread and raw sockets: the load that matters here is the server's (200 streams to feed);
    a real display parses its events on its own machine, not on the 2 cores this bench shares.
    """
    import selectors
    import socket
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    request = (
        f"GET /api/v1/events HTTP/1.1\r\nHost: {parts.netloc}\r\nAuthorization: Bearer {token}\r\n"
        "Accept: text/event-stream\r\n\r\n"
    ).encode()
    selector = selectors.DefaultSelector()
    events = {}
    for _ in range(count):
        sock = socket.create_connection((parts.hostname, parts.port))
        sock.sendall(request)
        first = sock.recv(65536)
        if b" 200 " not in first.split(b"\r\n", 1)[0]:
            raise SystemExit(f"event stream refused: {first[:200]!r}")
        sock.setblocking(False)
        selector.register(sock, selectors.EVENT_READ)
        events[sock] = first.count(b"\nevent:")
    print("connected", count, flush=True)
    stop = threading.Event()
    threading.Thread(target=lambda: (sys.stdin.readline(), stop.set()), daemon=True).start()
    while not stop.is_set():
        for key, _ in selector.select(timeout=0.2):
            data = key.fileobj.recv(65536)
            events[key.fileobj] += data.count(b"\nevent:")
    print("events", sum(events.values()), min(events.values()), flush=True)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def start_server(tmp: Path):
    from launcher.live_server import DEMO_SITE, LiveServer

    # The demo site limits a kiosk to 60 tickets a minute; the bench pre-issues hundreds at once.
    config = tmp / "bench-site.toml"
    config.write_text(
        DEMO_SITE.read_text().replace("kiosk_tickets_per_minute = 60", "kiosk_tickets_per_minute = 100000")
    )
    return LiveServer(config, f"sqlite:///{tmp}/bench.db", tmp).start()


def measure(server, calls: int, displays: int) -> dict[str, list[float]]:
    from kivy.base import EventLoop
    from kivy.core.window import Window

    from client import Event, QueueClient
    from display.board_screen import BoardScreen
    from display.config import DisplayConfig
    from display.live_feed import LiveFeed
    from display.session import DisplaySession
    from wartemarke.kivy_shell.clock import ui_thread_on_clock
    from wartemarke.ui_thread import Lanes

    readers = None
    if displays > 1:
        readers = subprocess.Popen(
            [sys.executable, __file__, "--readers", str(displays - 1), server.url, server.tokens["display"]],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert readers.stdout.readline().startswith("connected"), "readers did not connect"

    kiosk = QueueClient(server.url, server.tokens["kiosk"])
    staff = QueueClient(server.url, server.tokens["staff"])
    for _ in range(calls):
        kiosk.issue_ticket("aufenthalt", "uk")  # no quota; served at counters 2 and 3

    Window.size = (1920, 1080)
    config = DisplayConfig.model_validate(
        {"server": {"url": server.url, "token_file": "unused"}, "board": {"languages": ["de"]}}
    )
    screen = BoardScreen(history=8)
    Window.add_widget(screen)
    session = DisplaySession(config, screen, None)
    pump_ms: list[float] = []

    def pump(items) -> None:
        started = time.perf_counter()
        session.pump(items)
        if any(isinstance(item, Event) and item.name == "ticket.called" for item in items):
            pump_ms.append((time.perf_counter() - started) * 1000)

    arrived: dict[str, float] = {}

    class TimedFeed(LiveFeed):
        """Notes when each call's event reaches the display (in the stream's thread)."""

        def _put(self, item) -> None:
            if isinstance(item, Event) and item.name == "ticket.called":
                arrived[item.payload.number] = time.perf_counter()
            super()._put(item)

    lanes = Lanes(ui_thread_on_clock(), "display")
    feed = TimedFeed(QueueClient(server.url, server.tokens["display"]), lanes, pump)
    feed.start()
    while not session.board.connected:
        EventLoop.idle()

    results: dict[str, list[float]] = {"server": [], "display": [], "total": [], "pump": pump_ms}
    pending: dict[str, float] = {}
    done = threading.Event()

    def caller() -> None:
        try:
            for i in range(calls):
                done.clear()
                pending["sent"] = time.perf_counter()
                ticket = staff.call_next(("2", "3")[i % 2])
                if ticket is None:
                    raise RuntimeError("nobody left to call")
                pending["number"] = ticket.number
                if not done.wait(10):
                    print(f"  call {ticket.number} not shown within 10 s", flush=True)
                time.sleep(0.05)  # a little air between calls, as at a real counter (calls are seconds apart)
        finally:
            pending["finished"] = True

    threading.Thread(target=caller, daemon=True).start()
    while "finished" not in pending:
        EventLoop.idle()  # one frame, as the app's main loop: clock, pump, layout, draw
        number = pending.get("number")
        if number and screen.ids.current_number.text == number and not done.is_set():
            drawn = time.perf_counter()
            received = arrived.pop(number, drawn)
            results["server"].append((received - pending["sent"]) * 1000)
            results["display"].append((drawn - received) * 1000)
            results["total"].append((drawn - pending["sent"]) * 1000)
            pending.pop("number")
            done.set()
    feed.close()
    lanes.stop()
    Window.remove_widget(screen)
    if readers:
        readers.stdin.write("quit\n")
        readers.stdin.flush()
        line = readers.stdout.readline().split()
        readers.wait(10)
        print(f"  other displays: {displays - 1} connections, {line[1]} events read, fewest by one display {line[2]}")
    return results


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--readers":
        run_readers(sys.argv[3], sys.argv[4], int(sys.argv[2]))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--displays", type=int, nargs="+", default=[1, 200])
    args = parser.parse_args()
    print(f"display latency: {args.calls} calls per run, 1920x1080 offscreen window, 60 fps main loop")
    print(f"{'displays':>8} {'part':>8} {'p50 ms':>8} {'p99 ms':>8} {'max ms':>8}")
    for displays in args.displays:
        with tempfile.TemporaryDirectory() as tmp:
            server = start_server(Path(tmp))
            try:
                results = measure(server, args.calls, displays)
            finally:
                server.kill()
        for part in ("server", "display", "pump", "total"):
            values = results[part]
            print(
                f"{displays:>8} {part:>8} {statistics.median(values):8.1f} {percentile(values, 99):8.1f} "
                f"{max(values):8.1f}"
            )
        print(
            f"{'':>8} samples: {len(results['total'])}; target p99 total < 150 ms: "
            f"{'met' if percentile(results['total'], 99) < 150 else 'NOT met'}"
        )


if __name__ == "__main__":
    main()

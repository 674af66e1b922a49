"""Counter latencies on a local server: scan -> ticket shown, and "Call next" -> number on a display.

    .venv/bin/python bench/counter_latency.py [--rounds 200]

Starts a real `wartemarke server` (config/demo-site.toml, fresh SQLite file, higher kiosk rate
limit so the set-up can draw enough tickets), then measures:

- scan: code bytes written to a pseudo-terminal -> SerialScanner -> controller.scan (POST /scan)
  -> the ticket card (`view()`) -> the UiThread on Kivy's Clock -> the Kivy frame (offscreen, software GL)
  that shows the ticket's number.
- call next: controller.perform("call_next") until a display's EventStream (display token, its own
  connection) receives the matching `ticket.called` event — what a waiting room sees. Also when the
  counter itself has the number (the POST returned, redraw requested).
"""

from __future__ import annotations

import argparse
import os
import queue
import statistics
import sys
import tempfile
import threading
import time
import tty
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="wartemarke-kivy-"))

from client import EventStream, QueueClient  # noqa: E402
from counter.controller import CounterController  # noqa: E402
from launcher.live_server import DEMO_SITE, LiveServer  # noqa: E402
from wartemarke.scanner.serial_scanner import SerialScanner  # noqa: E402

COUNTER = "3"  # serves aufenthalt (no quota) and ukraine
SERVICE = "aufenthalt"
WARM_UP = 10


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def report(name: str, samples_s: list[float], target_ms: float | None = None) -> str:
    ms = [s * 1000 for s in samples_s]
    p99 = percentile(ms, 99)
    verdict = "" if target_ms is None else (f"p99 < {target_ms:.0f}: " + ("met" if p99 < target_ms else "MISSED"))
    return (
        f"{name:<40} n={len(ms):<4} p50 {percentile(ms, 50):7.1f} ms  p99 {p99:7.1f} ms  "
        f"max {max(ms):7.1f} ms  mean {statistics.fmean(ms):7.1f} ms  {verdict}"
    )


def start_server(workdir: Path) -> LiveServer:
    config = workdir / "site.toml"
    config.write_text(
        DEMO_SITE.read_text().replace("kiosk_tickets_per_minute = 60", "kiosk_tickets_per_minute = 100000")
    )
    return LiveServer(config, f"sqlite:///{workdir}/bench.db", workdir).start()


def bench_scan(controller: CounterController, tickets: list[dict]) -> tuple[list, list]:
    """Scan each ticket through a serial scanner on a pty, as the app wires it.

    Returns (code written -> controller has the card, code written -> Kivy has drawn the frame
    showing the ticket's number). The scanner thread calls the controller, whose view is handed to
    the UI thread (a `UiThread` emptied by Kivy's Clock) and drawn there, exactly like the app.
    """
    from kivy.base import EventLoop
    from kivy.core.window import Window

    from counter.screen import CounterScreen
    from wartemarke.kivy_shell.clock import ui_thread_on_clock

    screen = CounterScreen("de", lambda s: s, {"call_next": "f2"})
    Window.size = (1280, 800)
    Window.add_widget(screen)
    EventLoop.ensure_window()
    ui = ui_thread_on_clock()
    controller.on_change = lambda: ui.call_soon(partial(screen.render, controller.view()))
    master, slave = os.openpty()
    tty.setraw(master)
    tty.setraw(slave)
    have_card: queue.Queue[float] = queue.Queue()

    def on_code(code: str) -> None:
        controller.scan(code)
        controller.view()
        have_card.put(time.perf_counter())

    ready = threading.Event()
    scanner = SerialScanner(os.ttyname(slave), 9600, on_code, lambda up: up and ready.set()).start()
    ready.wait(5)
    card_s, drawn_s = [], []
    try:
        for _ in range(5):
            EventLoop.idle()
        for number, ticket in enumerate(tickets):
            start = time.perf_counter()
            os.write(master, ticket.code.encode() + b"\r\n")
            while screen.ids.scanned_number.text != ticket.number:
                EventLoop.idle()
            EventLoop.idle()  # the frame that shows it
            drawn = time.perf_counter() - start
            card = have_card.get(timeout=10) - start
            if number >= WARM_UP:  # the first frames create textures; a clerk's shift is long
                drawn_s.append(drawn)
                card_s.append(card)
    finally:
        scanner.stop()
        os.close(master)
        os.close(slave)
        Window.remove_widget(screen)
        controller.on_change = lambda: None
    return card_s, drawn_s


def bench_call_next(server: LiveServer, controller: CounterController, rounds: int) -> tuple[list, list]:
    called: queue.Queue[tuple[str, float]] = queue.Queue()
    connected = threading.Event()
    stream = EventStream(server.url, server.tokens["display"], on_state=lambda up: up and connected.set())

    def follow() -> None:
        for event in stream.events():
            if event.name == "ticket.called":
                called.put((event.payload.id, time.perf_counter()))

    threading.Thread(target=follow, daemon=True).start()
    connected.wait(10)
    on_counter, on_display = [], []
    shown_at: list[float] = []
    controller.on_change = lambda: shown_at.append(time.perf_counter())
    try:
        for _ in range(rounds):
            shown_at.clear()
            start = time.perf_counter()
            controller.perform("call_next")
            on_counter.append(shown_at[0] - start)  # first redraw request: the number is on screen
            ticket_id = controller.current.id
            while True:
                event_id, at = called.get(timeout=10)
                if event_id == ticket_id:
                    on_display.append(at - start)
                    break
            controller.perform("finish")
    finally:
        stream.close()
    return on_counter, on_display


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="wartemarke-bench-") as tmp:
        server = start_server(Path(tmp))
        try:
            kiosk = QueueClient(server.url, server.tokens["kiosk"])
            staff = QueueClient(server.url, server.tokens["staff"])
            tickets = [kiosk.issue_ticket(SERVICE, "de") for _ in range(args.rounds + WARM_UP)]
            controller = CounterController(staff, lambda s: s, language="de", counter_id=COUNTER)
            assert controller.sign_in(), controller.notice
            card_s, drawn_s = bench_scan(controller, tickets)
            on_counter, on_display = bench_call_next(server, controller, args.rounds)
            controller.close()
        finally:
            server.stop()
    print(f"local server (SQLite), {args.rounds} rounds each, {os.cpu_count()} CPUs")
    print(report("scan -> ticket card ready (pty, POST /scan)", card_s))
    print(report("scan -> ticket drawn on the screen", drawn_s, 200))
    print(report("call next -> number at the counter", on_counter))
    print(report("call next -> ticket.called at a display", on_display, 200))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

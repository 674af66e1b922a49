"""Memory of a display over a long day: 10,000 calls through the real display code path.

Events as the server sends them (ticket.called, then ticket.updated finish and a service.updated,
like a real call) go through DisplaySession.pump → Board → BoardView → BoardScreen labels, with a
frame drawn after every 10th call (Kivy offscreen window) and every call queued on the announcer (a
speaker that returns at once). Prints RSS and Python-heap (tracemalloc) after each 1,000 calls;
"must not grow" means the 10,000 figure stays at the 1,000 one.

Usage: .venv/bin/python bench/display_memory.py [--calls 10000]
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT)]
os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")
os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="bench-kivy-"))


class InstantSpeaker:
    """Plays nothing, instantly — the queue and its thread are real."""

    def chime(self) -> None:
        pass

    def can_say(self, language: str) -> bool:
        return language in ("de", "uk")

    def say(self, text: str, language: str) -> None:
        pass


def rss_mib() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--calls", type=int, default=10_000)
    args = parser.parse_args()

    from kivy.base import EventLoop
    from kivy.core.window import Window

    from client import Event
    from display.announcer import Announcer
    from display.board_screen import BoardScreen
    from display.config import DisplayConfig
    from display.session import DisplaySession
    from wartemarke.api_objects import Service, TicketSummary

    Window.size = (1920, 1080)
    config = DisplayConfig.model_validate(
        {"server": {"token_file": "unused"}, "board": {"languages": ["de", "uk", "ar"], "label_seconds": 0.05}}
    )
    screen = BoardScreen(history=8)
    Window.add_widget(screen)
    announcer = Announcer(InstantSpeaker())
    session = DisplaySession(config, screen, announcer)
    services = ["notfall", "aufenthalt", "einbuergerung", "ukraine"]

    def service(index: int, waiting: int) -> Service:
        return Service.model_validate(
            {
                "id": services[index],
                "prefix": services[index][0].upper(),
                "names": {"de": services[index]},
                "open": True,
                "quota": None,
                "issued": 0,
                "remaining": None,
                "waiting": waiting,
                "wait": {"low_min": waiting, "high_min": waiting + 10},
            }
        )

    event_id = 0
    tracemalloc.start()
    print(f"display memory: {args.calls} calls, a frame every 10 calls, labels cycling de/uk/ar")
    print(f"{'calls':>7} {'RSS MiB':>8} {'heap MiB':>9} {'board calls':>11} {'queued':>7} {'s':>6}")
    started = time.perf_counter()
    for call in range(1, args.calls + 1):
        number = f"{'NAEU'[call % 4]}{call:04d}"
        ticket = {
            "id": f"t{call}",
            "number": number,
            "service": services[call % 4],
            "language": "uk",
            "status": "called",
            "counter": str(call % 5 + 1),
            "counter_name": f"Schalter {call % 5 + 1}",
            "called_at": datetime.now(UTC).isoformat(),
            "issued_at": datetime.now(UTC).isoformat(),
        }
        event_id += 3
        session.pump(
            [
                Event(event_id - 2, "ticket.called", TicketSummary.model_validate(ticket)),
                Event(event_id - 1, "ticket.updated", TicketSummary.model_validate(dict(ticket, status="done"))),
                Event(event_id, "service.updated", service(call % 4, call % 37)),
            ]
        )
        if call % 10 == 0:
            EventLoop.idle()  # a frame every 10 calls: widgets re-render, 10,000 calls take a minute
        if call % 1000 == 0:
            while announcer.pending:
                time.sleep(0.01)
            gc.collect()
            heap = tracemalloc.get_traced_memory()[0] / 2**20
            print(
                f"{call:>7} {rss_mib():8.1f} {heap:9.2f} {len(session.board.calls):>11} "
                f"{announcer.pending:>7} {time.perf_counter() - started:6.1f}",
                flush=True,
            )
    announcer.close(timeout=10)
    Window.remove_widget(screen)


if __name__ == "__main__":
    main()

"""Kiosk under load: tap on a concern -> ticket on screen (p50/p95), and memory over 1,000 tickets.

A real queue server (bench/kiosk_site_no_quota.toml: no quota, no practical rate limit) and the real
kiosk (Kivy screens in a headless window, controller, client, preview printer writing .bin + .png)
in this process. Each round is what a visitor does: tap a language, tap the concern, wait for the
ticket on screen (timed: from the touch to the first frame showing the ticket), wait for the print,
tap "Done". Resident memory (VmRSS) is printed along the way.

    .venv/bin/python bench/kiosk_tickets.py [--tickets 1000]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SDL_VIDEODRIVER", "offscreen")
os.environ.setdefault("KIVY_NO_ARGS", "1")
os.environ.setdefault("KIVY_NO_CONSOLELOG", "1")

from bench.kiosk_server import queue_server, write_kiosk_config  # noqa: E402


def memory_mb() -> tuple[float, float]:
    """(resident, private): resident counts shared libraries too (Mesa/LLVM for software GL)."""
    fields = {}
    for line in Path("/proc/self/smaps_rollup").read_text().splitlines()[1:]:
        name, value, *_ = line.split()
        fields[name.rstrip(":")] = int(value) / 1024
    return fields["Rss"], fields["Private_Clean"] + fields["Private_Dirty"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1000)
    args = parser.parse_args()

    from kivy.base import EventLoop
    from kivy.core.window import Window
    from kivy.tests.common import UnitTestTouch

    from kiosk.app import KioskRuntime
    from kiosk.config import load_kiosk_config
    from kiosk.screens import ConcernButton, LanguageButton, TicketScreen
    from kiosk.views import PrintState, Screen

    # Moments of the current round: the ticket screen chosen, then the first frame flipped after it.
    moments: dict[str, float] = {}

    def flipped(*_args) -> None:
        if "chosen" in moments and "drawn" not in moments:
            moments["drawn"] = time.perf_counter()

    Window.bind(on_flip=flipped)

    def pump_until(condition, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise RuntimeError("the kiosk got stuck")
            EventLoop.idle()

    def touch(widget) -> None:
        x, y = widget.to_window(*widget.center)
        finger = UnitTestTouch(x, y)
        finger.touch_down()
        finger.touch_up()

    def find(root, kind, **attributes):
        for widget in root.walk(restrict=True):
            if isinstance(widget, kind) and all(getattr(widget, k) == v for k, v in attributes.items()):
                return widget
        raise LookupError(kind.__name__)

    with tempfile.TemporaryDirectory(prefix="kiosk-bench-") as tmp:
        folder = Path(tmp)
        with queue_server(folder) as (url, token):
            config = load_kiosk_config(write_kiosk_config(folder, url, token))
            runtime = KioskRuntime(config, token=config.read_token())
            controller, root = runtime.controller, runtime.root

            def show(view, draw=root.show) -> None:
                draw(view)
                if isinstance(root.current, TicketScreen) and "chosen" not in moments:
                    moments["chosen"] = time.perf_counter()

            controller.on_view = show
            EventLoop.ensure_window()
            Window.size = (1080, 1920)
            root.size_hint = (None, None)
            root.size = (1080, 1920)
            Window.add_widget(root)
            runtime.start()
            pump_until(lambda: controller.services)

            latencies: list[float] = []
            answered: list[float] = []  # touch -> server answered and the ticket screen is set up
            for number in range(1, args.tickets + 1):
                pump_until(lambda: controller.screen == Screen.START)
                EventLoop.idle()
                touch(find(root, LanguageButton, code="de"))
                pump_until(lambda: controller.screen == Screen.CONCERNS)
                EventLoop.idle()  # the concern screen is laid out and visible
                button = find(root, ConcernButton, service_id="aufenthalt")
                moments.clear()
                started = time.perf_counter()
                touch(button)
                pump_until(lambda: "drawn" in moments)
                answered.append(moments["chosen"] - started)
                latencies.append(moments["drawn"] - started)
                pump_until(lambda: controller.print_state != PrintState.PRINTING)
                if controller.print_state != PrintState.PRINTED:
                    raise RuntimeError(f"ticket {number} was not printed")
                controller.finish_ticket()
                if number in (1, 100, 250, 500, 750, args.tickets):
                    resident, private = memory_mb()
                    print(
                        f"after {number:5d} tickets: resident {resident:6.1f} MB, private {private:6.1f} MB", flush=True
                    )
            runtime.stop()

    for label, values in (
        ("tap on a concern -> ticket on screen (first frame drawn)", latencies),
        ("  of which: tap -> server answered, ticket screen set up", answered),
    ):
        ordered = sorted(values)
        p95 = ordered[max(0, int(len(ordered) * 0.95) - 1)]
        print(
            f"{label} over {len(ordered)} tickets: p50 {statistics.median(ordered) * 1000:.0f} ms, "
            f"p95 {p95 * 1000:.0f} ms, max {ordered[-1] * 1000:.0f} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Wiring: the controller, the real client and printer, background threads, and the Kivy screens.

`KioskRuntime` builds everything for one kiosk without needing `App.run()`, so tests can render the
kiosk into a shared window; `KioskApp` is the thin Kivy App that `wartemarke kiosk` runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from kivy.app import App

from kiosk.clock_bridge import ClockScheduler, ThreadRunner
from kiosk.config import KioskConfig
from kiosk.controller import KioskController
from kiosk.event_feed import EventFeed
from kiosk.ports import QueueApi, TicketPrinter
from kiosk.screens import KioskRoot, load_layout

log = logging.getLogger(__name__)

#: The health probe must fail fast: the out-of-service screen is due within 3 s.
PROBE_TIMEOUT_SECONDS = 1.0


def open_configured_printer(config: KioskConfig) -> tuple[TicketPrinter | None, str]:
    """The configured printer, or None and why not (the kiosk then shows tickets on screen)."""
    from printer import PrinterError, open_printer

    try:
        return open_printer(config.printer.url, profile=config.printer.profile), ""
    except PrinterError as error:
        log.error("printer %s cannot be used: %s", config.printer.url, error)
        return None, f"printer {config.printer.url}: {error}"


class KioskRuntime:
    def __init__(
        self,
        config: KioskConfig,
        *,
        token: str,
        api: QueueApi | None = None,
        probe: QueueApi | None = None,
        printer: TicketPrinter | None | Any = ...,
        events: bool = True,
        now: Callable[[], datetime] | None = None,
    ) -> None:
        from client import QueueClient

        self.config = config
        self.token = token
        self.api = api or QueueClient(config.server.url, token)
        self.probe = probe or QueueClient(config.server.url, token, timeout=PROBE_TIMEOUT_SECONDS, retries=0)
        problem = ""
        if printer is ...:
            printer, problem = open_configured_printer(config)
        self.printer = printer
        self.runner = ThreadRunner()
        self.controller = KioskController(
            api=self.api,
            probe=self.probe,
            printer=printer,
            runner=self.runner,
            scheduler=ClockScheduler(),
            settings=config.kiosk,
            printer_problem=problem,
            **({"now": now} if now else {}),
        )
        load_layout()
        self.root = KioskRoot(self.controller)
        self.controller.on_view = self.root.show
        self.feed = EventFeed(config.server.url, token, self.controller.on_event) if events else None

    def start(self) -> None:
        self.controller.start()
        if self.feed is not None:
            self.feed.start()

    def stop(self) -> None:
        self.controller.stop()
        if self.feed is not None:
            self.feed.close()
        self.runner.stop()
        if self.printer is not None:
            try:
                self.printer.close()
            except Exception:  # noqa: BLE001 - closing a broken printer must not block the exit
                log.exception("closing the printer failed")


class KioskApp(App):
    title = "Wartemarke Kiosk"

    def __init__(self, runtime: KioskRuntime, **kwargs) -> None:
        super().__init__(**kwargs)
        self.runtime = runtime
        runtime.controller.on_exit = self.stop

    def build(self) -> KioskRoot:
        return self.runtime.root

    def on_start(self) -> None:
        self.runtime.start()

    def on_stop(self) -> None:
        self.runtime.stop()

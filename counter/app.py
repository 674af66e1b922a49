"""The counter `App`: wires the screen, the controller, the server's events and the scanner.

Threads: every controller step runs in the lane "counter" of the app's `Lanes` (so a slow or dead
server never freezes the screen, and steps never overlap); the event stream reads in the lane
"events" and a serial scanner in its own thread, and both hand their input to the lane "counter".
After each change the controller's `view()` is taken there and handed to the UI thread through the
app's `UiThread` (`wartemarke.ui_thread`, emptied by Kivy's Clock), which draws it.
"""

from __future__ import annotations

import logging
import threading
from functools import partial
from typing import Any

from kivy.clock import Clock
from kivy.core.window import Window

from client import QueueClient
from client.live_events import LiveEvents
from counter.config import CounterConfig
from counter.controller import CounterController
from counter.screen import CounterScreen
from counter.shortcuts import KeyRouter
from counter.views import CounterView
from wartemarke.i18n import gettext_for
from wartemarke.kivy_shell.clock import ui_thread_on_clock
from wartemarke.kivy_shell.device_app import DeviceApp
from wartemarke.scanner.keyboard_wedge import KeyboardWedge
from wartemarke.scanner.serial_scanner import SerialScanner
from wartemarke.ui_thread import Lanes

log = logging.getLogger(__name__)

#: Seconds between attempts to reach the server again while it is gone (or events are refused).
RETRY_SECONDS = 3.0
#: The lane every controller step runs in, one after another.
LANE = "counter"


class CounterApp(DeviceApp):
    title = "Wartemarke – Counter"

    def __init__(self, config: CounterConfig, token: str, **kwargs: Any) -> None:
        super().__init__(config, token, **kwargs)
        self.device_config: CounterConfig = config
        self._ = gettext_for("counter", config.counter.language)
        self.client = QueueClient(config.server.url, token, timeout=3.0, retries=1)
        self.controller = CounterController(
            self.client,
            self._,
            language=config.counter.language,
            counter_id=config.counter.id,
            on_change=self._changed,
        )
        self.ui = ui_thread_on_clock()
        self.lanes = Lanes(self.ui, "counter")
        #: The last view handed to the UI thread: what the clerk sees (the controller lives in its lane).
        self.view: CounterView = self.controller.view()
        self.events = LiveEvents(
            self.lanes,
            config.server.url,
            token,
            on_event=lambda event: self.submit(self.controller.handle_event, event),
            on_state=lambda connected: self.submit(self.controller.connection_changed, connected),
            on_refused=lambda _error: log.info("refreshing every %s s instead", RETRY_SECONDS),
        )
        self._scanner: SerialScanner | None = None
        self._scanner_state = ""
        wedge = None
        if config.scanner.kind == "keyboard":
            wedge = KeyboardWedge(config.scanner.max_key_gap_ms / 1000, config.scanner.min_length)
        self.keys = KeyRouter(config.shortcuts.model_dump(), wedge)
        self.screen: CounterScreen | None = None
        self._ticker: Any = None
        self._stopping = False

    # ------------------------------------------------------------------ Kivy lifecycle

    def build(self) -> CounterScreen:
        language = self.device_config.counter.language
        self.screen = CounterScreen(language, self._, self.device_config.shortcuts.model_dump())
        self.screen.bind(
            on_action=lambda _s, action, service=None: self.submit(self.controller.perform, action, service),
            on_call_scanned=lambda _s: self.submit(self.controller.call_scanned),
            on_dismiss_scanned=lambda _s: self.submit(self.controller.dismiss_scanned),
            on_choose_counter=lambda _s, counter_id: self.submit(self.controller.choose_counter, counter_id),
        )
        Window.bind(on_key_down=self._key_down, on_textinput=self._text_input)
        self.screen.render(self.view)
        self.submit(self.controller.sign_in)
        self.events.start()
        if self.device_config.scanner.kind == "serial":
            self._start_serial_scanner()
        self._ticker = Clock.schedule_interval(self._every_few_seconds, RETRY_SECONDS)
        return self.screen

    def on_stop(self) -> None:
        if self._stopping:
            return  # Kivy dispatches on_stop again when run() returns after stop()
        self._stopping = True
        Window.unbind(on_key_down=self._key_down, on_textinput=self._text_input)
        if self._ticker is not None:
            self._ticker.cancel()
        self.events.close()
        if self._scanner is not None:
            self._scanner.stop()
        # Close the counter so the wait estimate stops counting it (best effort, bounded wait): after
        # whatever step is under way, in the same lane.
        closed = threading.Event()

        def close_counter() -> None:
            try:
                self.controller.close()
            finally:
                closed.set()

        self.lanes.run(LANE, close_counter)
        if closed.wait(timeout=8):
            log.info("counter %s closed on the server", self.controller.counter_id)
        else:  # quitting must never hang
            log.warning("could not close the counter in time")
        self.lanes.stop()
        self.client.close()

    # ------------------------------------------------------------------ input

    def submit(self, step: Any, *args: Any) -> None:
        """Run a controller step in the lane "counter" (never on the UI thread); from any thread."""
        if not self._stopping:
            self.lanes.run(LANE, partial(step, *args))

    def _key_down(self, _window: Any, keycode: int, _scancode: int, _text: str | None, modifiers: list) -> bool:
        outcome = self.keys.key_down(keycode, modifiers)
        if outcome.code:
            self.submit(self.controller.scan, outcome.code)
            return True
        if outcome.escape:
            if self.screen is not None:
                self.screen.close_popups()
            self.submit(self.controller.dismiss_scanned)
            return True  # keep Kivy from quitting on Escape
        if outcome.action:
            if outcome.action == "transfer":
                if self.screen is not None and "transfer" in self.view.enabled:
                    self.screen.ask_transfer_target()
                    return True
            self.submit(self.controller.perform, outcome.action)
            return True
        return False

    def _text_input(self, _window: Any, text: str) -> None:
        self.keys.text(text)

    # ------------------------------------------------------------------ drawing

    def _changed(self) -> None:
        """The controller changed (in its lane): hand its view, as it is now, to the UI thread."""
        self.ui.call_soon(partial(self._show, self.controller.view()))

    def _show(self, view: CounterView) -> None:
        self.view = view
        if self.screen is not None:
            self.screen.render(view, self._scanner_state)

    def _every_few_seconds(self, _dt: float) -> None:
        view = self.view
        if view.offline or view.phase == "signing_in" or self.events.refused is not None:
            self.submit(self.controller.refresh)
        else:
            self.submit(self._changed)  # a fresh view keeps "waiting since (N min)" current

    def _scanner_changed(self, connected: bool) -> None:
        self._scanner_state = self._("Scanner ready") if connected else self._("Scanner not connected")
        self._show(self.view)

    def _start_serial_scanner(self) -> None:
        scanner_settings = self.device_config.scanner
        assert scanner_settings.port is not None

        # Say "not connected" before the reader starts: it may connect at once, and its "ready"
        # must not be overwritten by this initial state.
        self._scanner_changed(False)
        self._scanner = SerialScanner(
            scanner_settings.port,
            scanner_settings.baudrate,
            on_code=lambda code: self.submit(self.controller.scan, code),
            on_state=lambda connected: self.ui.call_soon(partial(self._scanner_changed, connected)),
        ).start()

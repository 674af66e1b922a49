"""The counter `App`: wires the screen, the controller, the server's events and the scanner.

Threads: every controller call runs on one worker thread (so a slow or dead server never freezes
the screen, and calls never overlap); the event stream and a serial scanner read in their own
daemon threads and hand their input to that worker; the worker asks Kivy to redraw via
`Clock.schedule_once`.
"""

from __future__ import annotations

import logging
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from kivy.app import App
from kivy.clock import Clock
from kivy.core.window import Window

from client import EventStream, QueueClient
from client.errors import ApiError
from counter.config import CounterConfig
from counter.controller import CounterController
from counter.keyboard_wedge import KeyboardWedge
from counter.screen import CounterScreen
from counter.serial_scanner import SerialScanner
from counter.shortcuts import KeyRouter
from wartemarke.i18n import gettext_for

log = logging.getLogger(__name__)

#: Seconds between attempts to reach the server again while it is gone (or events are refused).
RETRY_SECONDS = 3.0


class CounterApp(App):
    title = "Wartemarke – Counter"

    def __init__(self, config: CounterConfig, token: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.settings = config
        self.token = token
        self._ = gettext_for("counter", config.counter.language)
        self.client = QueueClient(config.server.url, token, timeout=3.0, retries=1)
        self.controller = CounterController(
            self.client,
            self._,
            language=config.counter.language,
            counter_id=config.counter.id,
            on_change=self._changed,
        )
        self._worker = ThreadPoolExecutor(max_workers=1, thread_name_prefix="counter-worker")
        self._stream: EventStream | None = None
        self._stream_refused = False
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

    def load_kv(self, filename: str | None = None) -> None:
        """Nothing: Kivy would load counter.kv again by the app's name; the screen loads it once."""

    def build(self) -> CounterScreen:
        language = self.settings.counter.language
        self.screen = CounterScreen(language, self._, self.settings.shortcuts.model_dump())
        self.screen.bind(
            on_action=lambda _s, action, service=None: self.submit(self.controller.perform, action, service),
            on_call_scanned=lambda _s: self.submit(self.controller.call_scanned),
            on_dismiss_scanned=lambda _s: self.submit(self.controller.dismiss_scanned),
            on_choose_counter=lambda _s, counter_id: self.submit(self.controller.choose_counter, counter_id),
        )
        Window.bind(on_key_down=self._key_down, on_textinput=self._text_input)
        self.screen.render(self.controller.view())
        self.submit(self.controller.sign_in)
        threading.Thread(target=self._listen, name="counter-events", daemon=True).start()
        if self.settings.scanner.kind == "serial":
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
        if self._stream is not None:
            self._stream.close()
        if self._scanner is not None:
            self._scanner.stop()
        # Close the counter so the wait estimate stops counting it (best effort, bounded wait).
        closing = self._worker.submit(self.controller.close)
        try:
            closing.result(timeout=8)
            log.info("counter %s closed on the server", self.controller.counter_id)
        except Exception as exc:  # quitting must never hang or crash
            log.warning("could not close the counter: %s", exc)
        self._worker.shutdown(wait=False, cancel_futures=True)
        self.client.close()

    # ------------------------------------------------------------------ input

    def submit(self, function: Any, *args: Any) -> None:
        """Run a controller call on the worker thread (never on the UI thread)."""
        if self._stopping:
            return
        try:
            self._worker.submit(self._run, function, *args)
        except RuntimeError:
            pass  # shutting down

    def _run(self, function: Any, *args: Any) -> None:
        try:
            function(*args)
        except Exception:  # the controller turns server errors into notices; this is a bug guard
            log.exception("counter action failed")

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
                if self.screen is not None and "transfer" in self.controller.view().enabled:
                    self.screen.ask_transfer_target()
                    return True
            self.submit(self.controller.perform, outcome.action)
            return True
        return False

    def _text_input(self, _window: Any, text: str) -> None:
        self.keys.text(text)

    # ------------------------------------------------------------------ background

    def _changed(self) -> None:
        Clock.schedule_once(lambda _dt: self._redraw())

    def _redraw(self) -> None:
        if self.screen is not None:
            self.screen.render(self.controller.view(), self._scanner_state)

    def _every_few_seconds(self, _dt: float) -> None:
        controller = self.controller
        if controller.offline or controller.phase == "signing_in" or self._stream_refused:
            self.submit(controller.refresh)
        else:
            self._redraw()  # keeps "waiting since (N min)" current

    def _listen(self) -> None:
        """Follow the server's events; a server that refuses them leaves the app polling."""
        self._stream = EventStream(
            self.settings.server.url,
            self.token,
            on_state=lambda connected: self.submit(self.controller.connection_changed, connected),
        )
        try:
            for event in self._stream.events():
                self.submit(self.controller.handle_event, event.name, event.data)
        except ApiError as exc:
            log.warning("event stream refused (%s); refreshing every %s s instead", exc.message, RETRY_SECONDS)
            self._stream_refused = True

    def _start_serial_scanner(self) -> None:
        scanner_settings = self.settings.scanner
        assert scanner_settings.port is not None

        def state(connected: bool) -> None:
            self._scanner_state = self._("Scanner ready") if connected else self._("Scanner not connected")
            self._changed()

        # Say "not connected" before the reader starts: it may connect at once, and its "ready"
        # must not be overwritten by this initial state.
        state(False)
        self._scanner = SerialScanner(
            scanner_settings.port,
            scanner_settings.baudrate,
            on_code=lambda code: self.submit(self.controller.scan, code),
            on_state=state,
        ).start()

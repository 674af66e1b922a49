"""Wiring: the controller, the real client and printer, background lanes, the Kivy screens, keys, speech.

`KioskRuntime` builds everything for one kiosk without needing `App.run()`, so tests can render the
kiosk into a shared window; `KioskApp` is the thin Kivy App that `wartemarke kiosk` runs
(`kiosk.main`). Every view the controller makes goes to the screens and to the narrator (speech);
every key press goes to the keypad (or, on a kiosk with a keyboard-wedge scanner, the scanner's keys to
it); a scanned code goes to the controller's `scanned`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime
from functools import partial
from types import EllipsisType

from client import QueueClient
from client.live_events import LiveEvents
from kiosk.config import KioskConfig
from kiosk.controller import KioskController
from kiosk.deferred_printer import DeferredPrinter
from kiosk.keyboard_scanner import KeyboardScanner
from kiosk.keypad import Keypad
from kiosk.narration import Narrator
from kiosk.ports import QueueApi, TicketPrinter
from kiosk.qr_texture import prepare_qr
from kiosk.screens import KioskRoot, load_layout
from kiosk.views import View
from wartemarke.kivy_shell.clock import ClockTimers, ui_thread_on_clock
from wartemarke.kivy_shell.device_app import DeviceApp
from wartemarke.scanner.keyboard_wedge import KeyboardWedge
from wartemarke.scanner.serial_scanner import SerialScanner
from wartemarke.speech_channel import SpeechChannel, open_speech_channel
from wartemarke.ui_thread import Lanes

log = logging.getLogger(__name__)

#: The health probe must fail fast: the out-of-service screen is due within 3 s.
PROBE_TIMEOUT_SECONDS = 1.0


class KioskRuntime:
    """One kiosk: `root` is its widget tree, `start()`/`stop()` its life.

    `api`, `probe`, `printer` and `speech` default to what the config names (`...` = the configured
    printer or speech output, None = no printer: tickets only on screen, or no speech); tests pass fakes.
    """

    def __init__(
        self,
        config: KioskConfig,
        *,
        token: str,
        api: QueueApi | None = None,
        probe: QueueApi | None = None,
        printer: TicketPrinter | None | EllipsisType = ...,
        events: bool = True,
        now: Callable[[], datetime] | None = None,
        speech: SpeechChannel | None | EllipsisType = ...,
    ) -> None:
        self.config = config
        self.token = token
        self.api = api or QueueClient(config.server.url, token)
        self.probe = probe or QueueClient(config.server.url, token, timeout=PROBE_TIMEOUT_SECONDS, retries=0)
        if printer is ...:
            printer = DeferredPrinter(config.printer.url, config.printer.profile)
        self.printer = printer
        self.ui = ui_thread_on_clock()
        self.runner = Lanes(self.ui, "kiosk")
        self.controller = KioskController(
            api=self.api,
            probe=self.probe,
            printer=printer,
            runner=self.runner,
            scheduler=ClockTimers(),
            settings=config.kiosk,
            prepare_ticket=prepare_qr,
            accessibility=config.accessibility,
            scanner=config.scanner is not None and config.scanner.kind == "keyboard",
            **({"now": now} if now else {}),
        )
        self.serial_scanner: SerialScanner | None = None
        self.keyboard_scanner: KeyboardScanner | None = None
        scanner = config.scanner
        if scanner is not None and scanner.kind == "keyboard":
            wedge = KeyboardWedge(scanner.max_key_gap_ms / 1000, scanner.min_length)
            self.keyboard_scanner = KeyboardScanner(wedge, self.controller.scanned)
        elif scanner is not None and scanner.kind == "serial" and scanner.port is not None:
            # "I have a slot" appears once the scanner answers (and goes while it is unplugged).
            self.serial_scanner = SerialScanner(
                scanner.port,
                scanner.baudrate,
                on_code=lambda code: self.ui.call_soon(partial(self.controller.scanned, code)),
                on_state=lambda connected: self.ui.call_soon(partial(self.controller.set_scanner_ready, connected)),
            )
        self.speech = self._open_speech(config) if speech is ... else speech
        if self.speech is not None:
            # The visitor's time on a screen counts from the end of what was said to them.
            self.speech.on_idle = lambda: self.ui.call_soon(self.controller.speech_finished)
        self.narrator = (
            Narrator(
                self.speech,
                fallback_language=config.accessibility.fallback_language,
                view_in=lambda language: self.controller.view(language),
            )
            if self.speech is not None
            else None
        )
        self.keypad = Keypad(config.keys, self.controller, self.narrator)
        load_layout()
        self.root = KioskRoot(self.controller)
        self.controller.on_view = self.show
        # Remaining slots and waits, live; the controller's refresh every few seconds is the fallback.
        self.events = (
            LiveEvents(
                self.runner,
                config.server.url,
                token,
                on_event=lambda event: self.ui.call_soon(partial(self.controller.on_event, event)),
            )
            if events
            else None
        )

    def _open_speech(self, config: KioskConfig) -> SpeechChannel | None:
        settings = config.accessibility
        if settings.speech == "off":
            log.info("speech is switched off in the config")
            return None
        channel, note = open_speech_channel(
            output=settings.output,
            languages=config.kiosk.languages,
            voices=settings.voices,
            rate=settings.rate,
            volume=settings.volume,
        )
        log.info("kiosk %s", note)
        return channel

    def show(self, view: View) -> None:
        self.root.show(view)
        if self.narrator is not None:
            self.narrator.show(view)

    def key_down(self, _window: object, keycode: int, _scancode: int, _text: str | None, modifiers: list) -> bool:
        if self.keyboard_scanner is not None and self.keyboard_scanner.key_down(keycode, modifiers):
            return True
        return self.keypad.key_down(keycode, modifiers)

    def text_input(self, _window: object, text: str) -> None:
        if self.keyboard_scanner is not None:
            self.keyboard_scanner.text(text)

    def start(self) -> None:
        from kivy.core.window import Window

        self.controller.start()
        if self.events is not None:
            self.events.start()
        if self.serial_scanner is not None:
            self.serial_scanner.start()
        Window.bind(on_key_down=self.key_down, on_textinput=self.text_input)

    def stop(self) -> None:
        from kivy.core.window import Window

        Window.unbind(on_key_down=self.key_down, on_textinput=self.text_input)
        self.controller.stop()
        if self.serial_scanner is not None:
            self.serial_scanner.stop()
        if self.speech is not None:
            self.speech.close()
        if self.events is not None:
            self.events.close()
        self.runner.stop()
        if self.printer is not None:
            try:
                self.printer.close()
            except Exception:  # noqa: BLE001 - closing a broken printer must not block the exit
                log.exception("closing the printer failed")


class KioskApp(DeviceApp):
    title = "Wartemarke Kiosk"

    def __init__(self, config: KioskConfig, token: str, **kwargs) -> None:
        super().__init__(config, token, **kwargs)
        self.runtime = KioskRuntime(config, token=token)
        self.runtime.controller.on_exit = self.stop

    def build(self) -> KioskRoot:
        return self.runtime.root

    def on_start(self) -> None:
        self.runtime.start()
        from kivy.core.window import Window

        # A full screen mounted the other way round than the config says gets its picture turned
        # (a demo window is never turned).
        orientation = self.runtime.config.kiosk.orientation
        if Window.fullscreen and (Window.width > Window.height) != (orientation == "landscape"):
            Window.rotation = 90

        def first_frame(*_args) -> None:
            Window.unbind(on_flip=first_frame)
            # bench/kiosk_start.py waits for this line: the start screen is on the glass and takes taps.
            log.info("first interactive frame")

        Window.bind(on_flip=first_frame)

    def on_stop(self) -> None:
        self.runtime.stop()

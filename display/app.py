"""The Kivy App: wires the live feed, the board, the announcer and the screen together.

Network and sound run in their own threads (the feed in the lane "events" of the app's `Lanes`);
everything that touches the board or a widget runs on the Kivy thread, which the feed's batches
reach through the app's `UiThread` (`wartemarke.ui_thread`, emptied by Kivy's Clock).
"""

from __future__ import annotations

import logging

from kivy.clock import Clock

from client import QueueClient
from display.announcer import Announcer
from display.board_screen import BoardScreen
from display.config import DisplayConfig
from display.live_feed import LiveFeed
from display.session import DisplaySession
from display.sound import open_speaker
from wartemarke.kivy_shell.clock import ui_thread_on_clock
from wartemarke.kivy_shell.device_app import DeviceApp
from wartemarke.ui_thread import Lanes

log = logging.getLogger(__name__)


class DisplayApp(DeviceApp):
    title = "Wartemarke – Anzeige"

    def __init__(self, config: DisplayConfig, token: str, **kwargs) -> None:
        super().__init__(config, token, **kwargs)
        self.device_config: DisplayConfig = config
        self.session: DisplaySession | None = None
        self.lanes = Lanes(ui_thread_on_clock(), "display")
        self.feed: LiveFeed | None = None
        self.announcer: Announcer | None = None

    def build(self) -> BoardScreen:
        config = self.device_config
        screen = BoardScreen(history=config.board.history)
        speaker, sound_note = open_speaker(
            enabled=config.sound.enabled, voice=config.sound.voice, rate=config.sound.rate
        )
        log.info("display: sound: %s", sound_note)
        self.announcer = Announcer(speaker, ticket_language=config.sound.ticket_language)
        self.session = DisplaySession(config, screen, self.announcer)
        client = QueueClient(config.server.url, self.token)
        self.feed = LiveFeed(client, self.lanes, self.session.pump)
        self.feed.start()
        Clock.schedule_interval(lambda _dt: self.session.tick(), 1.0)
        self.session.tick(force=True)
        return screen

    def on_stop(self) -> None:
        if self.feed is not None:
            self.feed.close()
        self.lanes.stop()
        if self.announcer is not None:
            self.announcer.close(timeout=15)  # let the call-out being spoken finish

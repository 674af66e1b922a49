"""One running display: feed → board → announcer and screen. No Kivy import; the App drives it.

`pump()` runs on the UI thread whenever the feed has something (and is the path the benchmark
times: event received → board updated → labels changed); `tick()` runs once a second for the clock,
the cycling label language, the next call's turn in the big panel, the end of a highlight, the
connection-lost timer and the drift.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Protocol
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from display.announcer import Announcer
from display.board import Board
from display.board_view import BoardView, cycling_language, view_board
from display.burn_in import burn_in_offset
from display.config import DisplayConfig
from display.live_feed import FeedItem, SiteInfo, apply_items
from wartemarke.api_objects import Site

DEFAULT_LANGUAGES = ("de", "en")


class Screen(Protocol):
    drift_x: float
    drift_y: float

    def show(self, view: BoardView) -> None: ...


class DisplaySession:
    def __init__(
        self,
        config: DisplayConfig,
        screen: Screen,
        announcer: Announcer | None,
        *,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.config = config
        self.screen = screen
        #: None: a silent board (it still shows and highlights every call).
        self.announcer = announcer
        self._now = now
        self._monotonic = monotonic
        self._started = monotonic()
        board = config.board
        self.board = Board(
            services=board.services,
            counters=board.counters,
            history=board.history,
            highlight=timedelta(seconds=board.highlight_seconds),
            turn=timedelta(seconds=board.turn_seconds),
            announce_within=timedelta(seconds=config.sound.announce_within_seconds),
            now=now,
        )
        self.languages: tuple[str, ...] = tuple(board.languages) or DEFAULT_LANGUAGES
        self.timezone: tzinfo | None = None  # the site's; until known, the machine's
        self._drawn: tuple[int, str, str, bool] | None = None

    def pump(self, items: list[FeedItem]) -> None:
        """Apply what the feed brought, queue the call-outs, redraw."""
        for item in items:
            if isinstance(item, SiteInfo):
                self._use_site(item.site)
        for announcement in apply_items(self.board, items):
            if self.announcer is not None:
                self.announcer.announce(announcement)
        self.tick(force=True)

    def tick(self, force: bool = False) -> None:
        """Redraw when anything visible changed (or `force`); cheap to call every second."""
        now = self._now().astimezone(self.timezone)
        language = self.language()
        board = self.board
        board.advance()  # a turn in the big panel may be over, with no event to say so
        # Seconds matter only for the "connection lost for m:ss" mark.
        clock = now.strftime("%H:%M" if board.connected else "%H:%M:%S")
        lit = tuple(call.number for call in board.calls if board.is_highlighted(call))
        state = (board.version, language, clock, lit)
        if not force and state == self._drawn:
            return
        self._drawn = state
        self.screen.show(self.view(now, language))
        self.screen.drift_x, self.screen.drift_y = burn_in_offset(now)  # in 1080p pixels, as the layout

    def view(self, now: datetime, language: str) -> BoardView:
        return view_board(self.board, language=language, now=now, notice=self.config.board.notice)

    def language(self) -> str:
        elapsed = self._monotonic() - self._started
        return cycling_language(self.languages, self.config.board.label_seconds, elapsed)

    def _use_site(self, site: Site) -> None:
        if not self.config.board.languages:
            self.languages = tuple(site.languages) or DEFAULT_LANGUAGES
        try:
            self.timezone = ZoneInfo(site.timezone)
        except (ZoneInfoNotFoundError, ValueError):
            self.timezone = None

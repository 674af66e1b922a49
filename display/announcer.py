"""The announcement queue: a chime, then the call-out, one announcement after the other.

One worker thread plays announcements in the order they were made. A call never interrupts the one
being spoken and is never dropped — in a room of people waiting for their number, a cut-off or
overlapping "Nummer N 1…" is worse than a few seconds' delay. A recall is simply announced again.
"""

from __future__ import annotations

import logging
import queue
import threading
from typing import Protocol

from display.board import Announcement
from display.callout import callout_sentence

log = logging.getLogger(__name__)


class Speaker(Protocol):
    """Sound output. Every method blocks until its sound has finished playing."""

    def chime(self) -> None: ...

    def can_say(self, language: str) -> bool: ...

    def say(self, text: str, language: str) -> None: ...


class Announcer:
    """Plays `Announcement`s strictly one after another on a `Speaker`."""

    def __init__(self, speaker: Speaker, *, main_language: str = "de", ticket_language: bool = True) -> None:
        self._speaker = speaker
        self._main_language = main_language
        self._ticket_language = ticket_language
        self._queue: queue.Queue[Announcement | None] = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="announcer", daemon=True)
        self._thread.start()

    def announce(self, announcement: Announcement) -> None:
        """Queue an announcement; returns at once (the UI thread must never wait for sound)."""
        self._queue.put(announcement)

    @property
    def pending(self) -> int:
        return self._queue.qsize()

    def close(self, timeout: float | None = None) -> None:
        """Finish what is queued (never cut off), then stop."""
        self._queue.put(None)
        self._thread.join(timeout)

    def sentences(self, announcement: Announcement) -> list[tuple[str, str]]:
        """(text, language) to speak: the site's language first, then the visitor's if a voice exists."""
        languages = [self._main_language]
        extra = announcement.language
        if self._ticket_language and extra and extra != self._main_language and self._speaker.can_say(extra):
            languages.append(extra)
        return [
            (callout_sentence(announcement.number, announcement.counter_in(lang), lang), lang)
            for lang in languages
            if self._speaker.can_say(lang)
        ]

    def _run(self) -> None:
        while (announcement := self._queue.get()) is not None:
            self._play(self._speaker.chime)
            for text, language in self.sentences(announcement):
                self._play(self._speaker.say, text, language)

    @staticmethod
    def _play(sound, *args: str) -> None:
        """One sound; a failing one is logged and skipped, the rest of the call-out still plays."""
        try:
            sound(*args)
        except Exception:
            log.exception("announcer: sound failed")

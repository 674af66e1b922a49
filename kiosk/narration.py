"""Spoken guidance: what the kiosk says, and when, for a visitor who cannot see the screen.

The `Narrator` listens to the same views the screens draw and says their texts (`KioskView.spoken`,
`Choice.spoken`), so what is spoken is what is shown, on every screen, with no sentences of its own:

- a new screen: what it says (`spoken`: its title, the ticket's facts twice, ...), then the choice
  with the focus ring;
- the ring moves: the choice it is on now (label and the lines on the button);
- the same screen changes (the ticket is printed, a notice appears, the timeout warning): the lines
  that are new, after what is being said (and before the ring's choice again); lines that are no
  longer shown are dropped if not yet said;
- the visitor's next key cuts off whatever is being said (`interrupt`).

A language espeak-ng has no voice for is spoken in the fallback language, from the view rendered in
that language (`view_in`), and the log says so once. The start screen stays quiet until a key is
pressed: it waits for a visitor, and speaking to an empty hall helps nobody.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from typing import Protocol

from kiosk.views import KioskView, StartView
from wartemarke.speech import Utterance

log = logging.getLogger(__name__)

#: espeak-ng steps of the faster/slower and louder/softer keys.
RATE_STEP = 20
VOLUME_STEP = 20


class SpeechOutput(Protocol):
    """What the narrator needs from speech (`wartemarke.speech_channel.SpeechChannel`)."""

    def can_say(self, language: str) -> bool: ...
    def say(self, utterances: Iterable[Utterance]) -> None: ...
    def add(self, utterances: Iterable[Utterance]) -> None: ...
    def retract(self, utterances: Iterable[Utterance]) -> int: ...
    def interrupt(self) -> None: ...
    def adjust(self, *, rate: int = 0, volume: int = 0) -> None: ...


def focused(view: KioskView) -> tuple[Utterance, ...]:
    """What the choice with the focus ring says (nothing without a ring)."""
    choice = next((c for c in view.choices if c.id == view.focus), None)
    return choice.spoken() if choice is not None else ()


class Narrator:
    def __init__(
        self,
        speech: SpeechOutput,
        *,
        fallback_language: str,
        view_in: Callable[[str], KioskView],
    ) -> None:
        self.speech = speech
        self.fallback_language = fallback_language
        self.view_in = view_in
        self._last: KioskView | None = None
        self._at_key: KioskView | None = None
        self._spoke = False
        self._told_missing: set[str] = set()

    # ------------------------------------------------------------------ views

    def show(self, view: KioskView) -> None:
        """Every view the controller draws comes here too."""
        previous, view = self._last, self._in_spoken_language(view)
        self._last = view
        if not self._speaks(view):
            if previous is not None and self._speaks(previous):
                self.speech.interrupt()  # the visit ended: stop talking to whoever has gone
            return
        if (
            previous is None
            or not self._speaks(previous)
            or type(previous) is not type(view)
            or (previous.focus is None and view.focus is not None)
        ):
            self._say(view.spoken + focused(view))
            return
        old, new = previous.spoken, view.spoken
        gone = [line for line in old if line not in new]
        added = [line for line in new if line not in old]
        if gone:
            self.speech.retract(self._voiced(gone))
        if view.focus != previous.focus:
            self._say(tuple(added) + focused(view))
        elif added:
            # News go before the ring's choice if that is still to be said, so it still ends what is said.
            ring_pending = self.speech.retract(self._voiced(focused(previous)))
            self._add(tuple(added) + (focused(view) if ring_pending else ()))

    # ------------------------------------------------------------------ keys

    def interrupt(self) -> None:
        """A key was pressed: silence, and note that this key has not been answered yet."""
        self._spoke = False
        self._at_key = self._last
        self.speech.interrupt()

    def answer_key(self) -> None:
        """After a key that changed nothing at all (the ring alone on a screen, a full service): the ring's choice."""
        view = self._last
        if not self._spoke and view is not None and view == self._at_key and self._speaks(view):
            self._say(focused(view) or view.spoken)

    def repeat(self) -> None:
        view = self._last
        if not self._spoke and view is not None and self._speaks(view):
            self._say(view.spoken + focused(view))

    def adjust(self, action: str) -> None:
        """Louder, softer, faster or slower; the ring's choice is said again so the visitor hears the change."""
        steps = {
            "louder": {"volume": VOLUME_STEP},
            "softer": {"volume": -VOLUME_STEP},
            "faster": {"rate": RATE_STEP},
            "slower": {"rate": -RATE_STEP},
        }
        self.speech.adjust(**steps[action])
        self._spoke = False
        self.answer_key()

    # ------------------------------------------------------------------ inside

    @staticmethod
    def _speaks(view: KioskView) -> bool:
        if not view.speech or view.private:
            return False
        return not (isinstance(view, StartView) and view.focus is None)

    def _in_spoken_language(self, view: KioskView) -> KioskView:
        language = getattr(view, "language", None)
        if not view.speech or language is None or self.speech.can_say(language):
            return view
        self._missing(language)
        return self.view_in(self.fallback_language)

    def _voiced(self, lines: Iterable[Utterance]) -> list[Utterance]:
        voiced = []
        for line in lines:
            if self.speech.can_say(line.language):
                voiced.append(line)
            else:
                self._missing(line.language)
        return voiced

    def _missing(self, language: str) -> None:
        if language not in self._told_missing:
            self._told_missing.add(language)
            log.warning(
                "speech: espeak-ng has no voice for %r; visitors in that language hear %r",
                language,
                self.fallback_language,
            )

    def _say(self, lines: Iterable[Utterance]) -> None:
        voiced = self._voiced(lines)
        self._spoke = self._spoke or bool(voiced)
        self.speech.say(voiced)

    def _add(self, lines: Iterable[Utterance]) -> None:
        voiced = self._voiced(lines)
        self._spoke = self._spoke or bool(voiced)
        self.speech.add(voiced)

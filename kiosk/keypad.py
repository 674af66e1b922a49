"""The kiosk's keys: which key does what (kiosk.toml `[keys]`), and who hears about it.

Kivy-free, so "this key on this screen does that" is tested without a window; the app hands every
key press here (`key_down`). Every key, even one without an action, tells the controller the visitor
is still there and cuts off what speech is saying. Navigation (next, previous, choose, back) and large
print go to the controller; repeat, louder, softer, faster and slower only concern speech.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from kiosk.config import KeysSection
from kiosk.narration import Narrator
from wartemarke.keys import KeyChord

#: Actions that change only what speech does.
SPEECH_ONLY = frozenset({"repeat", "louder", "softer", "faster", "slower"})


class KeyedController(Protocol):
    def key(self, action: str | None) -> None: ...


class Keypad:
    def __init__(self, keys: KeysSection, controller: KeyedController, narrator: Narrator | None) -> None:
        self._actions = {KeyChord.parse(name): action for action, names in keys.model_dump().items() for name in names}
        self._controller = controller
        self._narrator = narrator

    def action_for(self, keycode: int, modifiers: Iterable[str]) -> str | None:
        return self._actions.get(KeyChord.pressed(keycode, modifiers))

    def key_down(self, keycode: int, modifiers: Iterable[str] = ()) -> bool:
        """One key press; True when the key has an action (the app then keeps it from Kivy's own handling)."""
        action = self.action_for(keycode, modifiers)
        narrator = self._narrator
        if narrator is not None:
            narrator.interrupt()
        if action in SPEECH_ONLY:
            self._controller.key(None)  # still a sign of the visitor, and it brings the ring out
            if narrator is not None and action == "repeat":
                narrator.repeat()
            elif narrator is not None:
                narrator.adjust(action)
            return True
        self._controller.key(action)
        if narrator is not None and action is not None:
            narrator.answer_key()
        return action is not None

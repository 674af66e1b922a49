"""Keyboard input at the counter: shortcut keys for the actions, and scans from a keyboard wedge.

Kept free of Kivy so the decision "is this key an action, part of a scan, or nothing" is tested
directly. Key names and codes are the ones every app shares (`wartemarke.keys`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from wartemarke.keys import ENTER_KEYS, KEYCODES, KeyChord
from wartemarke.scanner.keyboard_wedge import KeyboardWedge

ESCAPE = KEYCODES["escape"]


@dataclass(frozen=True)
class KeyOutcome:
    """What a key press means: an action to run, a scanned code, "escape", or nothing."""

    action: str | None = None
    code: str | None = None
    escape: bool = False


class KeyRouter:
    def __init__(self, shortcuts: Mapping[str, str], wedge: KeyboardWedge | None) -> None:
        self._chords = {KeyChord.parse(key): action for action, key in shortcuts.items()}
        self._wedge = wedge

    def text(self, text: str) -> None:
        """Typed text (already shifted/layouted by the OS) — only a wedge scanner cares."""
        if self._wedge is not None:
            self._wedge.key(text)

    def key_down(self, keycode: int, modifiers: Iterable[str]) -> KeyOutcome:
        if keycode in ENTER_KEYS:
            code = self._wedge.enter() if self._wedge is not None else None
            return KeyOutcome(code=code) if code else KeyOutcome()
        if keycode == ESCAPE:
            return KeyOutcome(escape=True)
        return KeyOutcome(action=self._chords.get(KeyChord.pressed(keycode, modifiers)))

"""Keyboard input at the counter: shortcut keys for the actions, and scans from a keyboard wedge.

Kept free of Kivy so the decision "is this key an action, part of a scan, or nothing" is tested
directly. Key codes are the ones Kivy reports on SDL2 (ASCII for letters/digits, 282.. for F1..).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from counter.keyboard_wedge import KeyboardWedge

ENTER_KEYS = frozenset({13, 271})  # Return, keypad Enter
ESCAPE = 27
_NAMED = {"spacebar": 32, "escape": ESCAPE, "backspace": 8, "delete": 127}
_NAMED |= {f"f{n}": 281 + n for n in range(1, 13)}
_NAMED |= {chr(c): c for c in range(ord("a"), ord("z") + 1)}
_NAMED |= {str(d): ord(str(d)) for d in range(10)}
_MODIFIERS = frozenset({"ctrl", "alt", "shift"})


@dataclass(frozen=True)
class KeyChord:
    keycode: int
    modifiers: frozenset[str]

    @classmethod
    def parse(cls, name: str) -> KeyChord:
        """ "ctrl+n" -> KeyChord(110, {"ctrl"}); names are validated by the config already."""
        *mods, key = name.lower().split("+")
        return cls(_NAMED[key], frozenset(mods))


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
        # Caps/Num lock and the like arrive as modifiers too; only the ones a chord can name count.
        chord = KeyChord(keycode, frozenset(modifiers) & _MODIFIERS)
        return KeyOutcome(action=self._chords.get(chord))

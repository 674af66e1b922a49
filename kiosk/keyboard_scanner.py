"""A keyboard-wedge QR scanner at the kiosk: what it types is the scanner's, never the keypad's.

The scanner types a code as keys and presses Enter (`wartemarke.scanner.keyboard_wedge` tells its
burst from a person). Letters, digits and punctuation therefore never reach the keypad on a kiosk
with such a scanner (kiosk.toml may not give them to `[keys]`), and Enter is a scan when a burst
came before it, else the keypad's "choose".
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from wartemarke.keys import ENTER_KEYS, KEYCODES
from wartemarke.scanner.keyboard_wedge import KeyboardWedge

#: Keys below the keypad's codes that type nothing: they stay the keypad's (back, ...).
_NOT_TYPED = frozenset(KEYCODES[name] for name in ("backspace", "tab", "escape", "delete"))


class KeyboardScanner:
    def __init__(self, wedge: KeyboardWedge, on_code: Callable[[str], None]) -> None:
        self._wedge = wedge
        self._on_code = on_code

    def text(self, text: str) -> None:
        """Typed text (already laid out by the operating system)."""
        self._wedge.key(text)

    def key_down(self, keycode: int, modifiers: Iterable[str]) -> bool:
        """True when the key belongs to the scanner (the keypad must not see it)."""
        if keycode in ENTER_KEYS:
            code = self._wedge.enter()
            if code:
                self._on_code(code)
                return True
            return False
        held = set(modifiers) & {"ctrl", "alt"}
        return keycode < 256 and keycode not in _NOT_TYPED and not held

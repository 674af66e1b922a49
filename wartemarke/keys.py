"""Key names as people write them in config files, and the key codes Kivy reports for them.

The counter's shortcuts ("f2", "ctrl+n") and the kiosk's keypad ("down", "numpad5", "enter") are
configured by name; both parse names here, so one table says which keys exist and one message says
what is wrong with a name. Codes are Kivy's on SDL2 (`kivy.core.window.Keyboard.keycodes`: ASCII
for letters and digits, 256.. for the numeric keypad, 273.. for the arrows, 282.. for F1..). They
are written out because the ground floor does not import Kivy; a test compares them with Kivy's.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

KEYCODES: dict[str, int] = {
    "backspace": 8,
    "tab": 9,
    "enter": 13,
    "escape": 27,
    "spacebar": 32,
    "delete": 127,
    "up": 273,
    "down": 274,
    "right": 275,
    "left": 276,
    "insert": 277,
    "home": 278,
    "end": 279,
    "pageup": 280,
    "pagedown": 281,
    "numpad_decimal": 266,
    "numpad_divide": 267,
    "numpad_multiply": 268,
    "numpad_minus": 269,
    "numpad_plus": 270,
    "numpad_enter": 271,
}
KEYCODES |= {f"numpad{digit}": 256 + digit for digit in range(10)}
KEYCODES |= {f"f{number}": 281 + number for number in range(1, 13)}
KEYCODES |= {chr(code): code for code in range(ord("a"), ord("z") + 1)}
KEYCODES |= {str(digit): ord(str(digit)) for digit in range(10)}

#: Modifiers a chord may name. Kivy also reports Num Lock and Caps Lock as modifiers; they never count.
MODIFIERS = frozenset({"ctrl", "alt", "shift"})
ENTER_KEYS = frozenset({KEYCODES["enter"], KEYCODES["numpad_enter"]})


@dataclass(frozen=True)
class KeyChord:
    """One key with the modifiers held down: what a config names and what a key press is."""

    keycode: int
    modifiers: frozenset[str] = frozenset()

    @classmethod
    def parse(cls, name: str) -> KeyChord:
        """ "ctrl+n" -> KeyChord(110, {"ctrl"}); ValueError naming the key for anything else."""
        *mods, key = key_name(name).split("+")
        return cls(KEYCODES[key], frozenset(mods))

    @classmethod
    def pressed(cls, keycode: int, modifiers: Iterable[str]) -> KeyChord:
        """The chord of a key press as Kivy reports it (lock keys among the modifiers are dropped)."""
        return cls(keycode, frozenset(modifiers) & MODIFIERS)


def key_name(value: str) -> str:
    """`value` as a valid key name ("F2 " -> "f2"), or ValueError saying what a key name looks like."""
    name = value.strip().lower()
    *mods, key = name.split("+")
    if key not in KEYCODES or any(mod not in MODIFIERS for mod in mods) or len(set(mods)) != len(mods):
        raise ValueError(f'{value!r} is not a key; use e.g. "f2", "ctrl+n", "spacebar", "down", "numpad5"')
    return name

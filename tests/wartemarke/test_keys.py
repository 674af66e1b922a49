"""Key names in config files: one table for every app, the codes Kivy really reports, clear errors."""

from __future__ import annotations

import pytest

from wartemarke.keys import KEYCODES, KeyChord, key_name

#: Our names where they differ from Kivy's (`Keyboard.keycodes` says "numpadsubstract", "numpadmul").
KIVY_NAMES = {
    "numpad_decimal": "numpaddecimal",
    "numpad_divide": "numpaddivide",
    "numpad_multiply": "numpadmul",
    "numpad_minus": "numpadsubstract",
    "numpad_plus": "numpadadd",
    "numpad_enter": "numpadenter",
}


def test_every_key_name_has_the_code_kivy_reports_for_it():
    from kivy.core.window import Keyboard

    for name, code in KEYCODES.items():
        assert Keyboard.keycodes[KIVY_NAMES.get(name, name)] == code, name


def test_names_parse_to_chords_and_lock_keys_do_not_count():
    assert KeyChord.parse(" Ctrl+Shift+N ") == KeyChord(ord("n"), frozenset({"ctrl", "shift"}))
    assert KeyChord.parse("numpad5") == KeyChord(261)
    assert KeyChord.pressed(261, ["numlock", "capslock"]) == KeyChord(261)


@pytest.mark.parametrize("bad", ["", "numpad10", "hyper+q", "ctrl+ctrl+a", "f13", "enter+"])
def test_a_name_that_is_no_key_says_what_a_key_looks_like(bad):
    with pytest.raises(ValueError, match=r"is not a key; use e\.g\. \"f2\""):
        key_name(bad)

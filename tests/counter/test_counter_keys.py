"""Keyboard at the counter: shortcut keys run actions, a wedge burst is a scan, typing is nothing."""

from counter.shortcuts import ESCAPE, KeyChord, KeyRouter
from wartemarke.scanner.keyboard_wedge import KeyboardWedge

F2, F5, ENTER, KEYPAD_ENTER = 283, 286, 13, 271
SHORTCUTS = {"call_next": "f2", "finish": "f5", "cancel": "ctrl+x"}


class FakeClock:
    def __init__(self) -> None:
        self.now = 50.0

    def __call__(self) -> float:
        return self.now


def router() -> tuple[KeyRouter, FakeClock]:
    clock = FakeClock()
    return KeyRouter(SHORTCUTS, KeyboardWedge(max_gap=0.05, min_length=8, clock=clock)), clock


def test_function_keys_and_chords_map_to_actions():
    keys, _ = router()
    assert keys.key_down(F2, []).action == "call_next"
    assert keys.key_down(F5, ["numlock"]).action == "finish"  # lock keys do not matter
    assert keys.key_down(ord("x"), ["ctrl"]).action == "cancel"
    assert keys.key_down(ord("x"), []).action is None
    assert keys.key_down(F2, ["ctrl"]).action is None


def test_a_wedge_burst_ending_in_enter_is_a_scan():
    keys, clock = router()
    for ch in "https://w.example/t/Abc123":
        clock.now += 0.004
        keys.text(ch)
    clock.now += 0.004
    assert keys.key_down(KEYPAD_ENTER, []).code == "https://w.example/t/Abc123"


def test_typing_then_enter_is_neither_scan_nor_action():
    keys, clock = router()
    for ch in "hallo kollege":
        clock.now += 0.15
        keys.text(ch)
    clock.now += 0.15
    outcome = keys.key_down(ENTER, [])
    assert outcome.code is None and outcome.action is None


def test_without_a_wedge_enter_does_nothing_and_escape_is_reported():
    keys = KeyRouter(SHORTCUTS, None)
    keys.text("abc")
    assert keys.key_down(ENTER, []).code is None
    assert keys.key_down(ESCAPE, []).escape


def test_key_names_from_the_config_parse():
    assert KeyChord.parse("f12") == KeyChord(293, frozenset())
    assert KeyChord.parse("ctrl+shift+n") == KeyChord(ord("n"), frozenset({"ctrl", "shift"}))
    assert KeyChord.parse("spacebar").keycode == 32

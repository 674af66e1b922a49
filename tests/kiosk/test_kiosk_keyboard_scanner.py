"""A keyboard-wedge scanner at the kiosk: its burst is a scan, its keys never reach the keypad."""

from __future__ import annotations

from kiosk.keyboard_scanner import KeyboardScanner
from wartemarke.keys import KEYCODES
from wartemarke.scanner.keyboard_wedge import KeyboardWedge

CODE = "https://wartemarke.example.de/t/ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_ending_in_enter_is_a_scan_and_its_keys_are_the_scanners():
    clock, codes = Clock(), []
    scanner = KeyboardScanner(KeyboardWedge(clock=clock), codes.append)
    for char in CODE:
        assert scanner.key_down(ord(char.lower()) if char.isalpha() else ord(char), [])  # not the keypad's
        scanner.text(char)
        clock.now += 0.005
    assert scanner.key_down(KEYCODES["enter"], [])
    assert codes == [CODE]


def test_enter_without_a_burst_and_the_keypads_keys_stay_the_keypads():
    clock, codes = Clock(), []
    scanner = KeyboardScanner(KeyboardWedge(clock=clock), codes.append)
    assert not scanner.key_down(KEYCODES["enter"], [])  # the keypad's "choose"
    for name in ("numpad5", "down", "f1", "backspace", "numpad_enter"):
        assert not scanner.key_down(KEYCODES[name], [])
    assert not scanner.key_down(KEYCODES["n"], ["ctrl"])
    assert codes == []

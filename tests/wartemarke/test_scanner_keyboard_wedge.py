"""Keyboard-wedge scanner vs. a clerk typing, decided by key timing and length (fake clock)."""

from wartemarke.scanner.keyboard_wedge import KeyboardWedge

CODE = "https://wartemarke.example.de/t/Zx81kQ"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def type_text(wedge: KeyboardWedge, clock: FakeClock, text: str, gap: float) -> str | None:
    for ch in text:
        clock.now += gap
        wedge.key(ch)
    clock.now += gap
    return wedge.enter()


def test_a_fast_burst_ending_in_enter_is_a_scan():
    clock = FakeClock()
    wedge = KeyboardWedge(max_gap=0.05, min_length=8, clock=clock)
    assert type_text(wedge, clock, CODE, gap=0.004) == CODE


def test_a_clerk_typing_is_never_a_scan():
    clock = FakeClock()
    wedge = KeyboardWedge(max_gap=0.05, min_length=8, clock=clock)
    assert type_text(wedge, clock, "hello world this is me", gap=0.12) is None


def test_a_short_fast_burst_is_not_a_scan():
    clock = FakeClock()
    wedge = KeyboardWedge(max_gap=0.05, min_length=8, clock=clock)
    assert type_text(wedge, clock, "ok", gap=0.002) is None


def test_a_scan_right_after_typing_is_still_recognised_without_the_typed_prefix():
    clock = FakeClock()
    wedge = KeyboardWedge(max_gap=0.05, min_length=8, clock=clock)
    for ch in "abc":
        clock.now += 0.3
        wedge.key(ch)
    clock.now += 0.5
    assert type_text(wedge, clock, CODE, gap=0.003) == CODE


def test_enter_pressed_by_hand_after_a_fast_burst_is_not_a_scan():
    clock = FakeClock()
    wedge = KeyboardWedge(max_gap=0.05, min_length=8, clock=clock)
    for ch in CODE:
        clock.now += 0.003
        wedge.key(ch)
    clock.now += 0.8
    assert wedge.enter() is None


def test_a_pause_in_the_middle_splits_the_burst_and_the_tail_alone_is_too_short():
    clock = FakeClock()
    wedge = KeyboardWedge(max_gap=0.05, min_length=8, clock=clock)
    for ch in "ABCDEFGHIJ":
        clock.now += 0.003
        wedge.key(ch)
    clock.now += 0.4
    assert type_text(wedge, clock, "XY", gap=0.003) is None


def test_the_buffer_is_empty_after_each_enter():
    clock = FakeClock()
    wedge = KeyboardWedge(max_gap=0.05, min_length=8, clock=clock)
    assert type_text(wedge, clock, CODE, gap=0.003) == CODE
    assert type_text(wedge, clock, "TOKEN-2-abcdef", gap=0.003) == "TOKEN-2-abcdef"


def test_one_slow_frame_in_the_middle_of_a_scan_does_not_lose_it():
    clock = FakeClock()
    wedge = KeyboardWedge(max_gap=0.05, min_length=8, clock=clock)
    for i, ch in enumerate(CODE):
        clock.now += 0.09 if i == 10 else 0.004  # the app was busy drawing for 90 ms
        wedge.key(ch)
    clock.now += 0.004
    assert wedge.enter() == CODE


def test_a_fast_typist_is_still_not_a_scanner():
    clock = FakeClock()
    wedge = KeyboardWedge(max_gap=0.05, min_length=8, clock=clock)
    assert type_text(wedge, clock, "schnell getippt", gap=0.07) is None

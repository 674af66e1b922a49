"""Everything a touch does, a key does (EN 301 549 §5.1): the kiosk driven by its keypad alone, no Kivy.

Keys are the shipped kiosk.toml's: arrows or 2/8 move the focus ring, Enter or 5 chooses, Backspace
goes back, F1 switches speech on, F2 large print. A visitor who uses keys gets more time and a warning.
"""

from __future__ import annotations

import pytest
from kiosk_fakes import FakeApi, FakePrinter, service
from kiosk_rig import make_guided_rig

from kiosk.config import AccessibilitySection
from kiosk.views import LARGE_PRINT, PrintState, Screen
from printer.status import PrinterStatus
from wartemarke.keys import KEYCODES

LANGUAGES = ["de", "en", "uk", "ru", "tr", "ar", "fa"]


def choose_language_by_keys(rig, language: str) -> None:
    if rig.view.focus is None:
        rig.press("down")  # the first key brings the ring out, on the first language
    assert rig.view.focus == "language:de"
    for _ in range(LANGUAGES.index(language)):
        rig.press("down")
    assert rig.view.focus == f"language:{language}"
    rig.press("enter")


@pytest.mark.parametrize("language", ["de", "uk", "ar"])
def test_keys_alone_draw_a_ticket(language):
    rig = make_guided_rig()
    assert rig.view.focus is None  # no ring for a visitor who touches
    choose_language_by_keys(rig, language)
    assert rig.view.screen == Screen.CONCERNS and rig.view.language == language
    assert rig.view.focus == "service:notfall"
    rig.press("numpad5")
    view = rig.view
    assert view.screen == Screen.TICKET and view.print_state == PrintState.PRINTED
    assert view.focus == "done"
    assert rig.printer.printed[0]["language"] == language
    rig.press("enter")
    assert rig.view.screen == Screen.START and rig.view.focus is None  # the next visitor starts afresh


def test_the_ring_visits_every_choice_in_order_and_goes_round():
    rig = make_guided_rig(api=FakeApi(services_list=[service("notfall"), service("voll", remaining=0)]))
    rig.controller.choose_language("en")
    rig.settle()
    rig.press("down")
    seen = [rig.view.focus]
    for _ in range(4):
        rig.press("numpad2")
        seen.append(rig.view.focus)
    assert seen == ["service:notfall", "service:voll", "back", LARGE_PRINT, "service:notfall"]
    rig.press("up")
    assert rig.view.focus == LARGE_PRINT


def test_a_full_service_is_reached_but_choosing_it_does_nothing():
    rig = make_guided_rig(api=FakeApi(services_list=[service("voll", remaining=0), service("notfall")]))
    rig.controller.choose_language("en")
    rig.settle()
    rig.press("down")
    assert rig.view.focus == "service:notfall"  # the ring starts on a concern that can be chosen
    rig.press("up")
    assert rig.view.focus == "service:voll"
    rig.press("enter")
    assert rig.view.screen == Screen.CONCERNS and rig.api.issue_calls == []


def test_the_back_key_goes_back_and_ends_the_ticket():
    rig = make_guided_rig()
    choose_language_by_keys(rig, "en")
    rig.press("backspace")
    assert rig.view.screen == Screen.START
    assert rig.view.focus == "language:de"  # still the same visitor: the ring stays out
    choose_language_by_keys(rig, "en")
    rig.press("enter")
    assert rig.view.screen == Screen.TICKET
    rig.press("numpad_decimal")
    assert rig.view.screen == Screen.START


def test_large_print_by_key_and_by_its_button_until_the_visitor_leaves():
    rig = make_guided_rig()
    rig.press("f2")  # on the start screen, the button speaks the greeting's language
    assert rig.view.large_print and rig.view.large_print_label == "Normale Schrift"
    rig.controller.activate(LARGE_PRINT)  # the on-screen button
    assert not rig.view.large_print and rig.view.large_print_label == "Große Schrift"
    rig.controller.activate(LARGE_PRINT)
    rig.controller.choose_language("uk")
    rig.controller.choose_service("notfall")
    rig.settle()
    assert rig.view.large_print and rig.view.large_print_label == "Звичайний шрифт"
    rig.controller.finish_ticket()
    assert not rig.view.large_print


def test_a_visitor_using_keys_gets_more_time_and_a_warning_before_it_runs_out():
    rig = make_guided_rig()
    choose_language_by_keys(rig, "de")
    rig.scheduler.advance(60)  # a touch visitor would be back at the start after 45 s
    assert rig.view.screen == Screen.CONCERNS and rig.view.banner == ""
    rig.scheduler.advance(41)  # 20 s before the 120 s run out
    assert rig.view.banner.startswith("Der Automat kehrt gleich zum Anfang zurück")
    rig.press("x")  # any key, even one without an action
    assert rig.view.banner == ""
    rig.scheduler.advance(119)
    assert rig.view.screen == Screen.CONCERNS
    rig.scheduler.advance(2)
    assert rig.view.screen == Screen.START and rig.view.focus is None


def test_the_ticket_stays_longer_for_a_visitor_using_keys():
    rig = make_guided_rig(accessibility=AccessibilitySection(ticket_seconds=60, warning_seconds=15))
    choose_language_by_keys(rig, "en")
    rig.press("enter")
    assert rig.view.screen == Screen.TICKET
    rig.scheduler.advance(46)
    assert rig.view.screen == Screen.TICKET
    assert rig.view.banner.startswith("The kiosk will soon go back to the start")
    rig.scheduler.advance(15)
    assert rig.view.screen == Screen.START


def test_speech_ending_restarts_the_time_but_not_after_the_warning():
    rig = make_guided_rig()
    choose_language_by_keys(rig, "en")
    rig.scheduler.advance(90)
    rig.controller.speech_finished()  # what was said took 90 s to hear: the 120 s start now
    rig.scheduler.advance(100)
    assert rig.view.banner  # warned
    rig.controller.speech_finished()  # the warning itself was spoken: no more time for that
    rig.scheduler.advance(21)
    assert rig.view.screen == Screen.START


def test_an_assisted_visitor_who_walks_away_from_the_start_screen_is_forgotten():
    rig = make_guided_rig()
    rig.press("f2")
    assert rig.view.large_print
    rig.scheduler.advance(121)
    assert rig.view.screen == Screen.START and not rig.view.large_print


def test_the_speech_key_switches_speech_on_then_shows_the_key_help():
    rig = make_guided_rig()
    rig.press("f1")
    assert rig.view.speech and rig.view.banner == ""
    rig.press("f1")
    assert rig.view.banner.startswith("Pfeiltasten oder 2 und 8") and rig.view.banner.count("\n") == 5
    rig.press("down")
    assert rig.view.banner == ""


def test_speech_switched_off_in_the_config_stays_off():
    rig = make_guided_rig(accessibility=AccessibilitySection(speech="off"))
    rig.press("f1")
    assert not rig.view.speech and rig.speech.heard == []


@pytest.mark.parametrize(
    ("keys", "large_number"),
    [((), False), (("f1",), True), (("f2",), True), (("down",), False)],
    ids=["touch", "speech", "large-print", "keys-only"],
)
def test_a_larger_number_is_printed_for_a_visitor_who_listened_or_read_large_print(keys, large_number):
    rig = make_guided_rig()
    for key in keys:
        rig.press(key)
    rig.controller.choose_language("de")
    rig.controller.choose_service("notfall")
    rig.settle()
    assert rig.printer.printed[0]["large_number"] is large_number


def test_the_larger_number_can_be_switched_off():
    rig = make_guided_rig(accessibility=AccessibilitySection(large_number=False))
    rig.press("f2")
    rig.controller.choose_language("de")
    rig.controller.choose_service("notfall")
    rig.settle()
    assert rig.printer.printed[0]["large_number"] is False


def test_keys_with_an_action_are_kept_from_kivy_and_others_are_not():
    rig = make_guided_rig()
    assert rig.keypad.key_down(KEYCODES["down"], []) is True
    assert rig.keypad.key_down(KEYCODES["x"], []) is False
    assert rig.keypad.key_down(KEYCODES["down"], ["numlock"]) is True  # lock keys do not matter


def test_a_ticket_the_printer_cannot_print_tells_a_listener_to_ask_at_the_desk():
    rig = make_guided_rig(printer=FakePrinter(PrinterStatus.PAPER_OUT))
    rig.press("f1")
    choose_language_by_keys(rig, "de")
    rig.press("enter")
    assert rig.view.print_state == PrintState.FAILED
    assert rig.view.instruction == "Der Drucker funktioniert nicht. Bitte fragen Sie an der Information."

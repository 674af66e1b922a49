"""Guaranteed later slots at the kiosk with a fake server: the offer on a full concern's card, the slot
screen, "I have a slot" and its refusals, drawn in German, Ukrainian and Arabic; the keypad and speech
reach every new button; what a refusal says, and when."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from kiosk_fakes import FakeApi, service
from kiosk_rig import make_guided_rig, make_rig
from kivy_stage import find, frames, tap
from test_kiosk_screens import demo_services, shoot_both

from client.errors import Expired, InvalidCode, TooEarly
from kiosk.check_in import CheckInRefusal, refusal_text
from kiosk.screens import ConcernButton, KioskButton, KioskRoot, load_layout
from kiosk.views import CHECK_IN, PrintState, Screen
from wartemarke.api_objects import Slot

BERLIN = ZoneInfo("Europe/Berlin")
#: The slot of the fakes is on Tuesday 24 November 2026, 9:30-10:00; check-in opens at 9:00.
TUESDAY_8 = datetime(2026, 11, 24, 8, 0, tzinfo=BERLIN)
TOO_EARLY = TooEarly(
    409,
    "too_early",
    "Check-in opens at 09:00.",
    check_in_from=datetime(2026, 11, 24, 9, 0, tzinfo=BERLIN),
    window_start=datetime(2026, 11, 24, 9, 30, tzinfo=BERLIN),
    window_end=datetime(2026, 11, 24, 10, 0, tzinfo=BERLIN),
)


@pytest.mark.kivy
@pytest.mark.parametrize("language", ["de", "uk", "ar"])
def test_slot_offer_slot_screen_and_check_in_screens_in_three_scripts(language):
    load_layout()
    rig = make_rig(api=FakeApi(services_list=demo_services(), slot_language=language), scanner=True)
    root = KioskRoot(rig.controller)
    rig.controller.on_view = root.show
    from kivy_stage import staged

    with staged(root):
        rig.controller.start()
        rig.settle()
        while rig.controller.view().greeting_language != language:
            rig.scheduler.advance(3.0)
        assert find(root, KioskButton, choice_id=CHECK_IN).label == rig.controller.view().check_in_label
        shoot_both(root, "start-with-scanner", language)

        rig.controller.choose_language(language)
        rig.settle()
        frames()
        card = find(root, ConcernButton, service_id="einbuergerung")
        assert not card.available and card.later_label
        tap(find(root, KioskButton, choice_id="later:einbuergerung"))
        rig.settle()
        assert rig.controller.screen == Screen.SLOT
        assert rig.controller.print_state == PrintState.PRINTED
        printed = rig.printer.printed[-1]
        assert isinstance(printed["ticket"], Slot) and printed["language"] == language
        assert root.current.window  # "9:30–10:00" (in words in Arabic)
        shoot_both(root, "slot", language)

        rig.controller.finish_ticket()
        rig.controller.start_check_in()
        assert rig.controller.screen == Screen.SCAN
        shoot_both(root, "scan", language)

        rig.api.check_in_refusal = TOO_EARLY
        rig.controller.scanned("https://wartemarke.example.de/t/slotk\r")
        rig.settle()
        assert rig.controller.screen == Screen.CHECK_IN_PROBLEM
        view = rig.controller.view()
        assert [message.language for message in view.messages] == [language]  # the paper's language
        assert "9:00" in view.messages[0].text
        shoot_both(root, "check-in-too-early", language)

        rig.api.check_in_refusal = InvalidCode(400, "invalid_code", "not ours")
        rig.controller.scanned("garbage-code")
        rig.settle()
        assert len(rig.controller.view().messages) == 7  # a forged paper says no language: every one
        shoot_both(root, "check-in-invalid", language)

        rig.api.check_in_refusal = None
        rig.controller.scanned("https://wartemarke.example.de/t/slotk")
        rig.settle()
        assert rig.controller.screen == Screen.TICKET
        assert rig.controller.ticket.slot_window is not None


def test_the_keypad_reaches_i_have_a_slot_and_the_slot_offer_and_speech_says_them():
    rig = make_guided_rig(api=FakeApi(services_list=demo_services(), slot_language="de"), scanner=True)
    rig.press("f1")  # speech on
    for _ in range(12):
        if rig.controller.view().focus == CHECK_IN:
            break
        rig.press("down")
    assert rig.controller.view().focus == CHECK_IN
    assert "Ich habe einen Termin" in rig.speech.texts
    rig.press("enter")
    assert rig.controller.screen == Screen.SCAN
    assert "Halten Sie den QR-Code Ihres Papiers unter den Scanner." in [u.text for b in rig.speech.heard for u in b]
    rig.press("backspace")
    assert rig.controller.screen == Screen.START

    rig.controller.choose_language("de")
    rig.settle()
    rig.press("f1")  # going back ended that visit (and its speech); a new one begins
    for _ in range(12):
        if rig.controller.view().focus == "later:einbuergerung":
            break
        rig.press("down")
    offer = next(c for c in rig.controller.view().choices if c.id == "later:einbuergerung")
    assert offer.label.startswith("Fester Termin: Dienstag, 24. November 2026, 9:30–10:00 Uhr")
    assert offer.label in [u.text for b in rig.speech.heard for u in b]
    rig.press("enter")
    assert rig.controller.screen == Screen.SLOT
    said = [u.text for b in rig.speech.heard for u in b]
    assert "Ihr fester Termin" in said and "Dienstag, 24. November 2026" in said
    assert isinstance(rig.printer.printed[-1]["ticket"], Slot)


def test_a_full_concern_without_a_free_slot_says_so_and_offers_nothing():
    full = service("notfall", remaining=0, closed_reason="quota_exhausted", open=False, next_later_slot=None)
    rig = make_rig(api=FakeApi(services_list=[full]))
    rig.controller.start()
    rig.settle()
    rig.controller.choose_language("de")
    rig.settle()
    card = rig.controller.view().cards[0]
    assert card.lines[:2] == (
        "Für heute alle Plätze vergeben",
        "In den nächsten Tagen ist kein fester Termin mehr frei.",
    )
    assert [c.id for c in rig.controller.view().choices if c.id.startswith("later:")] == []
    rig.controller.activate("later:notfall")
    assert rig.controller.screen == Screen.CONCERNS


def test_a_retried_booking_sends_the_same_key_after_an_outage():
    rig = make_rig(api=FakeApi(services_list=demo_services()))
    rig.controller.start()
    rig.settle()
    rig.controller.choose_language("uk")
    rig.settle()
    rig.api.down = True
    rig.controller.activate("later:einbuergerung")
    rig.settle()
    assert rig.controller.screen == Screen.OUT_OF_SERVICE
    rig.api.down = False
    rig.scheduler.advance(1.0)
    rig.settle()
    assert rig.controller.screen == Screen.SLOT
    keys = {key for service_id, _language, key in rig.api.issue_calls if service_id == "einbuergerung"}
    assert len(keys) == 1


def test_without_a_scanner_there_is_no_i_have_a_slot_and_a_scan_does_nothing():
    rig = make_rig(scanner=False)
    rig.controller.start()
    rig.settle()
    assert CHECK_IN not in [choice.id for choice in rig.controller.view().choices]
    rig.controller.scanned("https://wartemarke.example.de/t/slotk")
    rig.settle()
    assert rig.controller.screen == Screen.START


def test_a_serial_scanner_unplugged_takes_the_button_away_until_it_is_back():
    rig = make_rig(scanner=True)
    rig.controller.start()
    rig.settle()
    rig.controller.set_scanner_ready(False)
    assert CHECK_IN not in [choice.id for choice in rig.controller.view().choices]
    rig.controller.set_scanner_ready(True)
    assert CHECK_IN in [choice.id for choice in rig.controller.view().choices]


@pytest.mark.parametrize(
    ("now", "language", "expected"),
    [
        (TUESDAY_8, "de", "Bitte kommen Sie um 9:00 Uhr wieder."),
        (TUESDAY_8, "uk", "Поверніться, будь ласка, о 9:00."),
        (datetime(2026, 11, 23, 16, 0, tzinfo=BERLIN), "de", "Bitte kommen Sie am Dienstag, 24. November 2026 um"),
        (datetime(2026, 11, 23, 16, 0, tzinfo=BERLIN), "ar", "يرجى العودة يوم الثلاثاء"),
    ],
)
def test_too_early_says_when_to_come_back_today_or_on_another_day(now, language, expected):
    title, what_to_do = refusal_text(CheckInRefusal(TOO_EARLY, language), language, now)
    assert title and expected in what_to_do
    assert what_to_do.splitlines()[0].count("9:30") == 1  # the slot's window is said too


def test_a_passed_slot_and_a_forged_code_send_the_visitor_to_the_desk():
    passed = refusal_text(CheckInRefusal(Expired(410, "expired", "gone"), "de"), "de", TUESDAY_8)
    forged = refusal_text(CheckInRefusal(InvalidCode(400, "invalid_code", "no"), None), "de", TUESDAY_8)
    assert passed == ("Die Zeit für diesen Termin ist vorbei.", "Bitte gehen Sie zur Information.")
    assert forged == ("Dieser Code gilt hier nicht.", "Bitte gehen Sie zur Information.")

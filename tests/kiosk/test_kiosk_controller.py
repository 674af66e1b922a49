"""The kiosk's behaviour, driven through the controller with a fake server, printer and clock."""

from __future__ import annotations

from kiosk_fakes import FakeApi, FakePrinter, QuotaExhausted, RateLimited, service, service_updated
from kiosk_rig import make_rig

from kiosk.views import PrintState, Screen
from printer.status import PrinterStatus


def test_start_screen_offers_every_language_in_its_own_script(rig):
    names = [choice.name for choice in rig.view.languages]
    assert names == ["Deutsch", "English", "Українська", "Русский", "Türkçe", "العربية", "فارسی"]
    assert rig.view.office_name == "Amt für Migration"


def test_choosing_a_language_shows_concerns_in_that_language(rig):
    rig.controller.choose_language("de")
    rig.settle()
    view = rig.view
    assert view.screen == Screen.CONCERNS
    assert view.title == "Worum geht es?"
    card = view.cards[0]
    assert card.name == "Notfall (de)"
    assert card.available
    assert card.remaining == "Heute noch frei: 63"
    assert "20–35" in card.wait


def test_touching_anywhere_continues_in_the_language_currently_greeting(rig):
    assert rig.view.greeting_language == "de"
    rig.scheduler.advance(3.1)  # the greeting moves on to English, then Ukrainian
    rig.scheduler.advance(3.1)
    assert rig.view.greeting_language == "uk"
    assert rig.view.greeting == "Оберіть мову"
    rig.controller.touch_anywhere()
    assert rig.view.screen == Screen.CONCERNS
    assert rig.view.language == "uk"


def test_tap_on_concern_issues_prints_and_shows_the_ticket(rig):
    rig.controller.choose_language("en")
    rig.controller.choose_service("notfall")
    assert rig.view.screen == Screen.ISSUING
    assert rig.view.busy_service == "notfall"
    assert rig.view.busy_text == ""  # a quick answer needs no "one moment"
    rig.scheduler.advance(0.6)
    assert rig.view.busy_text == "One moment, please…"
    rig.settle()
    view = rig.view
    assert view.screen == Screen.TICKET
    assert view.number == "N001"
    assert view.concern == "Emergency"
    assert view.ahead == "People ahead of you: 3"
    assert view.wait == "Expected wait: 20–35 min"
    assert view.qr_text == "https://wartemarke.example.de/t/tok1"
    assert view.print_state == PrintState.PRINTED
    assert view.instruction == "Please take your ticket."
    printed = rig.printer.printed[0]
    assert printed["ticket"].number == "N001"
    assert printed["language"] == "en"
    assert printed["office_name"] == "Amt für Migration"


def test_ticket_screen_returns_to_start_after_its_time(rig):
    rig.controller.choose_language("en")
    rig.controller.choose_service("notfall")
    rig.settle()
    rig.scheduler.advance(19)
    assert rig.view.screen == Screen.TICKET
    rig.scheduler.advance(2)
    assert rig.view.screen == Screen.START


def test_double_tap_gives_one_ticket(rig):
    rig.controller.choose_language("en")
    rig.controller.choose_service("notfall")
    rig.controller.choose_service("notfall")
    rig.controller.choose_service("aufenthalt")
    rig.settle()
    assert len(rig.api.issue_calls) == 1
    assert len(rig.printer.printed) == 1


def test_a_slow_server_shows_out_of_service_within_3_seconds_then_the_ticket(rig):
    rig.controller.choose_language("en")
    rig.controller.choose_service("notfall")
    rig.scheduler.advance(2.9)
    assert rig.view.screen == Screen.ISSUING
    rig.scheduler.advance(0.2)
    assert rig.view.screen == Screen.OUT_OF_SERVICE
    rig.runner.run_lane("issue")  # the answer finally arrives
    rig.settle()
    assert rig.view.screen == Screen.TICKET
    assert rig.view.number == "N001"


def test_retry_after_an_outage_reuses_the_idempotency_key(rig):
    rig.controller.choose_language("en")
    rig.controller.choose_service("notfall")
    rig.api.down = True
    rig.runner.run_lane("issue")
    assert rig.view.screen == Screen.OUT_OF_SERVICE
    assert "out of service" in rig.view.messages[1].title.lower()
    rig.api.down = False
    rig.scheduler.advance(1.0)  # next probe finds the server again and asks once more
    rig.settle()
    assert rig.view.screen == Screen.TICKET
    keys = [key for (_, _, key) in rig.api.issue_calls]
    assert keys == ["key-1", "key-1"]
    assert len(rig.api.issued) == 1


def test_server_down_shows_out_of_service_within_3_seconds_and_recovers(rig):
    rig.controller.choose_language("de")
    rig.api.down = True
    for _ in range(3):
        rig.scheduler.advance(1.0)
        rig.settle()
    assert rig.view.screen == Screen.OUT_OF_SERVICE
    texts = {m.language: m.text for m in rig.view.messages}
    assert texts["de"] == "Bitte gehen Sie zur Information."
    assert texts["en"] == "Please go to the information desk."
    assert "unreachable" in rig.view.detail
    rig.api.down = False
    rig.scheduler.advance(1.0)
    rig.settle()
    assert rig.view.screen == Screen.START


def test_server_down_does_not_take_a_ticket_away_from_the_visitor(rig):
    rig.controller.choose_language("en")
    rig.controller.choose_service("notfall")
    rig.settle()
    rig.api.down = True
    rig.scheduler.advance(1.0)
    rig.settle()
    assert rig.view.screen == Screen.TICKET
    rig.controller.finish_ticket()
    assert rig.view.screen == Screen.OUT_OF_SERVICE


def test_paper_out_shows_the_ticket_for_a_photo_and_reports_the_fault(rig):
    rig.printer.state = PrinterStatus.PAPER_OUT
    rig.controller.choose_language("en")
    rig.controller.choose_service("notfall")
    rig.settle()
    view = rig.view
    assert view.screen == Screen.TICKET
    assert view.print_state == PrintState.FAILED
    assert "photo" in view.instruction
    assert view.qr_text.startswith("https://")
    assert rig.api.reports[-1][0] == "paper_out"
    rig.scheduler.advance(60)
    assert rig.view.screen == Screen.TICKET  # longer than a printed ticket: time for the photo


def test_paper_near_end_prints_and_is_reported_once(rig):
    rig.printer.state = PrinterStatus.PAPER_NEAR_END
    rig.controller.choose_language("en")
    for _ in range(2):
        rig.controller.choose_service("notfall")
        rig.settle()
        assert rig.view.print_state == PrintState.PRINTED
        rig.controller.finish_ticket()
        rig.controller.choose_language("en")
    assert [status for status, _ in rig.api.reports] == ["ok", "paper_near_end"]


def test_printer_is_watched_between_tickets(rig):
    rig.printer.state = PrinterStatus.PAPER_NEAR_END
    rig.scheduler.advance(30)
    rig.settle()
    assert rig.api.reports[-1][0] == "paper_near_end"
    rig.printer.state = PrinterStatus.OK
    rig.scheduler.advance(30)
    rig.settle()
    assert rig.api.reports[-1][0] == "ok"


def test_a_printer_that_raises_or_hangs_still_leaves_the_ticket_on_screen():
    class BrokenPrinter(FakePrinter):
        def print_ticket(self, ticket, *, office_name, language, large_number=False):
            raise OSError("device disconnected")

    rig = make_rig(printer=BrokenPrinter())
    rig.controller.start()
    rig.settle()
    rig.controller.choose_language("en")
    rig.controller.choose_service("notfall")
    rig.settle()
    assert rig.view.print_state == PrintState.FAILED
    assert rig.api.reports[-1] == ("error", "printing failed: device disconnected")

    hanging = make_rig()
    hanging.controller.start()
    hanging.runner.run_lane("probe")
    hanging.runner.run_lane("services")
    hanging.controller.choose_language("en")
    hanging.controller.choose_service("notfall")
    hanging.runner.run_lane("issue")
    assert hanging.view.print_state == PrintState.PRINTING
    hanging.scheduler.advance(15.1)
    assert hanging.view.print_state == PrintState.FAILED


def test_without_a_printer_tickets_are_shown_on_screen():
    rig = make_rig(printer=None)
    rig.controller.printer = None
    rig.controller.start()
    rig.settle()
    rig.controller.choose_language("de")
    rig.controller.choose_service("notfall")
    rig.settle()
    assert rig.view.print_state == PrintState.FAILED
    assert rig.api.reports[0][0] == "error"


def test_remaining_counts_follow_server_events(rig):
    rig.controller.choose_language("en")
    rig.settle()
    rig.controller.on_event(service_updated(1, service("notfall", remaining=5, issued=70)))
    assert rig.view.cards[0].remaining == "Slots left today: 5"
    rig.controller.on_event(service_updated(2, service("notfall", remaining=0, closed_reason="quota_exhausted")))
    assert not rig.view.cards[0].available


def test_full_and_closed_services_are_greyed_with_reason_and_next_chance():
    api = FakeApi(
        services_list=[
            service(
                "notfall",
                remaining=0,
                issued=75,
                closed_reason="quota_exhausted",
                next_open="2026-11-23T07:30:00+01:00",
            ),
            service("aufenthalt", open=False, closed_reason="outside_hours", next_open="2026-11-21T13:00:00+01:00"),
            service("ukraine", closed_reason="switched_off", open=False, next_open=None),
            service("einbuergerung", quota=None, remaining=None, wait=None),
        ]
    )
    rig = make_rig(api=api)
    rig.controller.start()
    rig.settle()
    rig.controller.choose_language("en")
    rig.settle()
    full, closed, off, unlimited = rig.view.cards
    assert (full.available, full.reason, full.next_chance) == (
        False,
        "No more slots today",
        "Next chance: Monday, 7:30",
    )
    assert (closed.reason, closed.next_chance) == ("Closed right now", "Next chance: today, 13:00")
    assert (off.reason, off.next_chance) == ("Not available today", "")
    assert unlimited.available and unlimited.remaining == "" and unlimited.wait == "Expected wait: unknown"
    rig.controller.choose_service("notfall")
    assert rig.view.screen == Screen.CONCERNS
    assert rig.api.issue_calls == []


def test_last_slot_taken_by_someone_else_says_so_plainly(rig):
    rig.api.refuse_with = QuotaExhausted(409, "quota_exhausted", "No more slots", service="notfall")
    rig.controller.choose_language("de")
    rig.controller.choose_service("notfall")
    rig.runner.run_lane("issue")
    assert rig.view.screen == Screen.CONCERNS
    assert rig.view.notice == "Für heute alle Plätze vergeben"
    assert not rig.view.cards[0].available


def test_rate_limit_asks_to_wait(rig):
    rig.api.refuse_with = RateLimited(429, "rate_limited", "slow down", retry_after=30)
    rig.controller.choose_language("en")
    rig.controller.choose_service("notfall")
    rig.settle()
    assert rig.view.screen == Screen.CONCERNS
    assert "wait a minute" in rig.view.notice


def test_a_rejected_token_is_out_of_service_with_a_reason_for_staff(rig):
    rig.api.token_ok = False
    rig.controller.choose_language("en")
    rig.settle()
    assert rig.view.screen == Screen.OUT_OF_SERVICE
    assert "token" in rig.view.detail
    rig.scheduler.advance(3)
    rig.settle()
    assert rig.view.screen == Screen.OUT_OF_SERVICE  # health alone does not bring it back


def test_idle_concern_screen_returns_to_start(rig):
    rig.controller.choose_language("tr")
    rig.scheduler.advance(40)
    rig.controller.touch()
    rig.scheduler.advance(40)
    assert rig.view.screen == Screen.CONCERNS
    rig.scheduler.advance(6)
    assert rig.view.screen == Screen.START


def test_staff_leave_with_corner_gesture_and_pin(rig):
    exits = []
    rig.controller.on_exit = lambda: exits.append(True)
    for _ in range(4):
        rig.controller.corner_tap()
    assert rig.view.screen == Screen.START
    rig.controller.corner_tap()
    assert rig.view.screen == Screen.STAFF_PIN
    for digit in "1111":
        rig.controller.pin_digit(digit)
    rig.controller.pin_submit()
    assert rig.view.wrong and exits == []
    for digit in "2468":
        rig.controller.pin_digit(digit)
    assert rig.view.entered == 4
    rig.controller.pin_submit()
    assert exits == [True]


def test_pin_pad_closes_itself(rig):
    for _ in range(5):
        rig.controller.corner_tap()
    rig.scheduler.advance(21)
    assert rig.view.screen == Screen.START


def test_arabic_is_right_to_left(rig):
    rig.controller.choose_language("ar")
    rig.settle()
    assert rig.view.rtl
    assert rig.view.title != "What is your concern?"

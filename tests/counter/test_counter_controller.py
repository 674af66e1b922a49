"""Counter controller flows against an in-memory queue (the live-server flows are in test_counter_live)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from counter_fakes import FakeQueue, ticket_event

from counter.controller import CounterController

NOW = datetime(2026, 11, 21, 6, 54, 2, tzinfo=UTC)  # 07:54 in Düsseldorf


def make(queue: FakeQueue, counter_id: str | None = "1") -> CounterController:
    controller = CounterController(queue, translate=lambda s: s, language="de", counter_id=counter_id, now=lambda: NOW)
    return controller


@pytest.fixture
def queue() -> FakeQueue:
    return FakeQueue()


def test_sign_in_opens_the_configured_counter_and_shows_waiting_per_served_concern(queue):
    queue.issue("notfall")
    queue.issue("notfall")
    queue.issue("ukraine")
    controller = make(queue)
    assert controller.sign_in()
    view = controller.view()
    assert queue.desks["1"]["open"]
    assert view.phase == "serving" and view.counter_name == "Schalter 1"
    assert [(row.concern, row.waiting) for row in view.waiting] == [("Notfall", 2), ("Aufenthaltstitel", 0)]
    assert view.current is None and view.enabled == {"call_next"}


def test_without_a_counter_in_the_config_the_clerk_picks_one(queue):
    controller = make(queue, counter_id=None)
    controller.sign_in()
    view = controller.view()
    assert view.phase == "picking"
    assert view.counters == (("1", "Schalter 1"), ("2", "Schalter 2"))
    controller.choose_counter("2")
    assert controller.view().counter_name == "Schalter 2" and queue.desks["2"]["open"]


def test_whole_ticket_life_call_start_finish(queue):
    ticket = queue.issue("notfall")
    controller = make(queue)
    controller.sign_in()
    controller.perform("call_next")
    view = controller.view()
    assert view.current.number == ticket["number"] and view.current.status == "called"
    assert view.waiting[0].waiting == 0  # the called ticket no longer counts as waiting
    assert view.enabled == {"recall", "start", "finish", "no_show", "transfer", "cancel"}
    controller.perform("recall")
    assert controller.view().notice.text == f"Ticket {ticket['number']} has been called again."
    controller.perform("start")
    assert controller.view().current.status == "being served"
    assert controller.view().enabled == {"finish", "transfer"}
    controller.perform("finish")
    view = controller.view()
    assert view.current is None and queue.tickets[ticket["id"]]["status"] == "done"
    assert view.notice.text == f"Ticket {ticket['number']} is finished."


def test_steps_out_of_order_are_refused_with_a_message_and_never_reach_the_server(queue):
    queue.issue("notfall")
    controller = make(queue)
    controller.sign_in()
    queue.calls.clear()
    controller.perform("finish")
    assert controller.view().notice.text == "Call a ticket first."
    controller.perform("call_next")
    controller.perform("start")
    controller.perform("no_show")
    assert controller.view().notice.text == "Ticket N001 is already being served."
    controller.perform("call_next")
    assert controller.view().notice.text == "Finish ticket N001 first."
    assert [c for c in queue.calls if c != "services"] == ["call_next", "call", "start"]


def test_a_server_409_after_someone_else_changed_the_ticket_is_a_message_not_a_crash(queue):
    ticket = queue.issue("notfall")
    controller = make(queue)
    controller.sign_in()
    controller.perform("call_next")
    queue.tickets[ticket["id"]]["status"] = "cancelled"  # cancelled from another desk meanwhile
    controller.perform("start")
    view = controller.view()
    assert view.notice.kind == "error"
    assert view.notice.text == "Not possible now. Ticket N001: cancelled."
    assert view.current is None and view.enabled == {"call_next"}


def test_no_show_and_cancel_free_the_counter(queue):
    queue.issue("notfall")
    queue.issue("aufenthalt")
    controller = make(queue)
    controller.sign_in()
    controller.perform("call_next")
    controller.perform("no_show")
    assert controller.view().current is None
    controller.perform("call_next")
    controller.perform("cancel")
    assert [t["status"] for t in queue.tickets.values()] == ["no_show", "cancelled"]


def test_transfer_sends_the_ticket_to_another_concern_keeping_its_number(queue):
    ticket = queue.issue("notfall")
    controller = make(queue)
    controller.sign_in()
    controller.perform("call_next")
    targets = dict(controller.view().transfer_targets)
    assert "notfall" not in targets and targets["ukraine"] == "Ukraine"
    controller.perform("transfer")
    assert controller.view().notice.text == "Choose the concern to transfer the ticket to."
    controller.perform("transfer", service="ukraine")
    assert queue.tickets[ticket["id"]]["service"] == "ukraine"
    assert queue.tickets[ticket["id"]]["number"] == "N001"
    assert controller.view().current is None
    assert controller.view().notice.text == "Ticket N001 now waits for: Ukraine."


def test_nobody_waiting_is_said_plainly(queue):
    controller = make(queue)
    controller.sign_in()
    controller.perform("call_next")
    assert controller.view().notice.text == "Nobody is waiting for your concerns."
    assert controller.view().current is None


def test_scanning_shows_the_ticket_and_offers_to_call_it_now(queue):
    queue.issue("notfall")
    ticket = queue.issue("aufenthalt")
    controller = make(queue)
    controller.sign_in()
    controller.scan(ticket["code"] + "\r\n")
    view = controller.view()
    assert view.scanned.number == "A002"
    assert view.scanned.concern == "Aufenthaltstitel"
    assert view.scanned.status == "waiting"
    assert view.scanned.since == "waiting since 07:31 (23 min)"
    assert view.can_call_scanned
    controller.call_scanned()
    view = controller.view()
    assert view.current.number == "A002" and view.scanned is None
    assert queue.tickets["t1"]["status"] == "waiting"  # out of turn: the first ticket still waits


def test_a_scanned_slot_paper_shows_its_ticket_with_the_window_or_when_check_in_opens(queue):
    controller = make(queue)
    controller.sign_in()
    controller.scan("https://w.example/t/slot-early")
    assert controller.view().notice.text == "This slot's check-in opens at 9:00."
    assert controller.view().scanned is None
    controller.scan("https://w.example/t/slot-in-time\r")
    scanned = controller.view().scanned
    assert scanned.slot == "guaranteed slot 8:00–8:30"
    assert scanned.details.endswith(" · guaranteed slot 8:00–8:30")


def test_scanned_ticket_cannot_be_called_while_another_is_at_the_counter(queue):
    queue.issue("notfall")
    other = queue.issue("notfall")
    controller = make(queue)
    controller.sign_in()
    controller.perform("call_next")
    controller.scan(other["code"])
    assert not controller.view().can_call_scanned
    controller.call_scanned()
    assert controller.view().notice.text == "Finish ticket N001 first."
    assert queue.tickets[other["id"]]["status"] == "waiting"


@pytest.mark.parametrize(
    ("code", "message"),
    [
        ("https://evil.example/t/forged", "This code is not a ticket of this office."),
        ("\x00garbage", "This code is not a ticket of this office."),
        ("https://w.example/t/old-ticket", "This ticket is from an earlier day and no longer valid."),
        ("https://w.example/t/code999", "No such ticket."),
    ],
)
def test_bad_codes_get_a_clear_message(queue, code, message):
    controller = make(queue)
    controller.sign_in()
    controller.scan(code)
    view = controller.view()
    assert view.scanned is None
    assert (view.notice.kind, view.notice.text) == ("error", message)


def test_server_down_shows_the_banner_and_recovers_by_itself(queue):
    queue.issue("notfall")
    controller = make(queue)
    controller.sign_in()
    queue.down = True
    controller.perform("call_next")
    view = controller.view()
    assert view.offline and view.enabled == frozenset()
    assert view.notice.text == "No connection to the server. Your last step was not saved."
    controller.connection_changed(True)  # stream reconnected, but the server still fails
    assert controller.view().offline
    queue.down = False
    controller.connection_changed(True)
    view = controller.view()
    assert not view.offline and view.enabled == {"call_next"}
    assert view.notice.text == "Connected to the server again."


def test_a_dropped_event_stream_alone_does_not_show_the_banner(queue):
    controller = make(queue)
    controller.sign_in()
    controller.connection_changed(False)
    assert not controller.view().offline
    queue.down = True
    controller.connection_changed(False)
    assert controller.view().offline


def test_server_down_at_start_then_sign_in_succeeds_on_refresh(queue):
    queue.down = True
    controller = make(queue)
    assert not controller.sign_in()
    assert controller.view().phase == "signing_in" and controller.view().offline
    queue.down = False
    assert controller.refresh()
    assert controller.view().phase == "serving"


def test_events_update_waiting_counts_and_the_current_ticket(queue):
    ticket = queue.issue("notfall")
    controller = make(queue)
    controller.sign_in()
    controller.perform("call_next")
    service = {**queue.service_json("notfall"), "waiting": 7}
    controller.handle_event(ticket_event(1, "service.updated", service))
    assert controller.view().waiting[0].waiting == 7
    controller.handle_event(ticket_event(2, "ticket.updated", {**ticket, "status": "cancelled", "counter": "1"}))
    assert controller.view().current is None


def test_close_closes_the_counter_and_tolerates_a_dead_server(queue):
    controller = make(queue)
    controller.sign_in()
    controller.close()
    assert not queue.desks["1"]["open"]
    controller.connection_changed(True)  # a late event after the end of the shift
    assert not queue.desks["1"]["open"]
    controller.choose_counter("1")
    queue.down = True
    controller.close()  # must not raise


def test_an_unknown_counter_in_the_config_lets_the_clerk_pick_one(queue):
    controller = make(queue, counter_id="9")
    assert not controller.sign_in()
    view = controller.view()
    assert view.phase == "picking" and view.notice.text == "The server does not know this counter or ticket."
    assert controller.choose_counter("1") and controller.view().phase == "serving"


def test_the_buttons_are_what_the_server_allows_for_the_ticket(queue):
    # The counter keeps no rules of its own: a ticket the server lets only be finished offers only that.
    ticket = queue.issue("notfall")
    controller = make(queue)
    controller.sign_in()
    controller.perform("call_next")
    called = {**queue.tickets[ticket["id"]], "allowed_actions": ["finish"]}
    controller.handle_event(ticket_event(1, "ticket.recalled", called))
    assert controller.view().enabled == {"finish"}
    queue.calls.clear()
    controller.perform("recall")
    assert controller.view().notice.text == "Start serving ticket N001 first."
    assert queue.calls == []


def test_a_scanned_ticket_can_be_called_when_the_server_allows_calling_it(queue):
    ticket = queue.issue("notfall")
    controller = make(queue)
    controller.sign_in()
    controller.perform("call_next")
    controller.perform("no_show")
    controller.scan(ticket["code"])
    assert controller.view().scanned.status == "did not come"
    assert controller.view().can_call_scanned  # a late no-show may still be served: the server allows "call"
    closed = {**queue.tickets[ticket["id"]], "allowed_actions": []}
    controller.handle_event(ticket_event(1, "ticket.updated", closed))
    assert not controller.view().can_call_scanned


def test_the_clerk_sees_the_visitors_language_in_its_own_name_and_the_clerks(queue):
    arabic = queue.issue("notfall", language="ar")
    ukrainian = queue.issue("aufenthalt", language="uk")
    controller = make(queue)
    controller.sign_in()
    controller.perform("call_next")
    assert controller.view().current.number == arabic["number"]
    assert controller.view().current.language == "العربية / Arabisch"
    controller.scan(ukrainian["code"])
    assert controller.view().scanned.language == "Українська / Ukrainisch"


def test_a_visitor_speaking_the_clerks_language_is_named_once(queue):
    queue.issue("notfall", language="de")
    controller = make(queue)
    controller.sign_in()
    controller.perform("call_next")
    assert controller.view().current.language == "Deutsch"


def test_the_counter_is_named_in_the_clerks_language(queue):
    controller = CounterController(queue, translate=lambda s: s, language="ar", counter_id=None, now=lambda: NOW)
    controller.sign_in()
    assert controller.view().counters == (("1", "الشباك 1"), ("2", "الشباك 2"))
    controller.choose_counter("1")
    assert controller.view().counter_name == "الشباك 1"
    german = make(queue)
    german.sign_in()
    assert german.view().counter_name == "Schalter 1"

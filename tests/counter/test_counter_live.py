"""Counter flows against a real server process (the `live_server` fixture, config/demo-site.toml).

Counter "2" serves notfall and aufenthalt; a kiosk client draws the tickets, the controller works
with the staff token exactly as the app does.
"""

from __future__ import annotations

import queue
import threading
from urllib.parse import urlsplit

import pytest

from client import EventStream, QueueClient
from counter.controller import CounterController


@pytest.fixture
def kiosk(live_server):
    with QueueClient(live_server.url, live_server.tokens["kiosk"]) as client:
        yield client


@pytest.fixture
def staff(live_server):
    with QueueClient(live_server.url, live_server.tokens["staff"], timeout=2.0, retries=0) as client:
        yield client


@pytest.fixture
def counter(staff):
    controller = CounterController(staff, translate=lambda s: s, language="en", counter_id="2")
    assert controller.sign_in(), controller.notice
    yield controller
    controller.close()


def test_sign_in_opens_the_counter_and_close_closes_it(live_server, staff, counter):
    assert staff.counter("2").open is True
    assert [row.service for row in counter.view().waiting] == ["notfall", "aufenthalt"]
    counter.close()
    assert staff.counter("2").open is False


def test_whole_ticket_life(kiosk, staff, counter):
    ticket = kiosk.issue_ticket("notfall", "uk")
    counter.refresh()
    assert counter.view().waiting[0].waiting == 1
    counter.perform("call_next")
    view = counter.view()
    assert view.current.number == ticket.number and view.current.status == "called"
    counter.perform("recall")
    counter.perform("start")
    assert staff.ticket(ticket.id).status == "serving"
    counter.perform("finish")
    assert staff.ticket(ticket.id).status == "done"
    assert counter.view().current is None
    counter.perform("call_next")
    assert counter.view().notice.text == "Nobody is waiting for your concerns."


def test_scan_shows_the_ticket_and_calls_it_out_of_turn(kiosk, staff, counter):
    first = kiosk.issue_ticket("notfall", "de")
    second = kiosk.issue_ticket("aufenthalt", "ar")
    counter.scan(second.code.upper() + "\r\n")  # scanners may shout and add CRLF
    view = counter.view()
    assert view.notice is None or view.notice.kind == "info"
    assert view.scanned.number == second.number
    assert view.scanned.concern == "Residence permit (appointment)"
    assert view.scanned.status == "waiting" and view.scanned.since.startswith("waiting since")
    assert view.can_call_scanned
    counter.call_scanned()
    assert counter.view().current.number == second.number
    assert staff.ticket(first.id).status == "waiting"


def test_forged_and_garbage_codes_get_a_clear_message(kiosk, counter):
    ticket = kiosk.issue_ticket("notfall", "de")
    parts = urlsplit(ticket.code)
    token = parts.path.rsplit("/", 1)[1]
    forged = ticket.code.replace(token, token[:-2] + ("AA" if not token.endswith("AA") else "BB"))
    for code in (forged, "hello world", "\x00\x01"):
        counter.scan(code)
        view = counter.view()
        assert view.scanned is None, code
        assert view.notice.kind == "error", code
        assert view.notice.text in ("This code is not a ticket of this office.", "No such ticket."), code


def test_transfer_keeps_the_number_and_queues_for_the_other_concern(kiosk, staff, counter):
    ticket = kiosk.issue_ticket("notfall", "de")
    counter.perform("call_next")
    counter.perform("transfer", service="einbuergerung")
    after = staff.ticket(ticket.id)
    assert (after.service, after.status, after.number) == ("einbuergerung", "waiting", ticket.number)
    assert counter.view().current is None
    assert counter.view().notice.text == f"Ticket {ticket.number} now waits for: Naturalisation."


def test_a_409_from_the_server_is_a_message_not_a_crash(kiosk, staff, counter):
    ticket = kiosk.issue_ticket("notfall", "de")
    counter.perform("call_next")
    staff.no_show(ticket.id)  # another desk marks it meanwhile
    counter.perform("start")
    view = counter.view()
    assert view.notice.kind == "error"
    assert view.notice.text == f"Not possible now. Ticket {ticket.number}: did not come."
    assert view.current is None and view.enabled == {"call_next"}


def test_server_gone_and_back(live_server, kiosk, counter):
    kiosk.issue_ticket("notfall", "de")
    live_server.stop()
    counter.perform("call_next")
    assert counter.view().offline and counter.view().enabled == frozenset()
    live_server.start()
    counter.connection_changed(True)
    view = counter.view()
    assert not view.offline and view.notice.text == "Connected to the server again."
    counter.perform("call_next")
    assert counter.view().current is not None


def test_events_keep_waiting_counts_and_the_current_ticket_live(live_server, kiosk, staff, counter):
    changed = queue.Queue()
    counter.on_change = lambda: changed.put(True)
    stream = EventStream(live_server.url, live_server.tokens["staff"])  # the counter's own token

    def follow() -> None:
        for event in stream.events():
            counter.handle_event(event)

    reader = threading.Thread(target=follow, daemon=True)
    reader.start()
    try:

        def wait_for(condition) -> None:
            while not condition():
                changed.get(timeout=10)

        kiosk.issue_ticket("aufenthalt", "tr")
        wait_for(lambda: counter.view().waiting[1].waiting == 1)
        ticket = staff.call_next("2")  # e.g. the clerk's second screen, or a colleague's app
        wait_for(lambda: counter.view().current is not None)
        assert counter.view().current.number == ticket.number
        staff.cancel(ticket.id)
        wait_for(lambda: counter.view().current is None)
    finally:
        stream.close()
        reader.join(timeout=5)

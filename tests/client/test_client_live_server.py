"""The client against the real queue server process: every call the apps make, errors, retries, events."""

from __future__ import annotations

from pathlib import Path

import pytest
from client_stub_server import forward
from stream_reader import StreamReader

from client import EventStream, QueueClient
from client.backoff import Backoff
from client.errors import (
    ApiError,
    Forbidden,
    InvalidCode,
    InvalidTransition,
    NotFound,
    QuotaExhausted,
    RateLimited,
    Unauthorized,
    ValidationFailed,
)
from wartemarke.api_objects import Health

ROOT = Path(__file__).resolve().parents[2]
WAIT = 20.0  # seconds before a test gives up waiting for an event


def clients(server) -> tuple[QueueClient, QueueClient, QueueClient]:
    return (
        QueueClient(server.url, server.tokens["kiosk"]),
        QueueClient(server.url, server.tokens["staff"]),
        QueueClient(server.url, server.tokens["display"]),
    )


def test_a_whole_ticket_life_through_the_client(live_server) -> None:
    kiosk, staff, display = clients(live_server)
    assert kiosk.health() == Health(status="ok")
    assert "de" in kiosk.site().languages
    ticket = kiosk.issue_ticket("notfall", "uk")
    assert ticket.number == "N001"
    assert staff.open_counter("1").open is True

    called = staff.call_next("1")
    assert (called.id, called.status, called.counter) == (ticket.id, "called", "1")
    assert staff.recall(ticket.id).status == "called"
    assert staff.start(ticket.id).status == "serving"
    assert staff.finish(ticket.id).status == "done"
    assert staff.call_next("1") is None  # 204: nobody waits

    token = ticket.code.rstrip("/").rsplit("/", 1)[1]
    assert QueueClient(live_server.url, None).status(token).status == "done"
    assert display.board().calls[0].number == "N001"
    assert staff.counter("1").open is True
    assert staff.open_counter("4").open is True
    assert staff.close_counter("4").open is False


def test_transfer_scan_no_show_and_cancel_through_the_client(live_server) -> None:
    kiosk, staff, _ = clients(live_server)
    first = kiosk.issue_ticket("notfall", "ar")
    second = kiosk.issue_ticket("aufenthalt", "tr")

    moved = staff.transfer(first.id, "aufenthalt")
    assert (moved.service, moved.number, moved.status) == ("aufenthalt", first.number, "waiting")
    scanned = staff.scan(f"  {first.code.upper()}\r\n", "3")
    assert scanned.id == first.id
    assert staff.call(second.id, "3").status == "called"
    assert staff.no_show(second.id).status == "no_show"
    assert staff.cancel(first.id).status == "cancelled"
    assert {c.id for c in staff.counters()} == {"1", "2", "3", "4", "5"}

    report = kiosk.report_device_status("paper_near_end", "roll almost empty")
    assert report.status == "paper_near_end"
    assert any(d.status == "paper_near_end" for d in staff.devices())


@pytest.fixture
def strict_server(server_factory, tmp_path):
    """The demo site, but with one emergency slot a day and three tickets a minute per kiosk."""
    text = (ROOT / "config" / "demo-site.toml").read_text(encoding="utf-8")
    assert "quota = 75" in text and "kiosk_tickets_per_minute = 60" in text
    text = text.replace("quota = 75", "quota = 1")
    text = text.replace("kiosk_tickets_per_minute = 60", "kiosk_tickets_per_minute = 3")
    config = tmp_path / "strict-site.toml"
    config.write_text(text, encoding="utf-8")
    return server_factory(config=config)


def test_the_real_servers_errors_arrive_as_typed_exceptions(strict_server) -> None:
    kiosk, staff, display = clients(strict_server)
    first = kiosk.issue_ticket("notfall", "de")

    def raised(call) -> ApiError:
        with pytest.raises(ApiError) as caught:
            call()
        assert caught.value.message  # a sentence, never empty
        return caught.value

    cases = [
        (lambda: QueueClient(strict_server.url, "wm_not-a-token").services(), Unauthorized, 401, "unauthorized"),
        (lambda: kiosk.call_next("1"), Forbidden, 403, "forbidden"),
        (lambda: display.issue_ticket("notfall", "de"), Forbidden, 403, "forbidden"),
        (lambda: staff.ticket("no-such-ticket"), NotFound, 404, "not_found"),
        (lambda: staff.finish(first.id), InvalidTransition, 409, "invalid_transition"),
        (lambda: kiosk.issue_ticket("notfall", "Deutsch"), ValidationFailed, 422, "validation_error"),
        (lambda: staff.scan("garbage from a supermarket receipt", "1"), InvalidCode, 400, "invalid_code"),
    ]
    for call, error_type, status, code in cases:
        error = raised(call)
        assert (type(error), error.status, error.error) == (error_type, status, code), error

    quota = raised(lambda: kiosk.issue_ticket("notfall", "de"))
    assert isinstance(quota, QuotaExhausted) and quota.service == "notfall"

    # Three tickets a minute: the limit is reached within a few more attempts.
    with pytest.raises(RateLimited) as caught:
        for _ in range(5):
            kiosk.issue_ticket("aufenthalt", "de")
    assert caught.value.status == 429
    assert caught.value.retry_after is not None and caught.value.retry_after > 0


def test_an_issue_whose_answer_is_lost_is_retried_into_the_same_ticket(live_server, stub) -> None:
    # The server commits the ticket, the answer never reaches the kiosk; the retry must not draw another.
    stub.reply(forward(live_server.url, lose_answer=True), forward(live_server.url))
    kiosk = QueueClient(stub.url, live_server.tokens["kiosk"], retry_delay=0.01)
    ticket = kiosk.issue_ticket("notfall", "fa")
    assert len(stub.requests) == 2

    _, staff, _ = clients(live_server)
    notfall = next(s for s in staff.services() if s.id == "notfall")
    assert notfall.issued == 1
    assert staff.ticket(ticket.id).number == ticket.number == "N001"


def display_listener(server, **options: object) -> StreamReader:
    """The event stream as a display reads it, reconnecting quickly."""
    return StreamReader(
        server.url, server.tokens["display"], wait=WAIT, backoff=Backoff(initial=0.05, maximum=0.5), **options
    )


def test_the_stream_resumes_after_a_restart_without_missing_what_happened_meanwhile(server_factory) -> None:
    server = server_factory()
    kiosk, staff, _ = clients(server)
    listener = display_listener(server)
    assert listener.next_state() is True

    first = kiosk.issue_ticket("notfall", "de")
    assert listener.next_named("ticket.issued").payload.number == first.number

    server.stop()
    assert listener.next_state() is False
    # While this server is down, a second server process on the same database goes on issuing.
    other = server_factory(db_url=server.db_url, tokens=server.tokens)
    during = QueueClient(other.url, other.tokens["kiosk"]).issue_ticket("ukraine", "uk")
    QueueClient(other.url, other.tokens["staff"]).open_counter("5")
    called = QueueClient(other.url, other.tokens["staff"]).call_next("5")
    other.stop()

    server.start()
    assert listener.next_state() is True
    missed = listener.next_named("ticket.issued")
    assert missed.payload.number == during.number
    call = listener.next_named("ticket.called")
    assert (call.payload.number, call.payload.counter) == (called.number, "5")

    after = kiosk.issue_ticket("aufenthalt", "ru")
    assert listener.next_named("ticket.issued").payload.number == after.number
    listener.stop()
    assert listener.error is None


def test_a_stream_resumes_from_a_stored_event_id(live_server) -> None:
    kiosk, _, _ = clients(live_server)
    numbers = [kiosk.issue_ticket("einbuergerung", "en").number for _ in range(3)]
    listener = display_listener(live_server, last_event_id=0)
    replayed = [listener.next_named("ticket.issued").payload.number for _ in range(3)]
    listener.stop()
    assert replayed == numbers


def test_the_stream_raises_a_rejected_token(live_server) -> None:
    # (403 is covered against the stub: which roles may subscribe is the server's choice.)
    with pytest.raises(Unauthorized, match="unknown or has been revoked|token"):
        next(EventStream(live_server.url, "wm_revoked").events())

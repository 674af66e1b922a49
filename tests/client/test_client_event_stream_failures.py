"""EventStream against a scripted server: cut chunks, silent connections, refusals, close()."""

from __future__ import annotations

import json

import pytest
from client_stub_server import event_stream, json_reply
from stream_reader import StreamReader

from client import EventStream
from client.backoff import Backoff
from client.errors import Forbidden, Unauthorized
from wartemarke.api_objects import Service, TicketSummary


def sse(event_id: int, name: str, data: dict) -> bytes:
    return f"id: {event_id}\nevent: {name}\ndata: {json.dumps(data)}\n\n".encode()


def summary(number: str, **fields: object) -> dict:
    """A ticket as `ticket.*` events carry it."""
    return {
        "id": f"id-{number}",
        "number": number,
        "service": "notfall",
        "language": "de",
        "status": "waiting",
        "allowed_actions": ["call", "transfer", "cancel"],
        **fields,
    }


def test_events_cut_into_small_pieces_arrive_whole(stub) -> None:
    payload = (
        b": hello\n\n"
        + sse(1, "ticket.issued", summary("A001"))
        + sse(2, "ticket.called", summary("A001", status="called", counter_name="Schalter Ärger\nzwei Zeilen"))
    )
    pieces = [payload[i : i + 5] for i in range(0, len(payload), 5)]
    stub.reply(event_stream(*pieces, then="silent"))
    runner = StreamReader(stub.url)
    first, second = runner.take(2)
    runner.stop()
    assert (first.id, first.name, first.payload) == (1, "ticket.issued", TicketSummary(**summary("A001")))
    assert (second.id, second.name) == (2, "ticket.called")
    assert second.payload.counter_name == "Schalter Ärger\nzwei Zeilen"
    request = stub.requests[0]
    assert request.path == "/api/v1/events"
    assert request.headers["Authorization"] == "Bearer display-token"
    assert request.headers["Accept"] == "text/event-stream"
    assert "Last-Event-ID" not in request.headers


def test_a_silent_connection_is_replaced_and_resumes_after_the_last_event(stub) -> None:
    stub.reply(
        event_stream(sse(41, "ticket.called", summary("N041")), then="silent"),
        event_stream(sse(42, "ticket.called", summary("N042")), then="silent"),
    )
    runner = StreamReader(stub.url, silence_timeout=0.3)
    events = runner.take(2)
    runner.stop()
    assert [event.id for event in events] == [41, 42]
    assert stub.requests[1].headers["Last-Event-ID"] == "41"
    assert runner.states == [True, False, True, False]
    assert runner.stream.last_event_id == 42


def test_an_id_without_data_sets_the_position_to_resume_from(stub) -> None:
    # A server may announce where the stream stands; a display that saw no event yet resumes there.
    stub.reply(
        event_stream(b": connected\n\nid: 77\n\n", then="end"),
        event_stream(sse(78, "ticket.issued", summary("N078")), then="silent"),
    )
    runner = StreamReader(stub.url)
    (event,) = runner.take(1)
    runner.stop()
    assert event.id == 78
    assert stub.requests[1].headers["Last-Event-ID"] == "77"


def test_comments_keep_a_quiet_connection_alive(stub) -> None:
    # Pings more often than the silence timeout: the first connection must be kept.
    pings = [piece for _ in range(6) for piece in (0.1, b": ping\n\n")]
    service = {"id": "notfall", "prefix": "N", "names": {"de": "Notfall"}, "open": True}
    stub.reply(event_stream(*pings, sse(1, "service.updated", service), then="silent"))
    runner = StreamReader(stub.url, silence_timeout=0.4)
    (event,) = runner.take(1)
    runner.stop()
    assert event.name == "service.updated" and event.payload == Service(**service)
    assert len(stub.requests) == 1


def test_a_stream_started_from_a_stored_id_asks_for_what_came_after(stub) -> None:
    stub.reply(event_stream(sse(101, "ticket.issued", summary("U012")), then="silent"))
    runner = StreamReader(stub.url, "t", last_event_id=100)
    runner.take(1)
    runner.stop()
    assert stub.requests[0].headers["Last-Event-ID"] == "100"


def test_an_ended_stream_and_a_503_are_followed_by_reconnects(stub) -> None:
    stub.reply(
        event_stream(sse(1, "ticket.issued", summary("E001"))),  # then the server hangs up
        json_reply(503, {"error": "unavailable", "message": "restarting"}),
        event_stream(sse(2, "ticket.issued", summary("E002")), then="silent"),
    )
    runner = StreamReader(stub.url)
    events = runner.take(2)
    runner.stop()
    assert [event.payload.number for event in events] == ["E001", "E002"]
    assert [request.headers.get("Last-Event-ID") for request in stub.requests] == [None, "1", "1"]
    assert runner.states == [True, False, True, False]


@pytest.mark.parametrize(("status", "error_type"), [(401, Unauthorized), (403, Forbidden)])
def test_a_rejected_token_is_raised_not_retried_forever(stub, status, error_type) -> None:
    states: list[bool] = []
    stub.reply(json_reply(status, {"error": error_type.__name__.lower(), "message": "Token rejected."}))
    stream = EventStream(stub.url, "display-token", on_state=states.append)
    with pytest.raises(error_type, match="Token rejected"):
        next(stream.events())
    assert len(stub.requests) == 1
    assert states == [False]


def test_malformed_events_are_skipped_without_ending_the_stream(stub, caplog) -> None:
    stub.reply(
        event_stream(
            b"id: 1\nevent: ticket.issued\ndata: not json\n\n",
            b'id: x\nevent: ticket.issued\ndata: {"a": 1}\n\n',
            sse(3, "ticket.issued", {"number": "A003"}),  # not a ticket summary: no id, service, ...
            sse(4, "ticket.called", summary("A004", called_at="yesterday-ish")),
            sse(5, "ticket.updated", summary("A005", status="lost")),
            sse(6, "queue.reshuffled", {"number": "A006"}),  # a kind of event a newer server may send
            sse(7, "ticket.issued", summary("A007")),
            then="silent",
        )
    )
    runner = StreamReader(stub.url)
    (event,) = runner.take(1)
    runner.stop()
    assert (event.id, event.payload.number) == (7, "A007")
    assert runner.stream.last_event_id == 7  # never asked for again after a reconnect
    warnings = [record.getMessage() for record in caplog.records if record.levelname == "WARNING"]
    assert len(warnings) == 5 and "without an integer id" in warnings[1]
    assert all(f"skipped event {n} " in " ".join(warnings) for n in (1, 3, 4, 5))  # the new kind (6) is no fault


def test_close_from_another_thread_ends_a_blocked_read(stub) -> None:
    # Default silence timeout (35 s): only close() can end this read in time.
    stub.reply(event_stream(sse(1, "ticket.issued", summary("N001")), then="silent"))
    runner = StreamReader(stub.url)
    runner.take(1)
    runner.stop()
    assert runner.error is None
    assert runner.states == [True, False]
    assert not runner.stream.connected


def test_close_during_backoff_ends_the_stream(closed_port_url) -> None:
    runner = StreamReader(closed_port_url, backoff=Backoff(initial=30.0, maximum=30.0))
    assert runner.next_state() is False  # the first (refused) attempt; now it waits 15-30 s
    runner.stop()
    assert runner.states == [False]

"""The text/event-stream parser: events come out whole however the bytes were cut."""

from __future__ import annotations

import pytest

from client.sse_parser import SseMessage, SseParser

STREAM = (
    ": ping\n"
    "id: 7\n"
    "event: ticket.called\n"
    'data: {"number": "N017",\n'
    'data:  "counter_name": "Schalter 3 – Ärztin"}\n'
    "\n"
    ": ping\n\n"
    "id: 8\n"
    "event: service.updated\n"
    'data: {"id": "notfall"}\n'
    "\n"
).encode()

EXPECTED = [
    SseMessage("ticket.called", '{"number": "N017",\n "counter_name": "Schalter 3 – Ärztin"}', "7"),
    SseMessage("service.updated", '{"id": "notfall"}', "8"),
]


def feed_all(pieces: list[bytes]) -> list[SseMessage]:
    parser = SseParser()
    return [message for piece in pieces for message in parser.feed(piece)]


def test_multi_line_data_is_joined_with_newlines_and_comments_are_ignored() -> None:
    assert feed_all([STREAM]) == EXPECTED


@pytest.mark.parametrize("size", [1, 2, 3, 7, 64])
def test_any_cut_gives_the_same_events(size: int) -> None:
    # Cuts fall inside lines, inside "\r\n" pairs and inside the multi-byte "–" and "Ä".
    for stream in (STREAM, STREAM.replace(b"\n", b"\r\n"), STREAM.replace(b"\n", b"\r")):
        pieces = [stream[i : i + size] for i in range(0, len(stream), size)]
        assert feed_all(pieces) == EXPECTED


def test_an_event_is_only_dispatched_at_the_blank_line() -> None:
    parser = SseParser()
    assert parser.feed(b'id: 1\nevent: ticket.issued\ndata: {"a": 1}\n') == []
    assert parser.feed(b"\n") == [SseMessage("ticket.issued", '{"a": 1}', "1")]


def test_spec_details_bom_no_space_default_name_and_kept_id() -> None:
    stream = b'\xef\xbb\xbfid:3\ndata:{"x": 1}\n\ndata: {"y": 2}\n\n'
    assert feed_all([stream]) == [
        SseMessage("message", '{"x": 1}', "3"),
        SseMessage("message", '{"y": 2}', "3"),  # no id: line -> the stream's last id stays
    ]


def test_an_event_without_data_is_not_dispatched_but_its_id_counts() -> None:
    parser = SseParser()
    assert parser.feed(b"id: 9\nevent: ticket.issued\n\n") == []
    assert parser.last_event_id == "9"


def test_unknown_fields_and_a_half_event_at_the_end_are_dropped() -> None:
    parser = SseParser()
    assert parser.feed(b'retry: 1000\nfoo: bar\nid: 4\ndata: {"a": 1}\n\nid: 5\ndata: {"half') == [
        SseMessage("message", '{"a": 1}', "4")
    ]

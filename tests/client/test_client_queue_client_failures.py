"""QueueClient against a scripted server: retries, idempotency keys and typed errors on bad days."""

from __future__ import annotations

import threading
import uuid

import pytest
from client_stub_server import (
    drop_connection,
    echo_path_reply,
    empty_reply,
    json_reply,
    stall,
    text_reply,
)

from client import QueueClient
from client.errors import (
    ApiError,
    Expired,
    Forbidden,
    InvalidCode,
    InvalidTransition,
    MalformedAnswer,
    NotFound,
    QuotaExhausted,
    RateLimited,
    ServerUnavailable,
    ServiceClosed,
    Unauthorized,
    ValidationFailed,
)
from wartemarke.api_objects import Ticket

TICKET = {
    "id": "t1",
    "number": "N001",
    "service": "notfall",
    "language": "uk",
    "status": "waiting",
    "issued_at": "2026-11-21T07:31:02+01:00",
    "code": "https://wartemarke.example.de/t/tok1",
    "status_url": "https://wartemarke.example.de/t/tok1",
    "allowed_actions": ["call", "transfer", "cancel"],
}


def make_client(url: str, **options: object) -> QueueClient:
    options = {"timeout": 0.5, "retries": 2, "retry_delay": 0.01, **options}
    return QueueClient(url, "secret-token", **options)


def idempotency_keys(stub) -> list[str]:
    return [request.headers.get("Idempotency-Key", "") for request in stub.requests]


@pytest.mark.parametrize(
    "first_failure",
    [
        json_reply(503, {"error": "unavailable", "message": "db busy"}),
        text_reply(502, "bad gateway"),
        drop_connection(),
        stall(2.0),
    ],
    ids=["503", "502-html", "dropped-connection", "read-timeout"],
)
def test_issue_ticket_retries_with_the_same_generated_key(stub, first_failure) -> None:
    stub.reply(first_failure, json_reply(201, TICKET))
    ticket = make_client(stub.url).issue_ticket("notfall", "uk")
    assert ticket == Ticket.model_validate(TICKET)
    keys = idempotency_keys(stub)
    assert len(keys) == 2
    assert keys[0] == keys[1]
    uuid.UUID(keys[0])  # a fresh uuid4, not an empty or constant key
    assert stub.requests[1].json() == {"service": "notfall", "language": "uk"}


def test_each_issue_gets_its_own_key_and_a_given_key_is_kept(stub) -> None:
    stub.reply(json_reply(201, TICKET))
    client = make_client(stub.url)
    client.issue_ticket("notfall", "de")
    client.issue_ticket("notfall", "de")
    client.issue_ticket("notfall", "de", idempotency_key="visitor-42")
    keys = idempotency_keys(stub)
    assert keys[0] != keys[1]
    assert keys[2] == "visitor-42"


def test_a_server_that_keeps_failing_ends_in_server_unavailable(stub) -> None:
    stub.reply(json_reply(503, {"error": "unavailable", "message": "The database does not answer."}))
    with pytest.raises(ServerUnavailable) as caught:
        make_client(stub.url, retries=2).issue_ticket("notfall", "de")
    assert caught.value.status == 503
    assert len(stub.requests) == 3
    assert len(set(idempotency_keys(stub))) == 1


def test_an_unreachable_server_is_server_unavailable_with_a_plain_reason(closed_port_url) -> None:
    with pytest.raises(ServerUnavailable) as caught:
        make_client(closed_port_url, retries=1).services()
    assert caught.value.status is None
    assert "refused" in caught.value.message
    assert isinstance(caught.value, ApiError)


def test_a_500_is_server_unavailable_without_replay(stub) -> None:
    stub.reply(json_reply(500, {"error": "internal", "message": "boom"}))
    with pytest.raises(ServerUnavailable):
        make_client(stub.url).services()
    assert len(stub.requests) == 1


@pytest.mark.parametrize(
    ("status", "body", "error_type", "code"),
    [
        (400, {"error": "invalid_code", "message": "Not one of our tickets."}, InvalidCode, "invalid_code"),
        (401, {"error": "unauthorized", "message": "Unknown token."}, Unauthorized, "unauthorized"),
        (403, {"error": "forbidden", "message": "Kiosks may not call."}, Forbidden, "forbidden"),
        (404, {"error": "not_found", "message": "No such service."}, NotFound, "not_found"),
        (409, {"error": "service_closed", "message": "Closed today."}, ServiceClosed, "service_closed"),
        (409, {"error": "invalid_transition", "message": "Not called."}, InvalidTransition, "invalid_transition"),
        (410, {"error": "expired", "message": "From yesterday."}, Expired, "expired"),
        (422, {"error": "validation_error", "message": "language missing"}, ValidationFailed, "validation_error"),
    ],
)
def test_client_errors_are_typed_and_never_retried(stub, status, body, error_type, code) -> None:
    stub.reply(json_reply(status, body))
    with pytest.raises(error_type) as caught:
        make_client(stub.url).issue_ticket("notfall", "de")
    assert (caught.value.status, caught.value.error, caught.value.message) == (status, code, body["message"])
    assert len(stub.requests) == 1


def test_quota_exhausted_names_the_service(stub) -> None:
    stub.reply(json_reply(409, {"error": "quota_exhausted", "message": "No slots left today.", "service": "notfall"}))
    with pytest.raises(QuotaExhausted) as caught:
        make_client(stub.url).issue_ticket("notfall", "ar")
    assert caught.value.service == "notfall"
    assert caught.value.message == "No slots left today."


def test_rate_limited_carries_retry_after(stub) -> None:
    stub.reply(json_reply(429, {"error": "rate_limited", "message": "Too fast."}, {"Retry-After": "7"}))
    with pytest.raises(RateLimited) as caught:
        make_client(stub.url).issue_ticket("notfall", "de")
    assert caught.value.retry_after == 7
    assert len(stub.requests) == 1


def test_an_error_page_without_json_still_becomes_a_typed_error(stub) -> None:
    stub.reply(text_reply(404, "<html>nginx: not found</html>"))
    with pytest.raises(NotFound) as caught:
        make_client(stub.url).services()
    assert caught.value.error == "not_found"
    assert "404" in caught.value.message


def test_a_non_json_success_means_the_url_points_elsewhere(stub) -> None:
    stub.reply(text_reply(200, "<html>captive portal</html>"))
    with pytest.raises(ServerUnavailable, match="not JSON"):
        make_client(stub.url).services()


@pytest.mark.parametrize(
    "answer",
    [
        {key: value for key, value in TICKET.items() if key != "code"},
        {**TICKET, "status": "lost"},
        {**TICKET, "issued_at": "yesterday-ish"},
        [TICKET],
    ],
    ids=["field-missing", "unknown-status", "garbled-time", "list-instead-of-object"],
)
def test_an_answer_that_is_not_the_promised_object_is_a_clear_failure(stub, answer) -> None:
    # Like a non-JSON answer: the app cannot use it, so it must not get half a ticket to work on.
    stub.reply(json_reply(201, answer))
    with pytest.raises(MalformedAnswer, match=r"POST /api/v1/tickets .*cannot read") as caught:
        make_client(stub.url).issue_ticket("notfall", "uk")
    assert isinstance(caught.value, ServerUnavailable)
    assert len(stub.requests) == 1


def test_a_list_answer_is_checked_item_by_item(stub) -> None:
    service = {"id": "notfall", "prefix": "N", "names": {"de": "Notfall"}, "open": True}
    stub.reply(json_reply(200, [service, {**service, "next_open": "not a date"}]))
    with pytest.raises(MalformedAnswer, match=r"1\.next_open"):
        make_client(stub.url).services()


def test_call_next_returns_none_when_nobody_waits(stub) -> None:
    stub.reply(empty_reply(204))
    assert make_client(stub.url).call_next("3") is None
    assert stub.requests[0].method == "POST"
    assert stub.requests[0].path == "/api/v1/counters/3/call-next"


@pytest.mark.parametrize(
    "lost_answer",
    [stall(2.0), drop_connection(), json_reply(503, {"error": "x", "message": "y"})],
    ids=["read-timeout", "dropped-connection", "503"],
)
def test_call_next_is_not_replayed_when_the_server_may_have_called_someone(stub, lost_answer) -> None:
    # A second attempt could call a second visitor while the first one's call is lost.
    stub.reply(lost_answer, json_reply(200, TICKET))
    with pytest.raises(ServerUnavailable):
        make_client(stub.url).call_next("1")
    assert len(stub.requests) == 1


def test_call_next_is_retried_when_the_connection_was_refused(closed_port_url) -> None:
    # Nothing reached the server, so the client tries again — and finally reports it unreachable.
    with pytest.raises(ServerUnavailable, match="refused"):
        make_client(closed_port_url, retries=1).call_next("1")


def test_requests_carry_the_token_and_ids_cannot_escape_their_path(stub) -> None:
    stub.reply(json_reply(200, TICKET))
    client = make_client(stub.url)
    client.ticket("../counters/1")
    client.transfer("t1", "aufenthalt")
    first, second = stub.requests
    assert first.headers["Authorization"] == "Bearer secret-token"
    assert first.path == "/api/v1/tickets/..%2Fcounters%2F1"
    assert (second.path, second.json()) == ("/api/v1/tickets/t1/transfer", {"service": "aufenthalt"})


def test_concurrent_calls_from_several_threads_get_their_own_answers(stub) -> None:
    stub.reply(echo_path_reply(TICKET))
    client = make_client(stub.url, timeout=5.0)
    mismatches: list[str] = []

    def worker(n: int) -> None:
        for i in range(10):
            ticket_id = f"t{n}-{i}"
            answer = client.ticket(ticket_id)
            if answer.id != f"/api/v1/tickets/{ticket_id}":
                mismatches.append(ticket_id)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert mismatches == []
    assert len(stub.requests) == 80
    client.close()


def test_a_bad_url_is_refused_when_the_client_is_made() -> None:
    with pytest.raises(ValueError, match="localhost:8000"):
        QueueClient("localhost:8000", "t")

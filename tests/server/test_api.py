"""The HTTP contract of API.md, tested from the outside against a real server process."""

from __future__ import annotations

import re
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tests.server.sse import SseStream, read_events

V1 = "/api/v1"


def call(server, method: str, path: str, role: str | None = None, **kwargs) -> requests.Response:
    headers = dict(kwargs.pop("headers", {}))
    if role:
        headers["Authorization"] = f"Bearer {server.tokens[role]}"
    return requests.request(method, f"{server.url}{path}", headers=headers, timeout=10, **kwargs)


def issue(server, service: str = "notfall", language: str = "uk", key: str | None = None) -> requests.Response:
    return call(
        server,
        "POST",
        f"{V1}/tickets",
        "kiosk",
        json={"service": service, "language": language},
        headers={"Idempotency-Key": key or str(uuid.uuid4())},
    )


def act(server, ticket_id: str, action: str, **body) -> requests.Response:
    return call(server, "POST", f"{V1}/tickets/{ticket_id}/{action}", "staff", json=body or None)


def services(server) -> dict[str, dict]:
    return {s["id"]: s for s in call(server, "GET", f"{V1}/services", "display").json()}


def assert_error(response: requests.Response, status: int, error: str) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"] == error
    assert isinstance(body["message"], str) and len(body["message"]) > 10
    return body


class TestTicketLife:
    def test_issue_call_start_finish(self, api_server):
        ticket = issue(api_server, "aufenthalt", "ar").json()
        assert ticket["number"] == "A001"
        assert ticket["status"] == "waiting" and ticket["language"] == "ar"
        assert ticket["code"] == ticket["status_url"] and "/t/" in ticket["code"]
        assert ticket["position"] == 0

        called = call(api_server, "POST", f"{V1}/counters/3/call-next", "staff")
        assert called.status_code == 200
        assert called.json()["id"] == ticket["id"]
        assert called.json()["status"] == "called" and called.json()["counter"] == "3"
        assert act(api_server, ticket["id"], "recall").json()["status"] == "called"
        assert act(api_server, ticket["id"], "start").json()["status"] == "serving"
        assert act(api_server, ticket["id"], "finish").json()["status"] == "done"
        # Nobody else waits for counter 3's services.
        assert call(api_server, "POST", f"{V1}/counters/3/call-next", "staff").status_code == 204

    def test_no_show_and_a_late_visitor_called_again(self, api_server):
        ticket = issue(api_server).json()
        act(api_server, ticket["id"], "call", counter="1")
        assert act(api_server, ticket["id"], "no-show").json()["status"] == "no_show"
        assert act(api_server, ticket["id"], "call", counter="5").json()["status"] == "called"

    def test_transfer_keeps_the_number_and_the_place(self, api_server):
        first = issue(api_server, "notfall").json()
        later = issue(api_server, "einbuergerung").json()
        call(api_server, "POST", f"{V1}/counters/1/call-next", "staff")
        moved = act(api_server, first["id"], "transfer", service="einbuergerung").json()
        assert (moved["number"], moved["service"], moved["status"]) == ("N001", "einbuergerung", "waiting")
        assert moved["counter"] is None
        # It was queued earlier than the naturalisation ticket, so it is called first there.
        assert call(api_server, "POST", f"{V1}/counters/4/call-next", "staff").json()["id"] == first["id"]
        assert call(api_server, "POST", f"{V1}/counters/4/call-next", "staff").json()["id"] == later["id"]

    def test_cancel(self, api_server):
        ticket = issue(api_server).json()
        assert act(api_server, ticket["id"], "cancel").json()["status"] == "cancelled"
        assert services(api_server)["notfall"]["waiting"] == 0

    def test_calling_next_finishes_the_previous_visitor_at_that_counter(self, api_server):
        a, b = issue(api_server).json(), issue(api_server).json()
        call(api_server, "POST", f"{V1}/counters/1/call-next", "staff")
        call(api_server, "POST", f"{V1}/counters/1/call-next", "staff")
        assert call(api_server, "GET", f"{V1}/tickets/{a['id']}", "staff").json()["status"] == "done"
        assert call(api_server, "GET", f"{V1}/counters/1", "staff").json()["current"]["id"] == b["id"]

    def test_position_and_wait_follow_the_queue(self, api_server):
        call(api_server, "POST", f"{V1}/counters/2/open", "staff")
        tickets = [issue(api_server, "aufenthalt").json() for _ in range(3)]
        assert [t["position"] for t in tickets] == [0, 1, 2]
        assert all(t["wait"] is not None for t in tickets)
        assert tickets[2]["wait"]["high_min"] > tickets[0]["wait"]["high_min"]
        einb = issue(api_server, "einbuergerung").json()
        assert einb["wait"] is None  # no counter open for naturalisation: "unknown", never 0
        call(api_server, "POST", f"{V1}/counters/2/call-next", "staff")
        assert call(api_server, "GET", f"{V1}/tickets/{tickets[2]['id']}", "staff").json()["position"] == 1


class TestQuota:
    def test_exhausted_quota_answers_409_and_changes_nothing(self, api_server):
        numbers = [issue(api_server).json()["number"] for _ in range(3)]
        assert numbers == ["N001", "N002", "N003"]
        before = services(api_server)["notfall"]
        assert (before["remaining"], before["open"], before["closed_reason"]) == (0, False, "quota_exhausted")
        assert before["next_open"] is not None

        body = assert_error(issue(api_server), 409, "quota_exhausted")
        assert body["service"] == "notfall"
        after = services(api_server)["notfall"]
        assert (after["issued"], after["waiting"], after["remaining"]) == (3, 3, 0)
        # Other services are unaffected.
        assert issue(api_server, "aufenthalt").status_code == 201

    def test_racing_requests_get_exactly_the_quota(self, api_server):
        with ThreadPoolExecutor(max_workers=12) as pool:
            responses = list(pool.map(lambda _: issue(api_server), range(24)))
        created = [r.json()["number"] for r in responses if r.status_code == 201]
        refused = [r for r in responses if r.status_code == 409]
        assert sorted(created) == ["N001", "N002", "N003"]
        assert len(refused) == 21

    def test_a_switched_off_service_is_closed(self, api_server):
        import subprocess
        import sys

        from launcher.live_server import ROOT

        subprocess.run(
            [
                sys.executable,
                "-m",
                "launcher",
                "admin",
                "service",
                "close",
                "ukraine",
                "--db",
                api_server.db_url,
                "--config",
                str(api_server.config_path),
            ],
            check=True,
            capture_output=True,
            cwd=ROOT,
        )
        body = assert_error(issue(api_server, "ukraine"), 409, "service_closed")
        assert body["reason"] == "switched_off"
        assert services(api_server)["ukraine"]["closed_reason"] == "switched_off"


class TestIdempotency:
    def test_the_same_key_returns_the_same_ticket_and_uses_no_quota(self, api_server):
        key = str(uuid.uuid4())
        first = issue(api_server, key=key)
        again = issue(api_server, key=key)
        assert first.status_code == 201 and again.status_code in (200, 201)
        assert again.json()["id"] == first.json()["id"] and again.json()["number"] == "N001"
        assert services(api_server)["notfall"]["issued"] == 1

    def test_concurrent_retries_with_one_key_make_one_ticket(self, api_server):
        key = str(uuid.uuid4())
        with ThreadPoolExecutor(max_workers=8) as pool:
            responses = list(pool.map(lambda _: issue(api_server, key=key), range(8)))
        # Every answer a ticket (201 the first, 200 the repeats), named in full should one not be.
        assert all(r.status_code in (200, 201) for r in responses), [(r.status_code, r.text) for r in responses]
        assert {r.json()["id"] for r in responses} == {responses[0].json()["id"]}
        assert services(api_server)["notfall"]["issued"] == 1

    @pytest.mark.parametrize(
        "service, language", [("aufenthalt", "uk"), ("notfall", "ar")], ids=["other service", "other language"]
    )
    def test_the_same_key_with_a_different_body_is_refused_and_names_the_key(self, api_server, service, language):
        key = str(uuid.uuid4())
        first = issue(api_server, "notfall", "uk", key=key).json()
        reused = issue(api_server, service, language, key=key)
        body = assert_error(reused, 422, "idempotency_key_reused")
        assert key in body["message"]
        assert (services(api_server)[service]["issued"], services(api_server)["notfall"]["issued"]) == (
            int(service == "notfall"),
            1,
        )
        # The first request, sent again as it was, still gets its ticket.
        assert issue(api_server, "notfall", "uk", key=key).json()["id"] == first["id"]

    def test_one_key_with_two_bodies_at_once_gives_one_ticket_and_one_refusal(self, api_server):
        key = str(uuid.uuid4())
        bodies = [("notfall", "uk"), ("aufenthalt", "uk")] * 4
        with ThreadPoolExecutor(max_workers=8) as pool:
            answers = list(pool.map(lambda body: issue(api_server, *body, key=key), bodies))
        tickets = {a.json()["id"] for a in answers if a.status_code in (200, 201)}
        refused = {a.json()["error"] for a in answers if a.status_code == 422}
        assert len(tickets) == 1 and refused == {"idempotency_key_reused"}
        issued = services(api_server)
        assert issued["notfall"]["issued"] + issued["aufenthalt"]["issued"] == 1

    @pytest.mark.parametrize("key", ["two words", "x" * 129, "", "schlüssel"])
    def test_a_malformed_key_is_422_and_uses_no_quota(self, api_server, key):
        response = call(
            api_server,
            "POST",
            f"{V1}/tickets",
            "kiosk",
            json={"service": "notfall", "language": "uk"},
            headers={"Idempotency-Key": key.encode("utf-8")},
        )
        assert "Idempotency-Key" in assert_error(response, 422, "validation_error")["message"]
        assert services(api_server)["notfall"]["issued"] == 0

    def test_a_key_is_per_kiosk(self, api_server, tmp_path):
        from launcher.live_server import create_tokens

        other = create_tokens(api_server.db_url, api_server.config_path, ("kiosk",))["kiosk"]
        key = str(uuid.uuid4())
        mine = issue(api_server, key=key).json()
        theirs = requests.post(
            f"{api_server.url}{V1}/tickets",
            json={"service": "notfall", "language": "de"},
            timeout=10,
            headers={"Authorization": f"Bearer {other}", "Idempotency-Key": key},
        ).json()
        assert mine["id"] != theirs["id"]


class TestRateLimit:
    def test_a_kiosk_that_issues_too_fast_is_told_when_to_retry(self, server_factory, tmp_path):
        from tests.server.conftest import site_variant

        server = server_factory(config=site_variant(tmp_path, quota=50, rate=4))
        assert [issue(server).status_code for _ in range(4)] == [201] * 4
        limited = issue(server)
        assert_error(limited, 429, "rate_limited")
        assert 1 <= int(limited.headers["Retry-After"]) <= 61
        assert services(server)["notfall"]["issued"] == 4


ROLE_MATRIX = [
    # (method, path, body, roles allowed besides admin)
    ("GET", "/services", None, {"kiosk", "display", "staff"}),
    ("GET", "/site", None, {"kiosk", "display", "staff"}),
    ("POST", "/tickets", {"service": "aufenthalt", "language": "de"}, {"kiosk"}),
    ("GET", "/tickets/{id}", None, {"staff"}),
    ("POST", "/counters/2/call-next", None, {"staff"}),
    ("POST", "/tickets/{id}/call", {"counter": "2"}, {"staff"}),
    ("POST", "/tickets/{id}/recall", None, {"staff"}),
    ("POST", "/tickets/{id}/start", None, {"staff"}),
    ("POST", "/tickets/{id}/finish", None, {"staff"}),
    ("POST", "/tickets/{id}/no-show", None, {"staff"}),
    ("POST", "/tickets/{id}/transfer", {"service": "ukraine"}, {"staff"}),
    ("POST", "/tickets/{id}/cancel", None, {"staff"}),
    ("POST", "/scan", {"code": "{code}", "counter": "2"}, {"staff"}),
    ("GET", "/board", None, {"kiosk", "display", "staff"}),
    ("GET", "/counters", None, {"kiosk", "display", "staff"}),
    ("POST", "/counters/2/open", None, {"staff"}),
    ("POST", "/counters/2/close", None, {"staff"}),
    ("POST", "/devices/status", {"status": "ok"}, {"kiosk", "display", "staff"}),
    ("GET", "/devices", None, {"staff"}),
]


class TestRoles:
    def test_every_endpoint_by_no_token_unknown_token_wrong_role_and_right_role(self, api_server):
        for method, path, body, allowed in ROLE_MATRIX:
            for role in ("none", "bogus", "kiosk", "display", "staff", "admin"):
                ticket = issue(api_server, "aufenthalt").json()
                url = path.replace("{id}", ticket["id"])
                payload = None if body is None else {k: v.replace("{code}", ticket["code"]) for k, v in body.items()}
                headers = {"Idempotency-Key": str(uuid.uuid4())}
                if role == "bogus":
                    headers["Authorization"] = "Bearer wm_not-a-real-token"
                elif role != "none":
                    headers["Authorization"] = f"Bearer {api_server.tokens[role]}"
                if path.endswith(("/start", "/finish", "/no-show", "/recall")):
                    act(api_server, ticket["id"], "call", counter="3")
                response = requests.request(
                    method, f"{api_server.url}{V1}{url}", json=payload, headers=headers, timeout=10
                )
                where = f"{method} {path} as {role}"
                if role in ("none", "bogus"):
                    assert response.status_code == 401, where
                    assert response.json()["error"] == "unauthorized", where
                elif role == "admin" or role in allowed:
                    assert response.status_code in (200, 201, 204), f"{where}: {response.text}"
                else:
                    assert response.status_code == 403, where
                    assert response.json()["error"] == "forbidden", where

    def test_events_need_a_token(self, api_server):
        assert call(api_server, "GET", f"{V1}/events").status_code == 401
        assert call(api_server, "GET", f"{V1}/events", headers={"Authorization": "Bearer nope"}).status_code == 401

    def test_health_and_status_need_no_token_and_openapi_is_published(self, api_server):
        assert call(api_server, "GET", f"{V1}/health").json() == {"status": "ok"}
        ticket = issue(api_server).json()
        token = ticket["code"].rsplit("/", 1)[1]
        status = call(api_server, "GET", f"{V1}/status/{token}").json()
        assert status["number"] == ticket["number"] and status["status"] == "waiting"
        assert "id" not in status and "code" not in status
        spec = call(api_server, "GET", "/openapi.json").json()
        assert {"/api/v1/tickets", "/api/v1/scan", "/api/v1/events", "/api/v1/devices/status"} <= set(spec["paths"])

    def test_metrics_need_admin(self, api_server):
        issue(api_server)
        assert call(api_server, "GET", "/metrics", "staff").status_code == 403
        text = call(api_server, "GET", "/metrics", "admin").text
        assert 'wartemarke_tickets_issued_total{service="notfall",site="demo"} 1.0' in text
        assert 'wartemarke_waiting{service="notfall",site="demo"} 1.0' in text


class TestCodes:
    def test_scan_accepts_url_or_token_in_any_case_with_line_endings(self, api_server):
        ticket = issue(api_server).json()
        token = ticket["code"].rsplit("/", 1)[1]
        for text in (ticket["code"], ticket["code"].upper(), token.upper(), f" {ticket['code']}\r\n", f"{token}\n"):
            response = call(api_server, "POST", f"{V1}/scan", "staff", json={"code": text, "counter": "1"})
            assert response.status_code == 200, text
            assert response.json()["id"] == ticket["id"]

    @pytest.mark.parametrize("mangle", ["forged", "truncated", "garbage", "foreign_url"])
    def test_forged_truncated_and_garbage_codes(self, api_server, mangle):
        code = issue(api_server).json()["code"]
        last = code[-1]
        text = {
            "forged": code[:-1] + ("a" if last != "a" else "b"),
            "truncated": code[:-5],
            "garbage": "]C1\x1d0104012345678901",
            "foreign_url": "https://example.org/t/hello",
        }[mangle]
        assert_error(
            call(api_server, "POST", f"{V1}/scan", "staff", json={"code": text, "counter": "1"}), 400, "invalid_code"
        )
        token = text.rsplit("/", 1)[-1] or "x"
        assert_error(
            call(api_server, "GET", f"{V1}/status/{requests.utils.quote(token, safe='')}"), 400, "invalid_code"
        )

    def test_scan_at_an_unknown_counter(self, api_server):
        code = issue(api_server).json()["code"]
        assert_error(
            call(api_server, "POST", f"{V1}/scan", "staff", json={"code": code, "counter": "99"}), 404, "not_found"
        )

    def test_phone_page_is_in_the_tickets_language(self, api_server):
        ticket = issue(api_server, language="uk").json()
        page = requests.get(ticket["code"].replace("http://127.0.0.1:8000", api_server.url), timeout=10)
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        assert 'lang="uk"' in page.text and "N001" in page.text and "Будь ласка, зачекайте" in page.text
        assert "Ви наступні." in page.text  # position 0: the ticket's words, not "0 people ahead"
        arabic = issue(api_server, language="ar").json()
        page = requests.get(arabic["code"].replace("http://127.0.0.1:8000", api_server.url), timeout=10)
        words = re.sub(r"<[^>]+>", "", page.text)  # the number sits in its own element, updated live
        assert 'dir="rtl"' in page.text and "يرجى الانتظار" in words and "عدد الأشخاص قبلك: 1" in words


class TestBadInput:
    def test_invalid_transitions_are_409_and_change_nothing(self, api_server):
        ticket = issue(api_server).json()
        body = assert_error(act(api_server, ticket["id"], "finish"), 409, "invalid_transition")
        assert "N001" in body["message"]
        assert_error(act(api_server, ticket["id"], "start"), 409, "invalid_transition")
        assert_error(act(api_server, ticket["id"], "no-show"), 409, "invalid_transition")
        act(api_server, ticket["id"], "cancel")
        assert_error(act(api_server, ticket["id"], "call", counter="1"), 409, "invalid_transition")
        assert call(api_server, "GET", f"{V1}/tickets/{ticket['id']}", "staff").json()["status"] == "cancelled"

    @pytest.mark.parametrize(
        "body",
        [
            {"service": "notfall"},
            {"service": "notfall", "language": "klingon"},
            {"service": "notfall", "language": "uk", "name": "Olena"},
            {"service": 7, "language": "uk"},
            [],
        ],
    )
    def test_malformed_ticket_requests_are_422_and_use_no_quota(self, api_server, body):
        response = call(api_server, "POST", f"{V1}/tickets", "kiosk", json=body)
        assert_error(response, 422, "validation_error")
        assert services(api_server)["notfall"]["issued"] == 0

    def test_not_json_at_all(self, api_server):
        response = call(
            api_server, "POST", f"{V1}/tickets", "kiosk", data=b"\xff{{{", headers={"Content-Type": "application/json"}
        )
        assert_error(response, 422, "validation_error")

    def test_a_language_the_office_does_not_offer(self, api_server):
        body = assert_error(issue(api_server, language="fr"), 422, "validation_error")
        assert "fr" in body["message"]

    def test_unknown_things_are_404(self, api_server):
        assert_error(issue(api_server, "visa"), 404, "not_found")
        assert_error(call(api_server, "POST", f"{V1}/counters/77/call-next", "staff"), 404, "not_found")
        assert_error(call(api_server, "GET", f"{V1}/tickets/nope", "staff"), 404, "not_found")
        assert_error(act(api_server, issue(api_server).json()["id"], "transfer", service="visa"), 404, "not_found")
        assert_error(call(api_server, "GET", f"{V1}/nothing-here", "staff"), 404, "not_found")

    def test_device_status_is_validated(self, api_server):
        bad = call(api_server, "POST", f"{V1}/devices/status", "kiosk", json={"status": "on fire"})
        assert_error(bad, 422, "validation_error")
        good = call(
            api_server, "POST", f"{V1}/devices/status", "kiosk", json={"status": "paper_out", "detail": "TM-T20III"}
        )
        assert good.json()["status"] == "paper_out"
        devices = call(api_server, "GET", f"{V1}/devices", "staff").json()
        assert [(d["device"], d["status"]) for d in devices] == [("test kiosk", "paper_out")]


class TestEvents:
    def test_events_arrive_in_order_with_increasing_ids(self, api_server):
        # Connected once the server's opening block is in; it only receives events committed after that.
        with SseStream(api_server.url, api_server.tokens["display"]) as stream:
            ticket = issue(api_server).json()
            call(api_server, "POST", f"{V1}/counters/1/call-next", "staff")
            received = stream.take(4)
        names = [e.name for e in received]
        assert names == ["ticket.issued", "service.updated", "ticket.called", "service.updated"]
        assert [e.id for e in received] == sorted({e.id for e in received})
        assert received[2].data["number"] == ticket["number"] and received[2].data["counter"] == "1"
        assert "code" not in received[0].data

    def test_resume_after_disconnect_gets_every_missed_event_once(self, api_server):
        issue(api_server)
        first = read_events(api_server.url, api_server.tokens["display"], count=2, last_event_id=0)
        # Disconnected now; things happen meanwhile.
        issue(api_server)
        call(api_server, "POST", f"{V1}/counters/1/call-next", "staff")
        resumed = read_events(api_server.url, api_server.tokens["display"], count=4, last_event_id=first[-1].id)
        assert [e.name for e in resumed] == ["ticket.issued", "service.updated", "ticket.called", "service.updated"]
        assert resumed[0].id > first[-1].id
        everything = read_events(api_server.url, api_server.tokens["display"], count=6, last_event_id=0)
        assert [e.id for e in everything] == [e.id for e in first + resumed]

    def test_resume_across_a_server_restart(self, api_server):
        issue(api_server)
        seen = read_events(api_server.url, api_server.tokens["display"], count=2, last_event_id=0)
        api_server.stop()
        api_server.start()
        call(api_server, "POST", f"{V1}/counters/1/call-next", "staff")
        after = read_events(api_server.url, api_server.tokens["display"], count=2, last_event_id=seen[-1].id)
        assert after[0].name == "ticket.called"

    def test_a_subscriber_without_position_is_told_the_current_one(self, api_server):
        issue(api_server)
        with SseStream(api_server.url, api_server.tokens["display"]) as stream:
            opening = stream.opening
        assert "id: 2" in opening

    def test_a_closed_counter_no_longer_counts_for_the_wait_even_right_after_a_call(self, api_server):
        issue(api_server, "einbuergerung")
        issue(api_server, "einbuergerung")
        call(api_server, "POST", f"{V1}/counters/4/call-next", "staff")
        assert services(api_server)["einbuergerung"]["wait"] is not None
        closed = call(api_server, "POST", f"{V1}/counters/4/close", "staff").json()
        assert closed["open"] is False
        assert services(api_server)["einbuergerung"]["wait"] is None

    def test_board_lists_newest_call_first(self, api_server):
        for _ in range(2):
            issue(api_server)
        call(api_server, "POST", f"{V1}/counters/1/call-next", "staff")
        call(api_server, "POST", f"{V1}/counters/5/call-next", "staff")
        board = call(api_server, "GET", f"{V1}/board", "display").json()
        assert [(c["number"], c["counter_name"]) for c in board["calls"]] == [
            ("N002", "Schalter 5"),
            ("N001", "Schalter 1"),
        ]
        assert {s["id"] for s in board["services"]} == {"notfall", "aufenthalt", "einbuergerung", "ukraine"}

    def test_a_call_names_the_counter_in_every_language_of_the_site(self, api_server):
        ticket = issue(api_server, language="ar").json()
        called = call(api_server, "POST", f"{V1}/counters/1/call-next", "staff").json()
        assert called["id"] == ticket["id"]
        assert called["counter_names"]["ar"] == "الشباك 1" and called["counter_names"]["uk"] == "Віконце 1"
        status = requests.get(f"{api_server.url}{V1}/status/{ticket['code'].rsplit('/', 1)[1]}", timeout=5).json()
        assert status["counter_names"]["ar"] == "الشباك 1"
        board = call(api_server, "GET", f"{V1}/board", "display").json()
        assert board["calls"][0]["counter_names"]["fa"] == "باجه 1"

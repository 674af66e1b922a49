"""Guaranteed later slots through the HTTP API of a real server, on SQLite and PostgreSQL, with a fake clock.

The office is tests/server/site-slots.toml: `notfall` opens weekday mornings 08:00-12:00 with two
same-day tickets, two later slots a window, three a day, two open days ahead; Wednesday 2 December
2026 is closed. Monday 30 November 2026 is the day the quota runs out.
"""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import requests

from tests.server.conftest import BERLIN, MONDAY_10, SLOTS_SITE
from tests.server.sse import SseStream
from tests.server.test_api import V1, assert_error, call, issue

__all__ = ["BERLIN", "MONDAY_10", "SLOTS_SITE"]


def at(server, *args: int, fold: int = 0) -> None:
    server.set_clock(datetime(*args, tzinfo=BERLIN, fold=fold))


def book(server, service: str = "notfall", language: str = "uk", key: str | None = None) -> requests.Response:
    return call(
        server,
        "POST",
        f"{V1}/later-slots",
        "kiosk",
        json={"service": service, "language": language},
        headers={"Idempotency-Key": key or str(uuid.uuid4())},
    )


def check_in(server, code: str, role: str = "kiosk") -> requests.Response:
    return call(server, "POST", f"{V1}/check-in", role, json={"code": code})


def service(server, service_id: str = "notfall") -> dict:
    return next(s for s in call(server, "GET", f"{V1}/services", "display").json() if s["id"] == service_id)


def window(slot: dict) -> tuple[str, str]:
    return slot["window"]["start"], slot["window"]["end"]


def token_of(code: str) -> str:
    return code.rsplit("/", 1)[1]


def exhaust(server) -> None:
    assert [issue(server).status_code for _ in range(2)] == [201, 201]


class TestBooking:
    def test_refused_while_walk_in_tickets_remain_then_the_earliest_window_first(self, office):
        refused = assert_error(book(office), 409, "slots_available")
        assert (refused["service"], refused["remaining"], refused["next_open"]) == ("notfall", 2, None)
        assert service(office)["next_later_slot"] is None
        at(office, 2026, 11, 30, 7, 0)  # before opening: today's tickets come at 08:00
        early = assert_error(book(office), 409, "slots_available")
        assert early["next_open"] == "2026-11-30T08:00:00+01:00"
        at(office, 2026, 11, 30, 10, 0)
        exhaust(office)
        offered = service(office)["next_later_slot"]
        assert offered == {
            "day": "2026-12-01",
            "start": "2026-12-01T08:00:00+01:00",
            "end": "2026-12-01T08:30:00+01:00",
        }

        first = book(office)
        assert first.status_code == 201, first.text
        slot = first.json()
        assert (slot["day"], window(slot), slot["status"], slot["language"]) == (
            "2026-12-01",
            ("2026-12-01T08:00:00+01:00", "2026-12-01T08:30:00+01:00"),
            "booked",
            "uk",
        )
        assert slot["check_in"] == {"from": "2026-12-01T07:30:00+01:00", "until": "2026-12-01T08:45:00+01:00"}
        assert slot["code"] == slot["status_url"] and "/t/" in slot["code"] and slot["ticket"] is None

        # Two a window, three a day, and Wednesday is closed: Tuesday 08:00, 08:00, 08:30, then Thursday.
        later = [book(office).json() for _ in range(5)]
        assert [(s["day"], s["window"]["start"][11:16]) for s in [slot, *later]] == [
            ("2026-12-01", "08:00"),
            ("2026-12-01", "08:00"),
            ("2026-12-01", "08:30"),
            ("2026-12-03", "08:00"),
            ("2026-12-03", "08:00"),
            ("2026-12-03", "08:30"),
        ]
        full = assert_error(book(office), 409, "no_later_slots")
        assert full["next_window"] is None and full["service"] == "notfall"
        figures = service(office)
        assert figures["next_later_slot"] is None and figures["turned_away_today"] == 1

    def test_after_closing_on_friday_the_next_open_days_are_monday_and_tuesday(self, office):
        at(office, 2026, 12, 4, 12, 0)  # Friday, closed for the rest of the day: no more tickets today
        assert service(office)["next_later_slot"]["start"] == "2026-12-07T08:00:00+01:00"
        days = [book(office).json()["day"] for _ in range(6)]
        assert days == ["2026-12-07"] * 3 + ["2026-12-08"] * 3

    def test_a_switched_off_service_offers_later_slots_and_a_service_without_them_says_so(self, office):
        from tests.server.test_admin import admin

        assert admin(office, "service", "close", "notfall").returncode == 0
        assert book(office).status_code == 201
        at(office, 2026, 11, 30, 13, 0)
        body = assert_error(book(office, "aufenthalt"), 409, "no_later_slots")
        assert "no later slots" in body["message"]

    def test_windows_across_the_spring_dst_change(self, office):
        at(office, 2026, 3, 28, 12, 0)  # Saturday; the night service opens Sunday 00:00-06:00 only
        slots = [book(office, "nacht").json() for _ in range(10)]
        assert [window(s) for s in slots][3:5] == [
            ("2026-03-29T01:30:00+01:00", "2026-03-29T03:00:00+02:00"),  # 30 real minutes: 02:00 does not exist
            ("2026-03-29T03:00:00+02:00", "2026-03-29T03:30:00+02:00"),
        ]
        assert_error(book(office, "nacht"), 409, "no_later_slots")

    def test_windows_across_the_autumn_dst_change(self, office):
        at(office, 2026, 10, 24, 12, 0)
        slots = [book(office, "nacht").json() for _ in range(14)]
        assert [window(s)[0] for s in slots][4:8] == [
            "2026-10-25T02:00:00+02:00",
            "2026-10-25T02:30:00+02:00",
            "2026-10-25T02:00:00+01:00",  # the repeated hour has its own windows
            "2026-10-25T02:30:00+01:00",
        ]

    def test_a_retry_with_the_same_key_gets_the_same_slot_and_takes_no_place(self, office):
        exhaust(office)
        key = str(uuid.uuid4())
        first, again = book(office, key=key), book(office, key=key)
        assert (first.status_code, again.status_code) == (201, 200)
        assert again.json()["id"] == first.json()["id"] and again.json()["code"] == first.json()["code"]
        assert book(office).json()["window"] == first.json()["window"]  # the window's second place
        reused = assert_error(book(office, language="ar", key=key), 422, "idempotency_key_reused")
        assert key in reused["message"]
        missing = call(office, "POST", f"{V1}/later-slots", "kiosk", json={"service": "notfall", "language": "uk"})
        assert "Idempotency-Key" in assert_error(missing, 422, "validation_error")["message"]

    def test_kiosks_racing_for_the_last_places_get_exactly_the_capacity(self, office):
        exhaust(office)
        with ThreadPoolExecutor(max_workers=12) as pool:
            answers = list(pool.map(lambda _: book(office), range(16)))
        booked = [a.json() for a in answers if a.status_code == 201]
        assert sorted(a.status_code for a in answers) == [201] * 6 + [409] * 10
        assert {a.json()["error"] for a in answers if a.status_code == 409} == {"no_later_slots"}
        per_window: dict[str, int] = {}
        for slot in booked:
            per_window[slot["window"]["start"]] = per_window.get(slot["window"]["start"], 0) + 1
        assert per_window == {
            "2026-12-01T08:00:00+01:00": 2,
            "2026-12-01T08:30:00+01:00": 1,
            "2026-12-03T08:00:00+01:00": 2,
            "2026-12-03T08:30:00+01:00": 1,
        }
        assert len({s["id"] for s in booked}) == len({s["code"] for s in booked}) == 6
        assert service(office)["turned_away_today"] == 10

    def test_roles_and_bad_requests(self, office):
        exhaust(office)
        for role in ("display", "staff"):
            response = call(
                office,
                "POST",
                f"{V1}/later-slots",
                role,
                json={"service": "notfall", "language": "uk"},
                headers={"Idempotency-Key": "k"},
            )
            assert_error(response, 403, "forbidden")
        assert_error(book(office, "visa"), 404, "not_found")
        assert_error(book(office, language="fr"), 422, "validation_error")
        assert_error(check_in(office, "x", role="display"), 403, "forbidden")
        assert service(office)["next_later_slot"]["start"] == "2026-12-01T08:00:00+01:00"


class TestCheckIn:
    def booked(self, office) -> dict:
        exhaust(office)
        return book(office).json()

    def test_too_early_in_time_twice_and_numbered_in_the_service_series(self, office):
        slot = self.booked(office)
        at(office, 2026, 12, 1, 7, 29)
        early = assert_error(check_in(office, slot["code"]), 409, "too_early")
        assert early["check_in_from"] == "2026-12-01T07:30:00+01:00" and "07:30" in early["message"]
        assert early["window"] == slot["window"]
        at(office, 2026, 12, 1, 8, 1)
        walk_in = issue(office).json()
        assert walk_in["number"] == "N001"

        first = check_in(office, f" {slot['code'].upper()}\r\n")
        assert first.status_code == 201, first.text
        ticket = first.json()
        assert (ticket["number"], ticket["service"], ticket["language"], ticket["status"]) == (
            "N002",
            "notfall",
            "uk",
            "waiting",
        )
        assert ticket["slot_window"] == slot["window"]
        assert ticket["position"] == 0  # its window has started: it goes first
        again = check_in(office, slot["code"], role="staff")
        assert (again.status_code, again.json()["id"]) == (200, ticket["id"])
        # The slot's ticket used no quota: the second same-day ticket is still there.
        figures = service(office)
        assert (figures["issued"], figures["remaining"]) == (1, 1)
        assert issue(office).json()["number"] == "N003"
        status = requests.get(f"{office.url}{V1}/status/{token_of(slot['code'])}", timeout=10).json()
        assert (status["kind"], status["status"], status["ticket"]["number"]) == ("slot", "checked_in", "N002")

    def test_late_within_the_grace_time_and_too_late(self, office):
        slot = self.booked(office)
        other = book(office).json()
        at(office, 2026, 12, 1, 8, 45)  # window 08:00-08:30, 15 minutes' grace
        assert check_in(office, slot["code"]).status_code == 201
        at(office, 2026, 12, 1, 8, 46)
        gone = assert_error(check_in(office, other["code"]), 410, "expired")
        assert gone["day"] == "2026-12-01" and "08:45" in gone["message"]
        status = requests.get(f"{office.url}{V1}/status/{token_of(other['code'])}", timeout=10).json()
        assert status["status"] == "missed"

    def test_the_next_day_is_too_late(self, office):
        slot = self.booked(office)
        at(office, 2026, 12, 3, 8, 0)
        assert_error(check_in(office, slot["code"]), 410, "expired")

    def test_forged_foreign_and_unknown_codes(self, office, tmp_path):
        slot = self.booked(office)
        code = slot["code"]
        at(office, 2026, 12, 1, 8, 0)
        forged = code[:-1] + ("a" if code[-1] != "a" else "b")
        for text in (forged, "https://example.org/t/hello", "]C1garbage", code[:-4]):
            assert_error(check_in(office, text), 400, "invalid_code")
        assert_error(check_in(office, _genuine_unknown_code(office)), 404, "not_found")

    def test_a_ticket_code_answers_its_ticket(self, office):
        ticket = issue(office).json()
        answer = check_in(office, ticket["code"])
        assert (answer.status_code, answer.json()["id"]) == (200, ticket["id"])

    def test_scanned_at_a_counter_the_slot_is_checked_in(self, office):
        slot = self.booked(office)
        at(office, 2026, 12, 1, 8, 10)
        scanned = call(office, "POST", f"{V1}/scan", "staff", json={"code": slot["code"], "counter": "1"})
        assert scanned.status_code == 200, scanned.text
        assert scanned.json()["slot_window"] == slot["window"] and scanned.json()["number"] == "N001"
        again = call(office, "POST", f"{V1}/scan", "staff", json={"code": slot["code"], "counter": "1"})
        assert again.json()["id"] == scanned.json()["id"]

    def test_checked_in_slot_tickets_are_called_before_walk_ins_once_their_window_started(self, office):
        exhaust(office)
        eight = book(office).json()
        book(office)
        eight_thirty = book(office).json()
        assert eight_thirty["window"]["start"].endswith("08:30:00+01:00")
        at(office, 2026, 12, 1, 7, 40)
        slot_a = check_in(office, eight["code"]).json()  # window 08:00
        at(office, 2026, 12, 1, 8, 1)
        walk_1 = issue(office).json()
        at(office, 2026, 12, 1, 8, 2)
        walk_2 = issue(office).json()
        at(office, 2026, 12, 1, 8, 10)
        slot_b = check_in(office, eight_thirty["code"]).json()  # window 08:30, not started yet
        at(office, 2026, 12, 1, 8, 15)
        place = {
            t["id"]: call(office, "GET", f"{V1}/tickets/{t['id']}", "staff").json()["position"]
            for t in (slot_a, walk_1, walk_2, slot_b)
        }
        assert place == {slot_a["id"]: 0, walk_1["id"]: 1, walk_2["id"]: 2, slot_b["id"]: 3}
        assert call(office, "POST", f"{V1}/counters/1/call-next", "staff").json()["id"] == slot_a["id"]
        assert call(office, "POST", f"{V1}/counters/1/call-next", "staff").json()["id"] == walk_1["id"]
        at(office, 2026, 12, 1, 8, 31)
        assert call(office, "GET", f"{V1}/tickets/{slot_b['id']}", "staff").json()["position"] == 0
        assert call(office, "POST", f"{V1}/counters/1/call-next", "staff").json()["id"] == slot_b["id"]
        assert call(office, "POST", f"{V1}/counters/1/call-next", "staff").json()["id"] == walk_2["id"]


class TestEventsAndPages:
    def test_booking_and_check_in_are_announced_without_codes(self, office):
        with SseStream(office.url, office.tokens["display"]) as stream:
            exhaust(office)
            slot = book(office).json()
            at(office, 2026, 12, 1, 8, 0)
            check_in(office, slot["code"])
            received = stream.take(9)
        assert [e.name for e in received] == [
            "ticket.issued",
            "service.updated",
            "ticket.issued",
            "service.updated",
            "slot.booked",
            "service.updated",
            "ticket.issued",
            "slot.checked_in",
            "service.updated",
        ]
        # The ticket that empties the quota announces the later slot now offered.
        assert received[1].data["next_later_slot"] is None
        assert received[3].data["remaining"] == 0
        assert received[3].data["next_later_slot"]["start"] == "2026-12-01T08:00:00+01:00"
        assert received[4].data["id"] == slot["id"] and received[4].data["window"] == slot["window"]
        assert received[5].data["next_later_slot"]["start"] == "2026-12-01T08:00:00+01:00"  # one place left
        assert received[7].data["ticket"]["number"] == "N001"
        for event in received[4:]:
            assert slot["code"].rsplit("/", 1)[1] not in str(event.data)
            assert "code" not in event.data

    def test_the_status_page_shows_the_window_then_the_ticket(self, office):
        exhaust(office)
        slot = book(office, language="uk").json()
        page = requests.get(f"{office.url}/t/{token_of(slot['code'])}", timeout=10)
        assert page.status_code == 200 and 'lang="uk"' in page.text
        assert "08:00\u2060–\u206008:30" in page.text and "вівторок" in page.text  # Tuesday, in Ukrainian
        at(office, 2026, 12, 1, 8, 0)
        check_in(office, slot["code"])
        page = requests.get(f"{office.url}/t/{token_of(slot['code'])}", timeout=10)
        assert "N001" in page.text and "Будь ласка, зачекайте" in page.text

    def test_the_calendar_entry(self, office):
        from icalendar import Calendar

        exhaust(office)
        slot = book(office, language="ar").json()
        response = requests.get(f"{office.url}/t/{token_of(slot['code'])}/calendar.ics", timeout=10)
        assert response.status_code == 200 and response.headers["content-type"].startswith("text/calendar")
        calendar = Calendar.from_ical(response.content)
        [event] = calendar.walk("VEVENT")
        assert event.decoded("dtstart") == datetime(2026, 12, 1, 8, 0, tzinfo=BERLIN)
        assert event.decoded("dtend") == datetime(2026, 12, 1, 8, 30, tzinfo=BERLIN)
        assert event["dtstart"].params["TZID"] == "Europe/Berlin"
        assert [tz["tzid"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
        assert "Willi-Becker-Allee 7, 40227 Düsseldorf" in str(event["location"])
        assert "موعد مضمون" in str(event["summary"])
        assert str(event["url"]) == slot["code"]
        at(office, 2026, 12, 1, 9, 0)
        ticket = issue(office, "aufenthalt").json()
        assert_error(
            requests.get(f"{ticket['code']}/calendar.ics".replace("http://127.0.0.1:8000", office.url)),
            404,
            "not_found",
        )
        assert_error(requests.get(f"{office.url}/t/{'a' * 32}/calendar.ics", timeout=10), 400, "invalid_code")


def _genuine_unknown_code(server) -> str:
    """A code signed with this server's key that belongs to nothing (as after a database reset)."""
    from server.rules.ticket_codes import new_token
    from server.storage.bootstrap import signing_key
    from server.storage.engine import create_engines

    engines = create_engines(server.db_url)
    try:
        key = signing_key(engines.read)
    finally:
        engines.dispose()
    token, _ = new_token(key, "slots")
    return f"{server.url}/t/{token}"

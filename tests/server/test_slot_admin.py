"""`wartemarke admin slots|closed-dates|report` and /metrics for later slots, against a real server on
both backends, with the server's fake clock shared by the admin command."""

from __future__ import annotations

import requests

from tests.server.test_admin import admin, report_table
from tests.server.test_api import V1, assert_error, call, issue
from tests.server.test_later_slots import MONDAY_10, SLOTS_SITE, at, book, exhaust, service, token_of


def slot_status(server, slot: dict) -> dict:
    return requests.get(f"{server.url}{V1}/status/{token_of(slot['code'])}", timeout=10).json()


def test_closing_a_date_with_slots_is_refused_unless_they_move_to_the_next_open_day_with_room(office):
    exhaust(office)
    slots = [book(office).json() for _ in range(6)]  # Tuesday 08:00 ×2, 08:30; Thursday the same
    tuesday = slots[:3]

    refused = admin(office, "closed-dates", "add", "2026-12-01")
    assert refused.returncode == 1 and "3 booked later slots" in refused.stderr and "--move-slots" in refused.stderr
    assert slot_status(office, tuesday[0])["day"] == "2026-12-01"

    moved = admin(office, "closed-dates", "add", "2026-12-01", "--move-slots")
    assert moved.returncode == 0, moved.stderr
    assert moved.stdout.count("to 2026-12-04") == 3  # Wednesday is closed, Thursday full: Friday
    status = slot_status(office, tuesday[0])
    assert (status["day"], status["window"]["start"], status["moved_from"]["start"]) == (
        "2026-12-04",
        "2026-12-04T08:00:00+01:00",
        "2026-12-01T08:00:00+01:00",
    )
    assert slot_status(office, slots[3])["day"] == "2026-12-03"  # Thursday's slots stay
    page = requests.get(f"{office.url}/t/{token_of(tuesday[0]['code'])}", timeout=10).text
    assert "08:00\u2060–\u206008:30" in page and "4 грудня 2026" in page  # in the slot's language (uk)

    listing = admin(office, "slots", "list", "--day", "2026-12-04").stdout
    assert listing.splitlines()[0] == "3 later slot(s) on 2026-12-04" and listing.count("moved from 2026-12-01") == 3
    assert admin(office, "closed-dates", "list").stdout.splitlines() == ["2026-12-01  admin", "2026-12-02  config"]
    # Tuesday is closed now: nothing is offered there, and the horizon (Thursday, Friday) is full.
    assert service(office)["next_later_slot"] is None
    assert_error(book(office), 409, "no_later_slots")

    cancelled = admin(office, "slots", "cancel", tuesday[2]["id"])
    assert cancelled.returncode == 0, cancelled.stderr
    assert slot_status(office, tuesday[2])["status"] == "cancelled"
    freed = service(office)["next_later_slot"]
    assert freed == {"day": "2026-12-04", "start": "2026-12-04T08:30:00+01:00", "end": "2026-12-04T09:00:00+01:00"}
    assert book(office).json()["window"]["start"] == "2026-12-04T08:30:00+01:00"
    again = admin(office, "slots", "cancel", tuesday[2]["id"])
    assert again.returncode == 1 and "cancelled" in again.stderr
    at(office, 2026, 12, 4, 8, 0)
    assert_error(
        call(office, "POST", f"{V1}/check-in", "kiosk", json={"code": tuesday[2]["code"]}), 409, "slot_cancelled"
    )


def test_closed_dates_refuse_walk_in_tickets_and_bad_dates_are_named(office):
    for args, expected in [
        (("closed-dates", "add", "2026-13-01"), "expected a date like 2026-12-24, got '2026-13-01'"),
        (("closed-dates", "add", "2026-11-30"), "2026-11-30 is not a coming day"),
        (("closed-dates", "add", "2026-11-02"), "is not a coming day"),
        (("closed-dates", "add", "2026-12-02"), "closed in the site config"),
        (("closed-dates", "remove", "2026-12-02"), "closed in the site config"),
        (("closed-dates", "remove", "2026-12-09"), "was not closed with this command"),
        (("slots", "list", "--service", "visa"), "no service 'visa'"),
        (("slots", "list", "--day", "tomorrow"), "expected a date like 2026-12-24, got 'tomorrow'"),
        (("slots", "cancel", "nope"), "no later slot with id 'nope'"),
    ]:
        result = admin(office, *args)
        assert result.returncode != 0 and expected in result.stderr, (args, result.stderr)
        assert "Traceback" not in result.stderr

    for day in ("2026-12-07", "2026-12-08"):
        assert admin(office, "closed-dates", "add", day).returncode == 0
    assert admin(office, "closed-dates", "remove", "2026-12-08").returncode == 0
    at(office, 2026, 12, 7, 9, 0)
    closed = assert_error(issue(office), 409, "service_closed")
    assert closed["reason"] == "outside_hours" and closed["next_open"] == "2026-12-08T08:00:00+01:00"
    assert service(office)["closed_reason"] == "outside_hours"
    today = admin(office, "closed-dates", "remove", "2026-12-07")
    assert today.returncode == 1 and "2026-12-07 is not a coming day" in today.stderr
    at(office, 2026, 12, 8, 9, 0)
    assert issue(office).status_code == 201


def test_who_was_turned_away_is_counted_in_the_report_and_the_metrics(office):
    exhaust(office)
    assert_error(issue(office), 409, "quota_exhausted")
    assert_error(issue(office), 409, "quota_exhausted")
    assert book(office).status_code == 201
    assert admin(office, "service", "close", "aufenthalt").returncode == 0
    assert_error(issue(office, "aufenthalt"), 409, "service_closed")
    for _ in range(5):
        book(office)
    assert_error(book(office), 409, "no_later_slots")
    assert_error(book(office, "aufenthalt"), 409, "no_later_slots")
    assert_error(book(office), 409, "no_later_slots")

    table = report_table(admin(office, "report").stdout)
    demand = ("quota-gone", "closed", "too-fast", "no-slot", "slots-booked")
    assert [table["Notfall"][column] for column in demand] == ["2", "0", "0", "2", "6"]
    assert [table["Aufenthalt"][column] for column in demand] == ["0", "1", "0", "1", "0"]
    assert service(office)["turned_away_today"] == 4

    metrics = call(office, "GET", "/metrics", "admin").text
    for line in (
        'wartemarke_turned_away_total{reason="quota_exhausted",service="notfall",site="slots"} 2.0',
        'wartemarke_turned_away_total{reason="no_later_slots",service="notfall",site="slots"} 2.0',
        'wartemarke_turned_away_total{reason="service_closed",service="aufenthalt",site="slots"} 1.0',
        'wartemarke_turned_away_total{reason="rate_limited",service="notfall",site="slots"} 0.0',
        'wartemarke_later_slots_booked_total{service="notfall",site="slots"} 6.0',
    ):
        assert line in metrics, line

    # Tomorrow's figures start from zero; the metrics keep counting every day.
    at(office, 2026, 12, 1, 9, 0)
    assert service(office)["turned_away_today"] == 0
    assert (
        'wartemarke_later_slots_booked_total{service="notfall",site="slots"} 6.0'
        in call(office, "GET", "/metrics", "admin").text
    )


def test_a_kiosk_drawing_too_fast_is_counted_as_rate_limited(server_factory, db_url, tmp_path):
    hasty = tmp_path / "site.toml"
    hasty.write_text(
        SLOTS_SITE.read_text(encoding="utf-8").replace(
            "kiosk_tickets_per_minute = 1000", "kiosk_tickets_per_minute = 2"
        )
    )
    server = server_factory(config=hasty, db_url=db_url, clock=MONDAY_10)
    exhaust(server)  # two tickets: the quota, and this kiosk's limit for the minute
    assert_error(issue(server, "aufenthalt"), 429, "rate_limited")
    # Later slots have the same limit, counted on their own.
    assert [book(server).status_code for _ in range(2)] == [201, 201]
    assert assert_error(book(server), 429, "rate_limited")["retry_after"] >= 1
    assert service(server, "aufenthalt")["turned_away_today"] == 1
    assert service(server)["turned_away_today"] == 1

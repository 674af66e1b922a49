"""Service days in the site's time zone, through a real server whose clock the test sets."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.server.conftest import site_variant
from tests.server.test_api import V1, act, assert_error, call, issue, services

BERLIN = ZoneInfo("Europe/Berlin")


def at(server, *args: int, fold: int = 0) -> None:
    server.set_clock(datetime(*args, tzinfo=BERLIN, fold=fold))


def test_numbers_and_quota_start_over_at_local_midnight_and_yesterdays_ticket_expires(server_factory, tmp_path):
    server = server_factory(config=site_variant(tmp_path, quota=2), clock=datetime(2026, 11, 23, 23, 58, tzinfo=BERLIN))
    yesterday = [issue(server).json() for _ in range(2)]
    assert [t["number"] for t in yesterday] == ["N001", "N002"]
    assert_error(issue(server), 409, "quota_exhausted")
    call(server, "POST", f"{V1}/counters/1/call-next", "staff")

    at(server, 2026, 11, 24, 0, 1)  # 23:01 UTC on the 23rd: still "yesterday" in UTC
    today = issue(server).json()
    assert today["number"] == "N001"
    assert today["issued_at"].startswith("2026-11-24T00:01")
    figures = services(server)["notfall"]
    assert (figures["issued"], figures["remaining"], figures["waiting"]) == (1, 1, 1)
    assert call(server, "GET", f"{V1}/board", "display").json()["calls"] == []

    body = assert_error(
        call(server, "POST", f"{V1}/scan", "staff", json={"code": yesterday[1]["code"], "counter": "1"}), 410, "expired"
    )
    assert "N002" in body["message"]
    assert_error(act(server, yesterday[1]["id"], "call", counter="1"), 410, "expired")
    # Today's queue holds only today's ticket.
    assert call(server, "POST", f"{V1}/counters/1/call-next", "staff").json()["id"] == today["id"]


def test_the_23_hour_spring_day_and_the_25_hour_autumn_day_are_each_one_service_day(server_factory, tmp_path):
    server = server_factory(config=site_variant(tmp_path, quota=50), clock=datetime(2026, 3, 29, 1, 59, tzinfo=BERLIN))
    assert issue(server).json()["number"] == "N001"
    at(server, 2026, 3, 29, 3, 0)  # one real minute later: clocks jumped from 02:00 to 03:00
    second = issue(server).json()
    assert second["number"] == "N002" and second["issued_at"] == "2026-03-29T03:00:00+02:00"
    at(server, 2026, 3, 29, 23, 59)
    assert issue(server).json()["number"] == "N003"
    at(server, 2026, 3, 30, 0, 0)
    assert issue(server).json()["number"] == "N001"

    at(server, 2026, 10, 25, 2, 30, fold=0)  # first 02:30 (summer time)
    assert issue(server).json()["number"] == "N001"
    at(server, 2026, 10, 25, 2, 30, fold=1)  # the repeated 02:30, an hour later (winter time)
    repeated = issue(server).json()
    assert repeated["number"] == "N002" and repeated["issued_at"] == "2026-10-25T02:30:00+01:00"
    at(server, 2026, 10, 25, 23, 59)
    assert issue(server).json()["number"] == "N003"


def test_opening_hours_follow_local_time(server_factory, tmp_path):
    from launcher.live_server import ROOT

    config = ROOT / "config" / "site.toml"
    server = server_factory(config=config, clock=datetime(2026, 11, 23, 7, 29, tzinfo=BERLIN))  # Monday
    body = assert_error(issue(server), 409, "service_closed")
    assert body["reason"] == "outside_hours" and body["next_open"] == "2026-11-23T07:30:00+01:00"
    at(server, 2026, 11, 23, 7, 30)
    assert issue(server).status_code == 201
    at(server, 2026, 11, 28, 9, 0)  # Saturday
    figures = services(server)["notfall"]
    assert figures["open"] is False and figures["next_open"] == "2026-11-30T07:30:00+01:00"

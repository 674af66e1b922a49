"""The results' figures, computed from tickets' times without a database: waits, service level,
hours of the day across a DST change, the wait histogram, counter utilisation."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from server.rules import result_figures as figures

BERLIN = ZoneInfo("Europe/Berlin")
NEVER = figures.NEVER


def epoch(year: int, month: int, day: int, hour: int, minute: int = 0) -> int:
    return int(datetime(year, month, day, hour, minute, tzinfo=UTC).timestamp())


SERVICES = ("a", "b")
COUNTERS = ("1", "2")
DAYS = ("2026-10-24", "2026-10-25", "2026-11-29", "2026-11-30")


def times(*tickets: dict) -> figures.TicketTimes:
    """Tickets as dicts with what a test cares about; the rest is a plain finished visit at counter 1,
    encoded as the database query encodes them (indexes of services, statuses, counters, days)."""
    rows = []
    for t in tickets:
        service = t.get("service", "a")
        rows.append(
            (
                SERVICES.index(t.get("drawn_for", service)),
                SERVICES.index(service),
                figures.STATUSES.index(t.get("status", "done")),
                COUNTERS.index(t.get("counter", "1")),
                DAYS.index(t.get("day", "2026-11-30")),
                int(t.get("from_slot", False)),
                t["issued"],
                t.get("called", NEVER),
                t.get("started", NEVER),
                t.get("finished", NEVER),
            )
        )
    return figures.TicketTimes.from_rows(rows, SERVICES, COUNTERS, DAYS)


def test_waits_and_the_service_level_count_only_calls():
    at = epoch(2026, 11, 30, 8)
    data = times(
        {"issued": at, "called": at + 10 * 60},
        {"issued": at, "called": at + 50 * 60},
        {"issued": at, "status": "waiting"},
    )
    line = figures.per_service(data, "a", target_minutes=30, demand={"quota_exhausted": 4, "rate_limited": 1})
    assert line["wait_median_min"] == 30.0
    assert line["service_level_pct"] == 50.0
    assert line["turned_away"] == 5 and line["served"] == 2


def test_a_transferred_ticket_is_drawn_where_it_was_drawn_and_served_where_it_ended():
    at = epoch(2026, 11, 30, 8)
    data = times({"drawn_for": "a", "service": "b", "issued": at, "called": at + 60})
    assert figures.per_service(data, "a", None, {})["issued"] == 1
    assert figures.per_service(data, "a", None, {})["served"] == 0
    assert figures.per_service(data, "b", None, {})["served"] == 1
    assert figures.per_service(data, "b", None, {})["service_level_pct"] is None  # no target, no level


def test_both_two_oclock_hours_of_the_night_clocks_go_back_count_as_two():
    # 25 October 2026: 00:30 UTC is 02:30 summer time, 01:30 UTC is 02:30 winter time.
    data = times(
        {"issued": epoch(2026, 10, 25, 0, 30), "day": "2026-10-25"},
        {"issued": epoch(2026, 10, 25, 1, 30), "day": "2026-10-25"},
        {"issued": epoch(2026, 10, 24, 22, 30), "day": "2026-10-25"},
    )
    hours = figures.per_hour(data, BERLIN)["issued"]
    assert hours[2] == 2 and hours[0] == 1 and sum(hours) == 3


def test_the_wait_histogram_puts_long_waits_in_the_last_bin():
    at = epoch(2026, 11, 30, 8)
    data = times(
        {"issued": at, "called": at + 5 * 60},
        {"issued": at, "called": at + 15 * 60},
        {"issued": at, "called": at + 300 * 60},
    )
    histogram = figures.wait_histogram(data)
    assert histogram[0] == 1 and histogram[1] == 1 and histogram[-1] == 1 and sum(histogram) == 3


def test_service_level_per_day_has_no_level_on_a_day_without_calls():
    at = epoch(2026, 11, 30, 8)
    data = times({"issued": at, "called": at + 20 * 60, "day": "2026-11-30"})
    levels = figures.service_level_per_day(data, {"a": 15, "b": None})
    assert levels == {"a": [None, None, None, 0.0]}


def test_counter_utilisation_is_time_with_visitors_over_its_working_time():
    at = epoch(2026, 11, 30, 8)
    data = times(
        {"issued": at, "called": at, "started": at, "finished": at + 30 * 60},
        {"issued": at, "called": at + 60 * 60, "started": at + 60 * 60, "finished": at + 90 * 60},
    )
    assert figures.counter_utilisation(data) == {"1": {"busy_min": 60.0, "working_min": 90.0, "share_pct": 66.7}}


def test_no_tickets_give_empty_figures():
    data = figures.TicketTimes.from_rows([], SERVICES, COUNTERS, DAYS)
    assert figures.per_hour(data, BERLIN)["issued"] == [0] * 24
    assert figures.per_service(data, "a", 30, {})["wait_median_min"] is None
    assert sum(figures.wait_histogram(data)) == 0

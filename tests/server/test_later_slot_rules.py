"""The later slots' rules as plain functions: windows, bookable days, the window a booking gets, when a
walk-in ticket is still to be had, check-in times, and calling due slot tickets first. No database."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from server.config import LaterSlots, Service, load_site_config
from server.rules.calling import QueuedTicket, choose_next, queue_order
from server.rules.later_slots import (
    CheckInTiming,
    Window,
    bookable_days,
    check_in_closes,
    check_in_opens,
    check_in_timing,
    first_free_window,
    walk_in_from,
    windows_on,
)

BERLIN = ZoneInfo("Europe/Berlin")
CONFIG = load_site_config(Path(__file__).parent / "site-slots.toml")
SITE = CONFIG.site
EMERGENCY = CONFIG.service("notfall")
NIGHT = CONFIG.service("nacht")
MONDAY = date(2026, 11, 30)


def berlin(*args: int, fold: int = 0) -> datetime:
    return datetime(*args, tzinfo=BERLIN, fold=fold)


def clock_times(windows: list[Window]) -> list[str]:
    return [f"{w.start.astimezone(BERLIN):%H:%M%z}-{w.end.astimezone(BERLIN):%H:%M%z}" for w in windows]


def with_later_slots(service: Service, **rules: int) -> Service:
    merged = {**service.later_slots.model_dump(), **rules} if service.later_slots else rules
    return service.model_copy(update={"later_slots": LaterSlots(**merged)})


class TestWindows:
    def test_windows_follow_the_opening_hours_of_the_day(self):
        assert clock_times(windows_on(EMERGENCY, MONDAY, SITE))[:2] == [
            "08:00+0100-08:30+0100",
            "08:30+0100-09:00+0100",
        ]
        assert len(windows_on(EMERGENCY, MONDAY, SITE)) == 8
        thursday = windows_on(EMERGENCY, date(2026, 12, 3), SITE)
        assert clock_times(thursday)[-3:] == ["13:30+0100-14:00+0100", "14:00+0100-14:30+0100", "14:30+0100-15:00+0100"]
        assert windows_on(EMERGENCY, date(2026, 12, 5), SITE) == []  # Saturday: no hours

    def test_a_window_never_crosses_the_end_of_an_opening_interval(self):
        fifty = with_later_slots(EMERGENCY, window_minutes=50)
        assert all(w.end <= berlin(2026, 11, 30, 12, 0) for w in windows_on(fifty, MONDAY, SITE))
        assert clock_times(windows_on(fifty, MONDAY, SITE))[-1] == "10:30+0100-11:20+0100"

    def test_the_spring_dst_night_has_two_windows_fewer_and_each_is_thirty_real_minutes(self):
        spring = windows_on(NIGHT, date(2026, 3, 29), SITE)  # clocks jump from 02:00 to 03:00
        assert len(spring) == 10  # 00:00-06:00 is five real hours that night
        assert "01:30+0100-03:00+0200" in clock_times(spring)
        assert all(w.end - w.start == timedelta(minutes=30) for w in spring)

    def test_the_autumn_dst_night_has_the_repeated_hour_twice(self):
        autumn = windows_on(NIGHT, date(2026, 10, 25), SITE)  # clocks go back from 03:00 to 02:00
        assert len(autumn) == 14
        times = clock_times(autumn)
        assert times[4:8] == [
            "02:00+0200-02:30+0200",
            "02:30+0200-02:00+0100",
            "02:00+0100-02:30+0100",
            "02:30+0100-03:00+0100",
        ]
        starts = [w.start.astimezone(UTC) for w in autumn]
        assert starts == sorted(set(starts))


class TestBookableDays:
    def test_the_coming_open_days_skip_closed_dates_and_weekends(self):
        assert bookable_days(EMERGENCY, MONDAY, SITE, set(SITE.closed_dates)) == [date(2026, 12, 1), date(2026, 12, 3)]
        friday = date(2026, 12, 4)
        assert bookable_days(EMERGENCY, friday, SITE, set()) == [date(2026, 12, 7), date(2026, 12, 8)]

    def test_today_is_never_bookable(self):
        assert MONDAY not in bookable_days(EMERGENCY, MONDAY, SITE, set())


class TestFirstFreeWindow:
    rules = LaterSlots(per_day=3, per_window=2)
    windows = [
        Window(date(2026, 12, d), berlin(2026, 12, d, h, m), berlin(2026, 12, d, h, m) + timedelta(minutes=30))
        for d in (1, 3)
        for h, m in ((8, 0), (8, 30), (9, 0))
    ]

    def free(self, per_window: dict, per_day: dict) -> Window | None:
        return first_free_window(self.windows, self.rules, per_window, per_day, berlin(2026, 11, 30, 10, 0))

    def test_the_earliest_window_with_room(self):
        assert self.free({}, {}) == self.windows[0]
        assert self.free({self.windows[0].start: 2}, {date(2026, 12, 1): 2}) == self.windows[1]

    def test_a_full_day_is_skipped_even_if_its_windows_have_room(self):
        assert (
            self.free({self.windows[0].start: 2, self.windows[1].start: 1}, {date(2026, 12, 1): 3}) == self.windows[3]
        )

    def test_nothing_when_everything_is_booked(self):
        assert self.free({}, {date(2026, 12, 1): 3, date(2026, 12, 3): 3}) is None

    def test_windows_that_started_already_are_not_offered(self):
        later = first_free_window(self.windows, self.rules, {}, {}, self.windows[1].start)
        assert later == self.windows[2]


class TestWalkInStillPossible:
    """Later slots are only for those who can get no walk-in ticket today."""

    def test_open_with_tickets_left_means_now(self):
        now = berlin(2026, 11, 30, 9, 0)
        assert walk_in_from(EMERGENCY, now, SITE, enabled=True, remaining=1) == now

    def test_before_opening_or_in_the_lunch_break_means_later_today(self):
        assert walk_in_from(EMERGENCY, berlin(2026, 11, 30, 6, 0), SITE, enabled=True, remaining=2) == berlin(
            2026, 11, 30, 8, 0
        )
        thursday_lunch = berlin(2026, 12, 3, 12, 30)
        assert walk_in_from(EMERGENCY, thursday_lunch, SITE, enabled=True, remaining=1) == berlin(2026, 12, 3, 13, 30)

    @pytest.mark.parametrize(
        "moment, enabled, remaining, closed",
        [
            (berlin(2026, 11, 30, 9, 0), True, 0, ()),  # today's quota is gone
            (berlin(2026, 11, 30, 9, 0), False, 2, ()),  # switched off
            (berlin(2026, 11, 30, 12, 0), True, 2, ()),  # closed for the rest of the day
            (berlin(2026, 12, 5, 9, 0), True, 2, ()),  # Saturday
            (berlin(2026, 12, 2, 7, 0), True, 2, {date(2026, 12, 2)}),  # a closed date
        ],
    )
    def test_no_more_walk_in_tickets_today(self, moment, enabled, remaining, closed):
        assert walk_in_from(EMERGENCY, moment, SITE, enabled=enabled, remaining=remaining, closed=closed) is None


class TestCheckIn:
    rules = LaterSlots(per_day=3, per_window=2, check_in_before_minutes=30, check_in_late_minutes=15)
    window = Window(date(2026, 12, 1), berlin(2026, 12, 1, 9, 30), berlin(2026, 12, 1, 10, 0))

    @pytest.mark.parametrize(
        "moment, expected",
        [
            (berlin(2026, 12, 1, 8, 59), CheckInTiming.TOO_EARLY),
            (berlin(2026, 12, 1, 9, 0), CheckInTiming.IN_TIME),
            (berlin(2026, 12, 1, 9, 45), CheckInTiming.IN_TIME),
            (berlin(2026, 12, 1, 10, 15), CheckInTiming.IN_TIME),
            (berlin(2026, 12, 1, 10, 16), CheckInTiming.TOO_LATE),
            (berlin(2026, 12, 2, 9, 30), CheckInTiming.TOO_LATE),
        ],
    )
    def test_from_thirty_minutes_before_until_fifteen_after(self, moment, expected):
        assert check_in_timing(self.window, self.rules, moment, SITE) is expected

    def test_check_in_never_opens_on_the_service_day_before_the_window(self):
        midnight = Window(date(2026, 12, 1), berlin(2026, 12, 1, 0, 0), berlin(2026, 12, 1, 0, 30))
        assert check_in_opens(midnight, self.rules, SITE) == berlin(2026, 12, 1, 0, 0)
        assert check_in_closes(midnight, self.rules) == berlin(2026, 12, 1, 0, 45)


class TestCallingOrder:
    now = berlin(2026, 12, 1, 9, 40)
    priorities = {"notfall": 3.0, "aufenthalt": 1.0}

    def ticket(self, name: str, service: str, queued: tuple[int, int], window: tuple[int, int] | None = None):
        start = berlin(2026, 12, 1, *window) if window else None
        return QueuedTicket(name, service, berlin(2026, 12, 1, *queued), 1, start)

    def test_a_slot_ticket_whose_window_started_goes_before_every_walk_in_ticket(self):
        walk_in = self.ticket("walk-in", "aufenthalt", (8, 0))
        slot = self.ticket("slot", "notfall", (9, 35), window=(9, 30))
        assert choose_next([walk_in, slot], self.now, self.priorities).id == "slot"

    def test_before_its_window_a_slot_ticket_waits_like_a_walk_in_one(self):
        walk_in = self.ticket("walk-in", "notfall", (9, 0))
        early = self.ticket("early", "notfall", (9, 20), window=(10, 0))
        assert choose_next([walk_in, early], self.now, self.priorities).id == "walk-in"
        assert queue_order(early, self.now) > queue_order(walk_in, self.now)

    def test_among_due_slot_tickets_the_earliest_window_first(self):
        late_window = self.ticket("9:30", "notfall", (9, 10), window=(9, 30))
        early_window = self.ticket("9:00", "notfall", (9, 25), window=(9, 0))
        assert choose_next([late_window, early_window], self.now, self.priorities).id == "9:00"

    def test_without_slot_tickets_the_order_is_as_before(self):
        old = self.ticket("old", "aufenthalt", (9, 0))
        urgent = self.ticket("urgent", "notfall", (9, 20))
        # (40 + 1) minutes × 1 against (20 + 1) minutes × 3
        assert choose_next([old, urgent], self.now, self.priorities).id == "urgent"

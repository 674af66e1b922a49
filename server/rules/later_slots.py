"""Guaranteed later slots, as plain rules: which windows exist, which days may be booked, which window
a booking gets, when a walk-in ticket is still to be had today, and when a holder may check in.

Windows are laid out from the start of each opening interval, `window_minutes` of real time each,
and never cross the interval's end. They are computed and kept in UTC and shown in the site's zone,
so on the 23-hour spring day a window of a night service runs 01:30-03:00 and on the 25-hour
autumn day the hour after 02:00 has its windows twice: every window is as long as any other.
(In UTC because Python compares and subtracts two times of one zone by their wall clocks.)
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum

from server.config import LaterSlots, Service, SiteInfo
from server.rules.service_day import is_within_hours, local_moment, next_opening, service_day

#: How far the search for an open day looks (a service with hours on one weekday, holidays between).
SEARCH_DAYS = 400


@dataclass(frozen=True)
class Window:
    """One time window of a service's later slots: `start` and `end` aware, in UTC; `day` the local date."""

    day: date
    start: datetime
    end: datetime


def windows_on(service: Service, day: date, site: SiteInfo) -> list[Window]:
    """The service's windows on calendar `day` (none when it has no hours or no later slots)."""
    rules = service.later_slots
    if rules is None:
        return []
    length = timedelta(minutes=rules.window_minutes)
    windows = []
    for interval in service.intervals_on(day.weekday()):
        start = local_moment(day, interval.start, site.zone).astimezone(UTC)
        end = local_moment(day, interval.end, site.zone).astimezone(UTC)
        while start + length <= end:
            windows.append(Window(day, start, start + length))
            start += length
    return windows


def bookable_days(service: Service, today: date, site: SiteInfo, closed: Collection[date]) -> list[date]:
    """The coming open days that may be booked: the next `days_ahead` days after `today` that have
    windows and are not closed."""
    rules = service.later_slots
    if rules is None:
        return []
    return list(_open_days(service, today, site, closed, rules.days_ahead))


def open_days_after(service: Service, day: date, site: SiteInfo, closed: Collection[date]) -> Iterable[date]:
    """Every open day of the service after `day`, for as far as SEARCH_DAYS looks (moving slots)."""
    return _open_days(service, day, site, closed, SEARCH_DAYS)


def _open_days(service: Service, after: date, site: SiteInfo, closed: Collection[date], wanted: int) -> Iterable[date]:
    found = 0
    for offset in range(1, SEARCH_DAYS + 1):
        day = after + timedelta(days=offset)
        if day in closed or not windows_on(service, day, site):
            continue
        yield day
        found += 1
        if found == wanted:
            return


def first_free_window(
    windows: Iterable[Window],
    rules: LaterSlots,
    booked_per_window: Mapping[datetime, int],
    booked_per_day: Mapping[date, int],
    after: datetime,
) -> Window | None:
    """The earliest window starting after `after` that still has room, on a day that still has room.

    `booked_per_window` is keyed by the window's start (any aware datetime compares by instant).
    """
    for window in sorted(windows, key=lambda w: w.start):
        if window.start <= after:
            continue
        if booked_per_day.get(window.day, 0) >= rules.per_day:
            continue
        if booked_per_window.get(window.start, 0) < rules.per_window:
            return window
    return None


def walk_in_from(
    service: Service,
    now: datetime,
    site: SiteInfo,
    *,
    enabled: bool,
    remaining: int | None,
    closed: Collection[date] = (),
) -> datetime | None:
    """When a walk-in ticket for `service` can still be drawn today: `now` if it can be drawn right
    now, a later moment of today's service day (after the lunch break, before the morning opening),
    or None when today gives no more walk-in tickets (quota used up, switched off, closed for the
    rest of the day). A kiosk may book later slots only in the last case: it must not hand out
    later slots instead of today's tickets.
    """
    if not enabled or (remaining is not None and remaining <= 0):
        return None
    if is_within_hours(service, now, site, closed=closed):
        return now
    opening = next_opening(service, now, site, closed=closed)
    if opening is not None and service_day(opening, site) == service_day(now, site):
        return opening
    return None


class CheckInTiming(StrEnum):
    TOO_EARLY = "too_early"
    IN_TIME = "in_time"
    TOO_LATE = "too_late"


def check_in_opens(window: Window, rules: LaterSlots, site: SiteInfo) -> datetime:
    """`check_in_before_minutes` before the window, but never on the service day before the window's:
    the ticket belongs to the day it is checked in, and must not expire at midnight before its window."""
    day_start = local_moment(service_day(window.start, site), site.day_starts, site.zone).astimezone(UTC)
    return max(window.start.astimezone(UTC) - timedelta(minutes=rules.check_in_before_minutes), day_start)


def check_in_closes(window: Window, rules: LaterSlots) -> datetime:
    return window.end.astimezone(UTC) + timedelta(minutes=rules.check_in_late_minutes)


def check_in_timing(window: Window, rules: LaterSlots, now: datetime, site: SiteInfo) -> CheckInTiming:
    """A holder may check in from `check_in_before_minutes` before the window starts until
    `check_in_late_minutes` after it ends."""
    if now < check_in_opens(window, rules, site):
        return CheckInTiming.TOO_EARLY
    if now > check_in_closes(window, rules):
        return CheckInTiming.TOO_LATE
    return CheckInTiming.IN_TIME

"""The service day and opening hours, in the site's time zone (never UTC, never the host's zone).

A service day is the local calendar date shifted by the site's `day_starts`; numbering and quotas
start over with each one. Times are computed with zoneinfo, so the 23- and 25-hour days of a DST
change are ordinary days here.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from server.config import Service, SiteInfo


def service_day(moment: datetime, site: SiteInfo) -> date:
    """The service day `moment` (aware) belongs to."""
    local = moment.astimezone(site.zone)
    shift = timedelta(hours=site.day_starts.hour, minutes=site.day_starts.minute)
    return (local - shift).date()


def local_moment(day: date, clock: time | None, zone: ZoneInfo) -> datetime:
    """`clock` on calendar `day` in `zone`; None means the midnight that ends the day."""
    if clock is None:
        return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=zone)
    return datetime.combine(day, clock, tzinfo=zone)


class ClosedReason(StrEnum):
    QUOTA_EXHAUSTED = "quota_exhausted"
    OUTSIDE_HOURS = "outside_hours"
    SWITCHED_OFF = "switched_off"


@dataclass(frozen=True)
class Availability:
    """Whether tickets for a service can be drawn now, and if not, why and when next."""

    open: bool
    reason: ClosedReason | None
    next_open: datetime | None


def is_within_hours(service: Service, moment: datetime, site: SiteInfo, *, closed: Collection[date] = ()) -> bool:
    """Within the service's hours; never on a closed date (a public holiday)."""
    local = moment.astimezone(site.zone)
    if local.date() in closed:
        return False
    return any(i.contains(local.time()) for i in service.intervals_on(local.weekday()))


def next_opening(
    service: Service, after: datetime, site: SiteInfo, *, later_day: bool = False, closed: Collection[date] = ()
) -> datetime | None:
    """The first moment from `after` on at which the service is within its hours, skipping `closed` dates.

    With `later_day`, only moments on a later service day count (today's quota is gone).
    """
    earliest = _start_of_next_service_day(after, site) if later_day else after
    first_date = earliest.astimezone(site.zone).date()
    # A week, and one more day for every closed date that may fall into it.
    for offset in range(0, 8 + len(closed)):
        day = first_date + timedelta(days=offset)
        if day in closed:
            continue
        for interval in service.intervals_on(day.weekday()):
            end = local_moment(day, interval.end, site.zone)
            if end > earliest:
                return max(local_moment(day, interval.start, site.zone), earliest)
    return None


def _start_of_next_service_day(moment: datetime, site: SiteInfo) -> datetime:
    next_day = service_day(moment, site) + timedelta(days=1)
    return local_moment(next_day, site.day_starts, site.zone)


def availability(
    service: Service,
    moment: datetime,
    site: SiteInfo,
    *,
    enabled: bool,
    remaining: int | None,
    closed: Collection[date] = (),
) -> Availability:
    """Can a ticket for `service` be drawn at `moment`? `remaining` None means no quota.

    A closed date (public holiday) is a day without hours: `outside_hours`.
    """
    if not enabled:
        return Availability(False, ClosedReason.SWITCHED_OFF, None)
    if not is_within_hours(service, moment, site, closed=closed):
        return Availability(False, ClosedReason.OUTSIDE_HOURS, next_opening(service, moment, site, closed=closed))
    if remaining is not None and remaining <= 0:
        return Availability(
            False, ClosedReason.QUOTA_EXHAUSTED, next_opening(service, moment, site, later_day=True, closed=closed)
        )
    return Availability(True, None, None)

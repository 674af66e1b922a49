"""The office's results over a range of service days, computed from its tickets' times: no I/O.

`TicketTimes` holds one entry per ticket as arrays (numpy): which service it was drawn for and
where it ended, its status and counter, its service day, and its moments as UTC epoch seconds
(-1: never happened). The functions here turn them into the figures the console shows; each says
what it counts, since a figure nobody can explain persuades no council.

Hours of the day are the site's local hours, taken from zoneinfo for each moment: on the day
clocks go back, 02:00-03:00 happens twice and both count under 2 o'clock; on the day they go
forward there is no 2 o'clock. Durations are differences of UTC moments, so a DST change never
makes a wait an hour longer or shorter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

NEVER = -1
#: Wait histogram: 10-minute bins up to two hours, then everything longer.
WAIT_BIN_MINUTES = 10
WAIT_BINS = 12


#: Ticket statuses as the codes TicketTimes.status holds (their index here).
STATUSES = ("waiting", "called", "serving", "done", "no_show", "cancelled")
DONE, NO_SHOW = STATUSES.index("done"), STATUSES.index("no_show")


@dataclass(frozen=True)
class TicketTimes:
    """One entry per ticket of the range, all numbers: services, counters and days as their index in
    `services`, `counters` and `days` (-1: none or unknown), the status as its index in STATUSES,
    moments in UTC epoch seconds (NEVER where there is none). Numbers, because a year of an office's
    tickets is 300,000 of them and arrays of numbers are what numpy computes with at once."""

    services: tuple[str, ...]
    counters: tuple[str, ...]
    days: tuple[str, ...]
    issued_service: np.ndarray  # the service it was drawn for
    service: np.ndarray  # where it is now (a transferred ticket ends where it was served)
    status: np.ndarray
    counter: np.ndarray
    day: np.ndarray
    from_slot: np.ndarray  # bool: a later slot's ticket, checked in
    issued_at: np.ndarray
    called_at: np.ndarray
    started_at: np.ndarray
    finished_at: np.ndarray

    @staticmethod
    def from_rows(
        rows: list[tuple[int, ...]], services: tuple[str, ...], counters: tuple[str, ...], days: tuple[str, ...]
    ) -> TicketTimes:
        """From rows of (issued_service, service, status, counter, day, from_slot, issued, called, started,
        finished), every one a number as described above."""
        table = np.array(rows, dtype=np.int64).reshape(len(rows), 10)
        columns = [table[:, n] for n in range(10)]
        columns[5] = columns[5].astype(bool)
        return TicketTimes(services, counters, days, *columns)

    def service_code(self, service_id: str) -> int:
        return self.services.index(service_id) if service_id in self.services else -2

    def __len__(self) -> int:
        return len(self.issued_at)


def local_hours(moments: np.ndarray, zone: ZoneInfo) -> np.ndarray:
    """The local hour (0-23) of each UTC moment; zoneinfo asked once per distinct quarter hour."""
    if len(moments) == 0:
        return np.array([], dtype=np.int64)
    quarters, inverse = np.unique(moments // 900, return_inverse=True)
    hours = np.array([datetime.fromtimestamp(int(q) * 900, UTC).astimezone(zone).hour for q in quarters])
    return hours[inverse]


def _minutes(later: np.ndarray, earlier: np.ndarray) -> np.ndarray:
    both = (later != NEVER) & (earlier != NEVER)
    return (later[both] - earlier[both]) / 60.0


def _rounded(values: np.ndarray, q: float) -> float | None:
    return round(float(np.percentile(values, q)), 1) if len(values) else None


def waits(times: TicketTimes, mask: np.ndarray | None = None) -> np.ndarray:
    """Minutes from drawing (or checking in) to the last call, for tickets that were called."""
    mask = np.ones(len(times), dtype=bool) if mask is None else mask
    return _minutes(times.called_at[mask], times.issued_at[mask])


def within(wait_minutes: np.ndarray, target_minutes: float | None) -> float | None:
    """Service level: the share (%) of calls made within `target_minutes` of drawing the ticket."""
    if target_minutes is None or len(wait_minutes) == 0:
        return None
    return round(100.0 * float(np.mean(wait_minutes <= target_minutes)), 1)


def per_service(
    times: TicketTimes, service_id: str, target_minutes: float | None, demand: dict[str, int]
) -> dict[str, Any]:
    """The range's figures of one service: tickets by where they were drawn, visits by where they ended."""
    code = times.service_code(service_id)
    drawn = times.issued_service == code
    here = times.service == code
    wait = waits(times, here)
    done = here & (times.status == DONE)
    return {
        "issued": int(np.sum(drawn & ~times.from_slot)),
        "from_slot": int(np.sum(drawn & times.from_slot)),
        "turned_away": sum(demand.get(k, 0) for k in TURNED_AWAY),
        "later_slots_booked": demand.get("later_slots_booked", 0),
        "served": int(np.sum(done)),
        "no_show": int(np.sum(here & (times.status == NO_SHOW))),
        "wait_median_min": _rounded(wait, 50),
        "wait_p90_min": _rounded(wait, 90),
        "service_level_pct": within(wait, target_minutes),
        "visit_median_min": _rounded(_minutes(times.finished_at[done], times.started_at[done]), 50),
    }


TURNED_AWAY = ("quota_exhausted", "service_closed", "rate_limited", "no_later_slots")


def per_hour(times: TicketTimes, zone: ZoneInfo) -> dict[str, list[int]]:
    """Per local hour of the day (0-23): tickets drawn, calls, and visits finished, over the whole range."""
    called = times.called_at != NEVER
    done = (times.status == DONE) & (times.finished_at != NEVER)
    return {
        "issued": np.bincount(local_hours(times.issued_at, zone), minlength=24).tolist(),
        "called": np.bincount(local_hours(times.called_at[called], zone), minlength=24).tolist(),
        "served": np.bincount(local_hours(times.finished_at[done], zone), minlength=24).tolist(),
    }


def wait_histogram(times: TicketTimes) -> list[int]:
    """How many calls came after 0-10, 10-20, …, 110-120 minutes of waiting, and after more than 120."""
    bins = np.minimum((waits(times) // WAIT_BIN_MINUTES).astype(np.int64), WAIT_BINS)
    return np.bincount(bins, minlength=WAIT_BINS + 1).tolist()


def service_level_per_day(times: TicketTimes, targets: dict[str, float | None]) -> dict[str, list[float | None]]:
    """Per service with a target: its service level on each of `times.days` (None on a day without calls)."""
    days, where = times.days, times.day
    called = (times.called_at != NEVER) & (times.issued_at != NEVER)
    wait = np.where(called, (times.called_at - times.issued_at) / 60.0, np.inf)
    levels: dict[str, list[float | None]] = {}
    for service_id, target in targets.items():
        if target is None:
            continue
        mine = called & (times.service == times.service_code(service_id))
        calls = np.bincount(where[mine], minlength=len(days))
        in_time = np.bincount(where[mine], weights=(wait[mine] <= target), minlength=len(days))
        levels[service_id] = [
            round(100.0 * float(ok) / int(n), 1) if n else None for ok, n in zip(in_time, calls, strict=True)
        ]
    return levels


def counter_utilisation(times: TicketTimes) -> dict[str, dict[str, float]]:
    """Per counter: minutes with a visitor (call to finish) and its working minutes (first call to last
    finish, each day), and the share of the one in the other."""
    result: dict[str, dict[str, float]] = {}
    finished = (times.finished_at != NEVER) & (times.called_at != NEVER) & (times.counter >= 0)
    days, where = times.days, times.day
    for counter in np.unique(times.counter[finished]):
        mine = finished & (times.counter == counter)
        busy = float(np.sum(times.finished_at[mine] - times.called_at[mine])) / 60
        first = np.full(len(days), np.iinfo(np.int64).max)
        last = np.full(len(days), np.iinfo(np.int64).min)
        np.minimum.at(first, where[mine], times.called_at[mine])
        np.maximum.at(last, where[mine], times.finished_at[mine])
        worked = last >= first
        working = float(np.sum(last[worked] - first[worked])) / 60
        share = round(100 * busy / working, 1) if working > 0 else 0.0
        result[times.counters[counter]] = {
            "busy_min": round(busy, 1),
            "working_min": round(working, 1),
            "share_pct": share,
        }
    return result

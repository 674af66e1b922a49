"""A service's pace: the minutes a counter spends per call of it, learned from what the server stores.

The visit, a no-show's short wait and the moment to call the next person all belong to the pace;
a counter's break does not. It is learned from today's calls, the ones under way included (leaving
them out would count only the short visits of the morning), after a prior: what earlier days
measured (the same weekday's when there are enough, else the last weeks') or, on an office's first
days, the configured visit length, whose weight fades as today's calls come in.

Pure functions; server/rules/wait_estimate.py turns a pace into a wait.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

# Visit lengths at an office vary about this much (standard deviation / mean) when nothing was
# measured yet; no-shows make calls more uneven than visits.
DEFAULT_CV = 0.8
# How far a configured visit length may be off (relative standard deviation): it is a guess.
CONFIGURED_DOUBT = 0.3
# How much one day's pace differs from another's beyond chance (relative standard deviation).
DAY_TO_DAY = 0.1
# A counter that called again within this long after finishing was calling its next visitor; a
# longer pause is a break, which does not belong to the pace.
CALLING_GAP = timedelta(minutes=5)
# Earlier days remembered; the same weekday's alone when they hold enough calls to go by.
HISTORY_DAYS = 35
SAME_WEEKDAY_CALLS = 150
_SQRT2 = math.sqrt(2.0)


@dataclass(frozen=True)
class CounterCall:
    """One call of a ticket to a counter, as the tickets table records it."""

    service: str
    counter: str
    called_at: datetime
    finished_at: datetime | None  # None while the visit is under way


@dataclass(frozen=True)
class Pace:
    """Minutes a counter spends per call of one service, and how sure that is."""

    minutes: float
    cv: float  # spread of single calls: standard deviation / mean
    doubt: float  # relative standard error of `minutes`


# ------------------------------------------------------------------------------ what a call took


def call_minutes(calls: Iterable[CounterCall]) -> dict[str, list[float]]:
    """Per service, the minutes each finished call took its counter.

    From the call until the counter's next call when that came promptly after the visit ended,
    else until the visit ended: the pace then includes calling the next person but not breaks.
    """
    by_counter: dict[str, list[CounterCall]] = {}
    for call in calls:
        by_counter.setdefault(call.counter, []).append(call)
    taken: dict[str, list[float]] = {}
    for counter_calls in by_counter.values():
        counter_calls.sort(key=lambda c: c.called_at)
        for call, following in zip(counter_calls, [*counter_calls[1:], None], strict=True):
            if call.finished_at is None:
                continue
            end = call.finished_at
            if following is not None and end <= following.called_at <= end + CALLING_GAP:
                end = following.called_at
            elif following is not None and following.called_at < end:
                end = following.called_at  # called the next before closing this one
            taken.setdefault(call.service, []).append(max((end - call.called_at).total_seconds(), 0.0) / 60)
    return taken


# ------------------------------------------------------------------------------ learning the pace


@dataclass(frozen=True)
class History:
    """What earlier days measured for one service."""

    minutes: float
    cv: float
    calls: int


def remembered(taken_per_day: Mapping[date, Mapping[str, Sequence[float]]], today: date) -> dict[str, History]:
    """Per service, the pace of earlier days: the same weekday's when they hold enough calls, else all days'."""
    recent = {day: taken for day, taken in taken_per_day.items() if today - timedelta(HISTORY_DAYS) <= day < today}
    same_weekday = {day: taken for day, taken in recent.items() if day.weekday() == today.weekday()}
    services = {service for taken in recent.values() for service in taken}
    history: dict[str, History] = {}
    for service in services:
        on_weekday = sum(len(taken.get(service, ())) for taken in same_weekday.values())
        days = same_weekday if on_weekday >= SAME_WEEKDAY_CALLS else recent
        minutes = [m for taken in days.values() for m in taken.get(service, ())]
        if len(minutes) < 2:
            continue
        mean = sum(minutes) / len(minutes)
        if mean <= 0:
            continue
        sd = math.sqrt(sum((m - mean) ** 2 for m in minutes) / (len(minutes) - 1))
        history[service] = History(mean, max(sd / mean, 0.2), len(minutes))
    return history


def learn_pace(configured: float, history: History | None, finished: Sequence[float], elapsed: Sequence[float]) -> Pace:
    """The pace from today's finished calls and those under way (minutes so far), after a prior.

    The prior is earlier days' pace or, without any, the configured visit length; it counts as
    many calls as its certainty is worth, so a guessed configuration fades within the first hours
    and a well-measured history only slowly. A visit under way counts with the length it is
    expected to reach, given how long it has taken so far.
    """
    if history is not None:
        cv = history.cv
        prior_doubt = math.sqrt(cv * cv / history.calls + DAY_TO_DAY**2)
        prior = history.minutes
    else:
        cv, prior_doubt, prior = DEFAULT_CV, CONFIGURED_DOUBT, configured
    weight = (cv / prior_doubt) ** 2
    # A visit under way is judged by the prior pace: judging it by the pace being learned would
    # feed on itself early in the day (a long visit makes the pace longer, which makes that visit
    # look longer still), and the morning's estimates would run high.
    ongoing = sum(e + residual_minutes(e, prior, cv) for e in elapsed)
    minutes = (weight * prior + sum(finished) + ongoing) / (weight + len(finished) + len(elapsed))
    # A visit under way tells less than a finished one.
    evidence = weight + len(finished) + 0.5 * len(elapsed)
    return Pace(minutes, cv, cv / math.sqrt(evidence))


def residual_minutes(elapsed: float, mean: float, cv: float) -> float:
    """Expected minutes left of a visit that has taken `elapsed` so far (lognormal lengths)."""
    if elapsed <= 0:
        return mean
    sigma = math.sqrt(math.log(1 + cv * cv))
    mu = math.log(mean) - sigma * sigma / 2
    z = (mu - math.log(elapsed)) / sigma
    still_going = _normal_cdf(z)
    if still_going < 1e-9:  # far beyond any visit seen: assume it ends soon
        return min(mean, elapsed) * 0.25
    expected_length = mean * _normal_cdf(z + sigma) / still_going
    return max(expected_length - elapsed, 0.0)


def _normal_cdf(x: float) -> float:
    return 0.5 * math.erfc(-x / _SQRT2)


# ------------------------------------------------------------------------------ today's calls


@dataclass(frozen=True)
class DayCalls:
    """Today's calls as the pace needs them; they change with staff actions, not with the clock."""

    taken: Mapping[str, Sequence[float]]  # service -> minutes of each finished call
    busy: Mapping[str, tuple[str, datetime]]  # counter -> (service, called at) of its visit under way


def day_calls(calls: Sequence[CounterCall]) -> DayCalls:
    busy: dict[str, tuple[str, datetime]] = {}
    for call in calls:
        if call.finished_at is None and (call.counter not in busy or busy[call.counter][1] < call.called_at):
            busy[call.counter] = (call.service, call.called_at)
    return DayCalls(call_minutes(calls), busy)

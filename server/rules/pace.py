"""A service's pace: the minutes a counter spends per call of it, learned from what the server stores.

A call is a visit or a no-show. The pace per call is (1 - p) x the mean visit + p x a no-show's
minutes, p the share of called visitors who do not come. The visit (with the moment to call the
next person) is learned from today's visits, the ones under way included (leaving them out would
count only the short visits of the morning), after a prior: what earlier days measured (the same
weekday's when there are enough, else the last weeks') or, on an office's first days, the
configured visit length. The no-show share is learned from today's calls marked no-show, after
earlier days' share or a typical one; a configured visit length is a visit, not a call, so on
the first morning the pace is already a tenth or so below it. A counter's break is no part of it.

Pure functions; server/rules/wait_estimate.py turns a pace into a wait.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

# Visit lengths at an office vary about this much (standard deviation / mean) when nothing was
# measured yet.
DEFAULT_VISIT_CV = 0.7
# How far a configured visit length may be off (relative standard deviation): it is a guess.
CONFIGURED_DOUBT = 0.3
# How much one day's pace differs from another's beyond chance (relative standard deviation).
DAY_TO_DAY = 0.1
# Before an office has seen its own: about one called visitor in ten does not come (they left, or
# went to the wrong counter), and the counter waits a couple of minutes for them. The share is
# worth this many calls: today's no-shows move it within the first hour.
TYPICAL_NO_SHOW_SHARE = 0.1
NO_SHOW_PRIOR_CALLS = 20.0
TYPICAL_NO_SHOW_MINUTES = 2.0
# A counter that called again within this long after finishing was calling its next visitor; a
# longer pause is a break, which does not belong to the pace. A call under way this long is a
# visit: nobody waits that long for someone who does not come.
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
    no_show: bool = False  # the clerk marked that nobody came


@dataclass(frozen=True)
class Taken:
    """The minutes each finished call of one service took its counter, visits and no-shows apart."""

    visits: list[float] = field(default_factory=list)
    no_shows: list[float] = field(default_factory=list)


@dataclass(frozen=True)
class Pace:
    """Minutes a counter spends per call of one service, and how sure that is."""

    minutes: float
    cv: float  # spread of single calls: standard deviation / mean
    doubt: float  # relative standard error of `minutes`
    no_show_share: float = 0.0
    no_show_minutes: float = 0.0
    visit_cv: float | None = None  # spread of visits alone (None: calls are all alike)

    def residual(self, elapsed: float) -> float:
        """Expected minutes left of a call that has taken `elapsed` so far.

        Past a no-show's minutes the call is a visit; before, it may still be a no-show.
        """
        share = self.no_show_share
        if share <= 0 or share >= 1:
            return residual_minutes(elapsed, self.minutes, self.cv)
        visit = (self.minutes - share * self.no_show_minutes) / (1 - share)
        visit_left = residual_minutes(elapsed, visit, self.visit_cv or self.cv)
        if elapsed >= self.no_show_minutes:
            return visit_left
        still_going = _lognormal_survival(elapsed, visit, self.visit_cv or self.cv)
        no_show_odds = share / (share + (1 - share) * still_going)
        return no_show_odds * (self.no_show_minutes - elapsed) + (1 - no_show_odds) * visit_left


def mixed(visit: float, visit_cv: float, share: float, no_show: float, doubt: float) -> Pace:
    """The pace of calls that are visits (mean `visit`) or, a `share` of them, no-shows."""
    minutes = (1 - share) * visit + share * no_show
    second_moment = (1 - share) * visit * visit * (1 + visit_cv * visit_cv) + share * no_show * no_show
    cv = math.sqrt(max(second_moment / (minutes * minutes) - 1, 0.0))
    return Pace(minutes, cv, doubt, share, no_show, visit_cv)


# ------------------------------------------------------------------------------ what a call took


def call_minutes(calls: Iterable[CounterCall]) -> dict[str, Taken]:
    """Per service, the minutes each finished call took its counter.

    From the call until the counter's next call when that came promptly after the visit ended,
    else until the visit ended: the pace then includes calling the next person but not breaks.
    """
    by_counter: dict[str, list[CounterCall]] = {}
    for call in calls:
        by_counter.setdefault(call.counter, []).append(call)
    taken: dict[str, Taken] = {}
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
            service = taken.setdefault(call.service, Taken())
            minutes = max((end - call.called_at).total_seconds(), 0.0) / 60
            (service.no_shows if call.no_show else service.visits).append(minutes)
    return taken


# ------------------------------------------------------------------------------ learning the pace


@dataclass(frozen=True)
class History:
    """What earlier days measured for one service."""

    visit: float  # mean minutes of a visit
    visit_cv: float
    visits: int
    no_show_share: float
    no_show_minutes: float
    calls: int


def remembered(taken_per_day: Mapping[date, Mapping[str, Taken]], today: date) -> dict[str, History]:
    """Per service, what earlier days measured: the same weekday's when they hold enough calls, else all days'."""
    recent = {day: taken for day, taken in taken_per_day.items() if today - timedelta(HISTORY_DAYS) <= day < today}
    same_weekday = {day: taken for day, taken in recent.items() if day.weekday() == today.weekday()}
    services = {service for taken in recent.values() for service in taken}
    history: dict[str, History] = {}
    for service in services:
        on_weekday = sum(_calls(taken.get(service)) for taken in same_weekday.values())
        days = same_weekday if on_weekday >= SAME_WEEKDAY_CALLS else recent
        visits = [m for taken in days.values() if service in taken for m in taken[service].visits]
        no_shows = [m for taken in days.values() if service in taken for m in taken[service].no_shows]
        if len(visits) < 2:
            continue
        mean = sum(visits) / len(visits)
        if mean <= 0:
            continue
        sd = math.sqrt(sum((m - mean) ** 2 for m in visits) / (len(visits) - 1))
        calls = len(visits) + len(no_shows)
        no_show_minutes = sum(no_shows) / len(no_shows) if no_shows else TYPICAL_NO_SHOW_MINUTES
        history[service] = History(
            mean, max(sd / mean, 0.2), len(visits), len(no_shows) / calls, no_show_minutes, calls
        )
    return history


def _calls(taken: Taken | None) -> int:
    return 0 if taken is None else len(taken.visits) + len(taken.no_shows)


def learn_pace(configured: float, history: History | None, taken: Taken | None, elapsed: Sequence[float]) -> Pace:
    """The pace from today's finished calls and those under way (minutes so far), after a prior.

    Visits and no-shows apart. The visit's prior is earlier days' or, without any, the configured
    visit length; it counts as many visits as its certainty is worth, so a guessed configuration
    fades within the first hours and a well-measured history only slowly. A call under way counts
    as a visit with the length it is expected to reach, given how long it has taken so far. The
    no-show share starts from earlier days' or a typical one and moves with today's no-shows.
    """
    taken = taken or Taken()
    if history is not None:
        cv = history.visit_cv
        prior_doubt = math.sqrt(cv * cv / history.visits + DAY_TO_DAY**2)
        prior, prior_share, no_show = history.visit, history.no_show_share, history.no_show_minutes
    else:
        cv, prior_doubt, prior = DEFAULT_VISIT_CV, CONFIGURED_DOUBT, configured
        prior_share, no_show = TYPICAL_NO_SHOW_SHARE, TYPICAL_NO_SHOW_MINUTES
    weight = (cv / prior_doubt) ** 2
    # A visit under way is judged by the prior: judging it by the visit length being learned would
    # feed on itself early in the day (a long visit makes the mean longer, which makes that visit
    # look longer still), and the morning's estimates would run high.
    visits = taken.visits
    ongoing = sum(e + residual_minutes(e, prior, cv) for e in elapsed)
    visit = (weight * prior + sum(visits) + ongoing) / (weight + len(visits) + len(elapsed))
    # No-shows: how many of today's calls were, after the prior share worth NO_SHOW_PRIOR_CALLS
    # calls. Calls under way for a while are visitors who came.
    came = len(visits) + sum(1 for e in elapsed if e >= CALLING_GAP.total_seconds() / 60)
    missed = len(taken.no_shows)
    share = (NO_SHOW_PRIOR_CALLS * prior_share + missed) / (NO_SHOW_PRIOR_CALLS + came + missed)
    if taken.no_shows:
        no_show = (NO_SHOW_PRIOR_CALLS * prior_share * no_show + sum(taken.no_shows)) / (
            NO_SHOW_PRIOR_CALLS * prior_share + missed
        )
    # A visit under way tells less than a finished one.
    evidence = weight + len(visits) + 0.5 * len(elapsed)
    return mixed(visit, cv, share, no_show, cv / math.sqrt(evidence))


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


def _lognormal_survival(elapsed: float, mean: float, cv: float) -> float:
    if elapsed <= 0:
        return 1.0
    sigma = math.sqrt(math.log(1 + cv * cv))
    return _normal_cdf((math.log(mean) - sigma * sigma / 2 - math.log(elapsed)) / sigma)


def _normal_cdf(x: float) -> float:
    return 0.5 * math.erfc(-x / _SQRT2)


# ------------------------------------------------------------------------------ today's calls


@dataclass(frozen=True)
class DayCalls:
    """Today's calls as the pace needs them; they change with staff actions, not with the clock."""

    taken: Mapping[str, Taken]  # service -> minutes of each finished call
    busy: Mapping[str, tuple[str, datetime]]  # counter -> (service, called at) of its visit under way


def day_calls(calls: Sequence[CounterCall]) -> DayCalls:
    busy: dict[str, tuple[str, datetime]] = {}
    for call in calls:
        if call.finished_at is None and (call.counter not in busy or busy[call.counter][1] < call.called_at):
            busy[call.counter] = (call.service, call.called_at)
    return DayCalls(call_minutes(calls), busy)

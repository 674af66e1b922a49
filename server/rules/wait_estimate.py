"""The expected wait, as a range in minutes, for a ticket or for someone drawing one now.

The model. Each open counter calls people one after another; the minutes a counter spends per call
(the visit, a no-show's short wait, the moment to call the next person) is the service's *pace*.
Someone with k people ahead is called at the (k+1)-th call of the counters serving their service.
So the expected wait comes from when each counter is free again (its visit under way, judged by how
long it has already taken) and from the pace after that; its uncertainty is that of a sum of the
visits ahead, which grows with the square root of the people ahead, plus what is still unknown
about the pace itself. The range is that uncertainty on both sides of the expected wait.

The pace is learned, not taken from the configuration: from today's calls, the ones under way
included (leaving them out would count only the short visits of the morning), starting from what
earlier days measured (the same weekday's when there are enough, else the last weeks') or, on an
office's first days, from the configured visit length, whose weight fades as today's calls come in.
A counter serving several queues gives each a share of its time: by the work waiting in each, so
that the queues it shares with other counters end together, as oldest-first calling makes them.

Pure functions: the server gathers the calls, the open counters and the queue, and asks.
No open counter means no estimate (the client shows "unknown", never "0").
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from server.rules.pace import DayCalls, History, Pace, learn_pace

# The range covers the middle 84 % of the likely waits (1.4 standard deviations each side).
RANGE_Z = 1.4


@dataclass(frozen=True)
class WaitEstimate:
    low_min: int
    high_min: int

    def as_json(self) -> dict[str, int]:
        return {"low_min": self.low_min, "high_min": self.high_min}


@dataclass(frozen=True)
class OpenCounter:
    """An open counter as one service's queue sees it."""

    share: float  # of the counter's time this service gets (1 when nobody else waits for it)
    free_in: float  # expected minutes until it calls again (0 when free now)


# ------------------------------------------------------------------------------ the wait


def counter_shares(services_of: Mapping[str, Sequence[str]], work: Mapping[str, float]) -> dict[str, dict[str, float]]:
    """Counter -> service -> the share of that counter's time the service will get.

    Counters calling the oldest ticket among their services keep the heads of their queues about
    equally old, so the waiting work of all queues tends to end at the same time: each service's
    work (people waiting times pace) spreads over the counters that serve it so as to level their
    loads (water-filling, a few rounds over the services). A counter with no work waiting would
    serve whoever comes: share 1 each.
    """
    serving: dict[str, list[str]] = {}
    for counter, services in services_of.items():
        for service in services:
            serving.setdefault(service, []).append(counter)
    part = {
        service: dict.fromkeys(counters, work.get(service, 0.0) / len(counters))
        for service, counters in serving.items()
    }
    load = {counter: sum(part[s][counter] for s in services) for counter, services in services_of.items()}
    settled = 1e-3 * sum(work.values()) / max(len(services_of), 1)
    for _ in range(8):
        moved = 0.0
        for service, counters in serving.items():
            if work.get(service, 0.0) <= 0:
                continue
            base = {c: load[c] - part[service][c] for c in counters}
            for counter, amount in _level(base, work[service]).items():
                moved = max(moved, abs(amount - part[service][counter]))
                load[counter] += amount - part[service][counter]
                part[service][counter] = amount
        if moved <= settled:
            break
    return {
        counter: {s: part[s][counter] / load[counter] if load[counter] > 0 else 1.0 for s in services}
        for counter, services in services_of.items()
    }


def _level(base: Mapping[str, float], amount: float) -> dict[str, float]:
    """Pour `amount` onto counters already loaded with `base` so that the lowest end up level."""
    ordered = sorted(base.items(), key=lambda item: item[1])
    poured = 0.0
    level = 0.0
    for index, (_, height) in enumerate(ordered):
        poured += height
        level = (amount + poured) / (index + 1)
        if index + 1 == len(ordered) or level <= ordered[index + 1][1]:
            break
    return {counter: max(level - height, 0.0) for counter, height in ordered}


def estimate_wait(people_ahead: int, pace: Pace, counters: Sequence[OpenCounter]) -> WaitEstimate | None:
    """Range for someone with `people_ahead` before them, or None when no counter serves them."""
    return QueueView(pace, counters).wait(people_ahead)


class QueueView:
    """One service's queue as its open counters will work it off: any number of places, cheaply."""

    def __init__(self, pace: Pace, counters: Sequence[OpenCounter]) -> None:
        self.pace = pace
        self.capacity = sum(c.share for c in counters)
        # A counter free now calls at once: the calls before that are not waited for.
        self.free_now = sum(c.share for c in counters if c.free_in <= 0)
        cv2 = pace.cv * pace.cv
        self._one_call = (pace.cv * pace.minutes / self.capacity) ** 2 if self.capacity > 0 else 0.0
        self._mixing = (1 - cv2) / (2 * max(self.capacity, 1.0))
        # Renewal theory: a counter free in r minutes has made about (t - r) / pace + (1 + cv^2) / 2
        # calls by time t (uneven visits let more calls happen early than a steady beat would),
        # times its share. Summed over the counters this is piecewise linear in t, starting at
        # r - lead for each counter: precomputed here as (from, rate, offset) pieces.
        lead = pace.minutes * (1 + cv2) / 2
        starts = sorted((max(c.free_in, 0.0) - lead, c.share) for c in counters if c.share > 0)
        self._pieces: list[tuple[float, float, float]] = []  # (until, calls per minute, calls at t = 0)
        rate = offset = 0.0
        for index, (start, share) in enumerate(starts):
            rate += share / pace.minutes
            offset -= share * start / pace.minutes
            until = starts[index + 1][0] if index + 1 < len(starts) else math.inf
            self._pieces.append((until, rate, offset))

    def wait(self, people_ahead: int) -> WaitEstimate | None:
        if self.capacity <= 0:
            return None
        expected = self._expected_wait(people_ahead)
        # Calls still to finish before this person's: each varies by cv * pace, spread over the
        # counters; to that adds what is still unknown about the pace.
        calls_to_wait_for = max(people_ahead + 1 - self.free_now, 0.0)
        spread = RANGE_Z * math.sqrt(calls_to_wait_for * self._one_call + (expected * self.pace.doubt) ** 2)
        low = max(math.floor(expected - spread), 0)
        high = max(math.ceil(expected + spread), low + 1)
        return WaitEstimate(low_min=low, high_min=high)

    def _expected_wait(self, people_ahead: int) -> float:
        """When the (people_ahead + 1)-th call comes, on average.

        The count at the moment of the n-th call is n - (1 - cv^2) / 2 for one counter and tends
        to n for many (their calls mix).
        """
        target = people_ahead + 1 - self._mixing
        for until, rate, offset in self._pieces:
            moment = (target - offset) / rate
            if moment <= until:
                return max(moment, 0.0)
        return math.inf  # unreachable: the last piece is unbounded


# ------------------------------------------------------------------------------ one moment's model


class WaitModel:
    """What the estimates of one moment are computed from, for every service of an office.

    Built from the facts the server stores (today's calls, earlier days' paces, the counters and
    the services' configured visit lengths); learns a service's pace on first use, then answers
    `wait` for any ticket in a few arithmetic steps per open counter.
    """

    def __init__(
        self,
        configured: Mapping[str, float],
        counters: Mapping[str, Sequence[str]],
        today: DayCalls,
        history: Mapping[str, History],
        now: datetime,
    ) -> None:
        self._configured = configured
        self._counters = counters
        self.today = today
        self._history = history
        self.now = now
        self._paces: dict[str, Pace] = {}
        self._free: dict[str, float] = {}
        self._layouts: dict[frozenset[str], _Layout] = {}
        self._views: dict[tuple[str, int, int], QueueView] = {}
        self._shares: dict[tuple[int, ...], dict[str, dict[str, float]]] = {}

    def pace(self, service: str) -> Pace:
        pace = self._paces.get(service)
        if pace is None:
            elapsed = [
                self._minutes_since(called_at)
                for busy_service, called_at in self.today.busy.values()
                if busy_service == service
            ]
            pace = learn_pace(
                self._configured.get(service, 10.0),
                self._history.get(service),
                self.today.taken.get(service),
                elapsed,
            )
            self._paces[service] = pace
        return pace

    def _minutes_since(self, moment: datetime) -> float:
        return max((self.now - moment).total_seconds(), 0.0) / 60

    def wait(
        self,
        service: str,
        people_ahead: int,
        waiting: Mapping[str, int],
        open_counters: Collection[str],
    ) -> WaitEstimate | None:
        """The range for someone of `service` with `people_ahead` before them; None if no counter serves it."""
        layout = self._layout(open_counters)
        serving = layout.serving.get(service)
        if not serving:
            return None
        shares = self._shares_for(layout, service, people_ahead, waiting) if service in layout.shared else None
        key = (service, id(layout), id(shares))  # both are kept for the model's life: their ids are theirs
        view = self._views.get(key)
        if view is None:
            counters = [OpenCounter(shares[c][service] if shares else 1.0, self._free_in(c)) for c in serving]
            view = self._views[key] = QueueView(self.pace(service), counters)
        return view.wait(people_ahead)

    def _layout(self, open_counters: Collection[str]) -> _Layout:
        key = frozenset(open_counters)
        layout = self._layouts.get(key)
        if layout is None:
            services_of = {c: self._counters[c] for c in sorted(key) if c in self._counters}
            serving: dict[str, list[str]] = {}
            for counter, services in services_of.items():
                for service in services:
                    serving.setdefault(service, []).append(counter)
            shared = {s for s, counters in serving.items() if any(len(services_of[c]) > 1 for c in counters)}
            involved = tuple(sorted(serving))
            layout = self._layouts[key] = _Layout(services_of, serving, shared, involved)
        return layout

    def _free_in(self, counter: str) -> float:
        free_in = self._free.get(counter)
        if free_in is None:
            busy = self.today.busy.get(counter)
            if busy is None:
                free_in = 0.0
            else:
                service, called_at = busy
                free_in = self.pace(service).residual(self._minutes_since(called_at))
            self._free[counter] = free_in
        return free_in

    def _shares_for(
        self, layout: _Layout, service: str, people_ahead: int, waiting: Mapping[str, int]
    ) -> dict[str, dict[str, float]]:
        calls = []
        for s in layout.involved:
            count = waiting.get(s, 0)
            # This person's own call counts even before their ticket is in the queue (a ticket drawn now).
            calls.append(people_ahead + 1 if s == service and count <= people_ahead else count)
        key = (id(layout), *calls)
        shares = self._shares.get(key)
        if shares is None:
            work = {s: n * self.pace(s).minutes for s, n in zip(layout.involved, calls, strict=True)}
            shares = self._shares[key] = counter_shares(layout.services_of, work)
        return shares


@dataclass(frozen=True)
class _Layout:
    """Which open counters serve which services, for one set of open counters."""

    services_of: dict[str, Sequence[str]]
    serving: dict[str, list[str]]
    shared: set[str]  # services with at least one open counter that also serves another
    involved: tuple[str, ...]

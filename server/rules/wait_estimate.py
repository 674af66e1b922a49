"""The expected wait, as a range in minutes, for a ticket or for someone drawing one now.

Inputs are what the server knows: people ahead, the counters open for the service, and how long a
visit takes. The visit length is learned from today's finished tickets, shrunk towards the
configured service time so that the first two or three visits of the morning do not swing the
estimate wildly. No open counter means no estimate (the client shows "unknown", never "0").
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

# How many observed visits weigh as much as the configured service time.
PRIOR_WEIGHT = 5.0
# The range is deliberately wide: a visitor who is told 20-35 and waits 30 trusts the next ticket.
LOW_FACTOR = 0.8
HIGH_FACTOR = 1.25


@dataclass(frozen=True)
class WaitEstimate:
    low_min: int
    high_min: int

    def as_json(self) -> dict[str, int]:
        return {"low_min": self.low_min, "high_min": self.high_min}


def learned_service_minutes(configured: float, observed: Sequence[float]) -> float:
    """Average visit length: the configured value, pulled towards today's observed visits."""
    return (PRIOR_WEIGHT * configured + sum(observed)) / (PRIOR_WEIGHT + len(observed))


def estimate_wait(people_ahead: int, service_minutes: float, counter_capacity: float) -> WaitEstimate | None:
    """Range for someone with `people_ahead` before them.

    `counter_capacity` is the number of open counters serving this service, each counted by the
    share of its attention this service gets (a counter serving two services counts 0.5).
    """
    if counter_capacity <= 0:
        return None
    per_person = service_minutes / counter_capacity
    # Everyone ahead, plus on average half of the visit now under way at the counter.
    expected = (people_ahead + 0.5) * per_person
    low = math.floor(expected * LOW_FACTOR)
    high = math.ceil(expected * HIGH_FACTOR)
    return WaitEstimate(low_min=low, high_min=max(high, low + 1))

"""Which waiting ticket a counter calls next.

Oldest first across every service the counter serves, with a per-service priority weight: a
ticket's urgency is (time waited + one minute) × its service's priority. The extra minute lets
the weight count from the first moment, so with equal waits the more urgent service goes first.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta

_HEAD_START = timedelta(minutes=1)


@dataclass(frozen=True)
class QueuedTicket:
    id: str
    service: str
    queued_at: datetime
    sequence: int  # tie-breaker when two tickets were queued in the same instant


def urgency(ticket: QueuedTicket, now: datetime, priorities: Mapping[str, float]) -> float:
    waited = max(now - ticket.queued_at, timedelta(0)) + _HEAD_START
    return waited.total_seconds() * priorities.get(ticket.service, 1.0)


def choose_next(
    candidates: Iterable[QueuedTicket], now: datetime, priorities: Mapping[str, float]
) -> QueuedTicket | None:
    """The ticket to call now, or None when nobody waits.

    Only the head of each service's queue can win (within a service the weight is the same, so
    the oldest is the most urgent); callers may pass just those heads.
    """
    return max(
        candidates,
        key=lambda t: (urgency(t, now, priorities), -t.queued_at.timestamp(), -t.sequence),
        default=None,
    )

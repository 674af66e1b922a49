"""Which waiting ticket a counter calls next.

A later slot is a promise: a checked-in slot ticket whose window has started is *due*, and due
tickets are called before every walk-in ticket of the counter's services, the earliest window
first. Otherwise (and before its window starts, a checked-in slot ticket waits like a walk-in one,
by the time it checked in) the oldest first across every service the counter serves, with a
per-service priority weight: a ticket's urgency is (time waited + one minute) × its service's
priority. The extra minute lets the weight count from the first moment, so with equal waits the
more urgent service goes first.
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
    #: The start of the later slot's window the ticket was checked in for; None for a walk-in ticket.
    window_start: datetime | None = None


def is_due(ticket: QueuedTicket, now: datetime) -> bool:
    """A slot ticket whose window has started."""
    return ticket.window_start is not None and ticket.window_start <= now


def queue_order(ticket: QueuedTicket, now: datetime) -> tuple[int, float, float, int]:
    """A ticket's place within its service's queue at `now` (smaller is called first).

    site_queue.people_ahead counts the same order in SQL.
    """
    if is_due(ticket, now):
        assert ticket.window_start is not None
        return (0, ticket.window_start.timestamp(), ticket.queued_at.timestamp(), ticket.sequence)
    return (1, 0.0, ticket.queued_at.timestamp(), ticket.sequence)


def urgency(ticket: QueuedTicket, now: datetime, priorities: Mapping[str, float]) -> float:
    waited = max(now - ticket.queued_at, timedelta(0)) + _HEAD_START
    return waited.total_seconds() * priorities.get(ticket.service, 1.0)


def choose_next(
    candidates: Iterable[QueuedTicket], now: datetime, priorities: Mapping[str, float]
) -> QueuedTicket | None:
    """The ticket to call now, or None when nobody waits.

    Only the heads of each service's queue can win: its oldest waiting ticket and its due slot
    ticket with the earliest window; callers may pass just those.
    """
    candidates = list(candidates)
    due = [t for t in candidates if is_due(t, now)]
    if due:
        return min(due, key=lambda t: queue_order(t, now))
    return max(
        candidates,
        key=lambda t: (urgency(t, now, priorities), -t.queued_at.timestamp(), -t.sequence),
        default=None,
    )

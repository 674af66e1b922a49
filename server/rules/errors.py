"""What the queue refuses, typed: each error carries the facts a client acts on and a sentence for a person.

Raised by the rules and by the office's storage layer. They say what went wrong in the queue's words;
which HTTP status, error code and headers that becomes is decided in one place, server/api/errors.py.
"""

from __future__ import annotations

from datetime import date, datetime

from server.rules.service_day import ClosedReason


class QueueError(Exception):
    """A request the queue refuses; `message` is a sentence a person can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(QueueError):
    """An unknown service, counter or ticket (or a genuine code whose ticket this office does not know)."""


class InvalidInput(QueueError):
    """A well-formed value the rules cannot accept, e.g. a language the office does not offer."""


class IdempotencyKeyReused(QueueError):
    """A kiosk sent an Idempotency-Key again with another service or language than the ticket (or later
    slot) it made.

    Handing back the first ticket would print the wrong concern for the visitor at the kiosk; making
    a second would break the promise that one key is one ticket. So: refuse, and name the key.
    """

    def __init__(self, message: str, *, key: str) -> None:
        super().__init__(message)
        self.key = key


class InvalidCode(QueueError):
    """Not one of our ticket codes: garbage, truncated, or the signature does not verify."""


class InvalidTransition(QueueError):
    """The action does not fit the ticket's status (finishing a ticket that was never called)."""

    def __init__(self, message: str, *, status: str) -> None:
        super().__init__(message)
        self.status = status


class Expired(QueueError):
    """A genuine ticket of an earlier service day.

    `number` and `day` are set when the ticket was named by its code (scan, phone page): the
    client may not know which ticket that was. Staff acting on a ticket id already know it.
    """

    def __init__(self, message: str, *, number: str | None = None, day: date | None = None) -> None:
        super().__init__(message)
        self.number = number
        self.day = day


class ServiceClosed(QueueError):
    """No ticket for a service now: it is switched off or outside its hours. `next_open` in the site's zone."""

    def __init__(self, message: str, *, service: str, reason: ClosedReason, next_open: datetime | None) -> None:
        super().__init__(message)
        self.service = service
        self.reason = reason
        self.next_open = next_open


class QuotaExhausted(QueueError):
    """Today's tickets of a service are all given out. `next_open` (site's zone) is its next service day."""

    def __init__(self, message: str, *, service: str, next_open: datetime | None) -> None:
        super().__init__(message)
        self.service = service
        self.next_open = next_open


class RateLimited(QueueError):
    """A kiosk issues faster than the office allows; it may try again after `retry_after` seconds."""

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class TicketsStillAvailable(QueueError):
    """A later slot was asked for while today's walk-in tickets of the service can still be drawn.

    `next_open` (site's zone) is None when a ticket can be drawn right now, else when today's next
    walk-in ticket can be drawn (after a break, at opening time).
    """

    def __init__(self, message: str, *, service: str, remaining: int | None, next_open: datetime | None) -> None:
        super().__init__(message)
        self.service = service
        self.remaining = remaining
        self.next_open = next_open


class NoLaterSlots(QueueError):
    """Every window of the coming open days is booked (or the service offers no later slots)."""

    def __init__(self, message: str, *, service: str) -> None:
        super().__init__(message)
        self.service = service


class TooEarly(QueueError):
    """A later slot's check-in is not open yet; `check_in_from` says when it opens (site's zone)."""

    def __init__(self, message: str, *, window_start: datetime, window_end: datetime, check_in_from: datetime) -> None:
        super().__init__(message)
        self.window_start = window_start
        self.window_end = window_end
        self.check_in_from = check_in_from


class SlotCancelled(QueueError):
    """The office cancelled this later slot."""


class SlotNotBooked(QueueError):
    """Only a booked later slot can be cancelled; this one is checked in, missed or cancelled already."""

    def __init__(self, message: str, *, status: str) -> None:
        super().__init__(message)
        self.status = status


class NotPartnersService(QueueError):
    """A counselling partner asked for a concern the office has not opened to it."""

    def __init__(self, message: str, *, service: str) -> None:
        super().__init__(message)
        self.service = service


class PartnerAllotmentExhausted(QueueError):
    """A counselling partner holds as many later slots on that day as the office allows it."""

    def __init__(self, message: str, *, day: date, slots_per_day: int) -> None:
        super().__init__(message)
        self.day = day
        self.slots_per_day = slots_per_day

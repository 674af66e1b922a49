"""Why a scanned slot paper gives no ticket now, and what its holder should do, in plain words.

Kept apart from the controller: the rules for "come back at 9:00" (today) or "on Tuesday at 9:00"
(another day), and which refusals send the visitor to the information desk, are tested on their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from client.errors import ApiError, Expired, InvalidCode, NotFound, SlotCancelled, TooEarly
from kiosk.wording import clock_text, day_text, kiosk_text, window_text
from wartemarke.api_objects import Ticket


@dataclass(frozen=True)
class CheckInRefusal:
    """Why a scanned paper gives no ticket now, and the language its slot was booked in (None: unknown)."""

    error: ApiError | None
    language: str | None
    #: A walk-in ticket's code scanned at "I have a slot" (it needs no check-in).
    ticket: Ticket | None = None


def refusal_text(refusal: CheckInRefusal, language: str, now: datetime) -> tuple[str, str]:
    """(title, what to do) in `language`; `now` decides between "today at 9:00" and another day."""
    _ = kiosk_text(language)
    error = refusal.error
    if refusal.ticket is not None:
        return _("This paper is a ticket, not a slot."), _("Please wait until your number is called.")
    if isinstance(error, TooEarly) and error.check_in_from is not None:
        return _("It is too early to check in."), _come_back(error, error.check_in_from, language, now)
    if isinstance(error, Expired):
        return _("The time for this slot has passed."), _("Please go to the information desk.")
    if isinstance(error, SlotCancelled):
        return _("This slot was cancelled by the office."), _("Please go to the information desk.")
    if isinstance(error, InvalidCode | NotFound):
        return _("This code is not valid here."), _("Please go to the information desk.")
    return _("Something went wrong. Please ask at the information desk."), ""


def _come_back(error: TooEarly, opens: datetime, language: str, now: datetime) -> str:
    _ = kiosk_text(language)
    if opens.date() == now.astimezone(opens.tzinfo).date():
        come_back = _("Please come back at {time}.").format(time=clock_text(opens))
    else:
        come_back = _("Please come back on {day} at {time}.").format(
            day=day_text(opens.date(), language), time=clock_text(opens)
        )
    if error.window_start is None or error.window_end is None:
        return come_back
    window = window_text(error.window_start, error.window_end, _)
    slot = _("Your slot: {day}, {window}.").format(day=day_text(error.window_start.date(), language), window=window)
    return f"{slot}\n{come_back}"

"""Checking in a later slot: the holder scans the paper at a kiosk or a counter and gets a numbered ticket.

The ticket takes the next number of the slot's service (one series with the walk-in tickets, but
no quota: server/office/numbering.py) and remembers its window, so that once the window has
started it is called before the walk-in tickets (server/rules/calling.py). Check-in opens
`check_in_before_minutes` before the window and closes `check_in_late_minutes` after it; later the
slot is `missed`. A ticket's own code checks in to itself: whatever paper is scanned, the answer
is the ticket behind it.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from types import SimpleNamespace
from typing import Any

from sqlalchemy import Connection, insert, update

from server.clock import to_db
from server.office.numbering import take_slot_number
from server.office.site_queue import SiteQueue
from server.office.slot_views import window_of
from server.rules.errors import Expired, QueueError, SlotCancelled, TooEarly
from server.rules.later_slots import CheckInTiming, check_in_closes, check_in_opens, check_in_timing
from server.rules.service_day import service_day
from server.rules.ticket_codes import new_token
from server.rules.ticket_rules import TicketStatus, format_number
from server.storage.schema import later_slots, tickets

#: (ticket, created): created is False when the slot was checked in before (or the code is a ticket's).
CheckedIn = tuple[dict[str, Any], bool]


class CheckIn:
    def __init__(self, queue: SiteQueue) -> None:
        self._queue = queue
        self._site = queue.site

    def check_in(self, code: str, all_sites: list[str]) -> CheckedIn:
        """The ticket for a scanned slot code; `all_sites` tells a foreign code from a forged one."""
        with self._queue.transactions.writing() as connection:
            outcome = self._check_in(connection, code, all_sites)
        if isinstance(outcome, QueueError):
            raise outcome  # after the commit: a slot found too late stays `missed`
        return outcome

    def _check_in(self, connection: Connection, code: str, all_sites: list[str]) -> CheckedIn | QueueError:
        queue = self._queue
        owner = queue.code_owner(connection, code, all_sites)
        if owner.ticket is not None:
            return queue.answer(connection, queue.todays(owner.ticket)), False
        slot = owner.slot
        assert slot is not None
        now = queue.clock()
        if slot.status == "checked_in":
            ticket = queue.todays(queue.ticket_row(connection, slot.ticket_id))
            return queue.answer(connection, ticket), False
        if slot.status == "cancelled":
            raise SlotCancelled("The office cancelled this slot. Please ask at the information desk.")
        rules, window = queue.slot_views.rules(slot), window_of(slot)
        timing = check_in_timing(window, rules, now, self._site)
        when = f"{self._clock(window.start)}–{self._clock(window.end)} on {slot.day.isoformat()}"
        if slot.status == "missed" or timing is CheckInTiming.TOO_LATE:
            if slot.status == "booked":
                self._mark_missed(connection, slot.id, now)
            closed_at = self._clock(check_in_closes(window, rules))
            return Expired(
                f"This slot was for {when}; check-in closed at {closed_at}. Please ask at the information desk.",
                day=slot.day,
            )
        if timing is CheckInTiming.TOO_EARLY:
            opens = check_in_opens(window, rules, self._site).astimezone(self._site.zone)
            day = "" if opens.date() == now.astimezone(self._site.zone).date() else f" on {opens.date().isoformat()}"
            raise TooEarly(
                f"This slot is for {when}. Check-in opens at {opens:%H:%M}{day}: please come back then.",
                window_start=window.start.astimezone(self._site.zone),
                window_end=window.end.astimezone(self._site.zone),
                check_in_from=opens,
            )
        return self._issue(connection, slot, now), True

    def _issue(self, connection: Connection, slot: Any, now: datetime) -> dict[str, Any]:
        """The slot's ticket, numbered in its service's series, and the slot checked in."""
        queue = self._queue
        service = queue.service(slot.service_id)
        day = service_day(now, self._site)
        sequence = take_slot_number(connection, self._site.id, service, day)
        token, code_key = new_token(queue.signing_key, self._site.id)
        values = {
            "id": str(uuid.uuid4()),
            "site_id": self._site.id,
            "day": day,
            "service_id": service.id,
            "issued_service_id": service.id,
            "sequence": sequence,
            "number": format_number(service.prefix, sequence),
            "language": slot.language,
            "status": TicketStatus.WAITING,
            "issued_at": to_db(now),
            "queued_at": to_db(now),
            "called_at": None,
            "counter_id": None,
            "code_token": token,
            "code_key": code_key,
            # Not the checking device's: its kiosk limit counts the tickets it draws, not these.
            "device_token_id": None,
            "idempotency_key": None,
            "slot_window_start": slot.window_start,
            "slot_window_end": slot.window_end,
        }
        connection.execute(insert(tickets).values(**values))
        connection.execute(
            update(later_slots)
            .where(later_slots.c.id == slot.id)
            .values(
                status="checked_in", ticket_id=values["id"], ticket_number=values["number"], checked_in_at=to_db(now)
            )
        )
        ticket = SimpleNamespace(**values)
        checked_in = SimpleNamespace(
            **{**slot._mapping, "status": "checked_in", "ticket_id": ticket.id, "ticket_number": ticket.number}
        )
        snap = queue.snapshot(connection)
        queue.events.append_many(
            connection,
            [
                ("ticket.issued", queue.views.summary(ticket)),
                ("slot.checked_in", queue.slot_views.summary(checked_in, now)),
                ("service.updated", queue.views.service(snap, service)),
            ],
        )
        return queue.answer(connection, queue.ticket_row(connection, ticket.id), snap)

    def _mark_missed(self, connection: Connection, slot_id: str, now: datetime) -> None:
        queue = self._queue
        connection.execute(update(later_slots).where(later_slots.c.id == slot_id).values(status="missed"))
        row = connection.execute(later_slots.select().where(later_slots.c.id == slot_id)).one()
        queue.events.append(connection, "slot.updated", queue.slot_views.summary(row, now))

    def _clock(self, moment: datetime) -> str:
        return f"{moment.astimezone(self._site.zone):%H:%M}"

"""What an office manager does with later slots: list a day's, cancel one, close a coming date.

Closing a date that holds booked slots is refused unless the slots are to be moved: each then goes,
in the order of its window, to the earliest window with room on the next open day with room
(beyond the bookable days if need be: a guaranteed slot stays guaranteed). All of it is one
transaction; if one slot finds no place, nothing changes. A moved slot keeps the window printed on
its paper as `moved_from`, so its status page can say that it moved.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from server.clock import from_db, to_db
from server.office.partner_allotment import give_back_allotment, move_allotment
from server.office.site_queue import SiteQueue
from server.office.slot_views import window_of
from server.rules.errors import InvalidInput, NotFound, SlotNotBooked
from server.rules.later_slots import Window, open_days_after, windows_on
from server.rules.service_day import service_day
from server.storage.schema import closed_dates, later_slots


class SlotAdmin:
    def __init__(self, queue: SiteQueue) -> None:
        self._queue = queue
        self._site = queue.site

    def slots(self, day: date | None = None, service_id: str | None = None) -> list[dict[str, Any]]:
        """The later slots of a day (default today), earliest window first, as their summaries."""
        queue = self._queue
        query = select(later_slots).where(later_slots.c.site_id == self._site.id)
        if service_id is not None:
            query = query.where(later_slots.c.service_id == queue.service(service_id).id)
        now = queue.clock()
        with queue.transactions.reading() as connection:
            rows = connection.execute(
                query.where(later_slots.c.day == (day or queue.today())).order_by(
                    later_slots.c.window_start, later_slots.c.booked_at
                )
            ).all()
        return [queue.slot_views.summary(row, now) for row in rows]

    def cancel(self, slot_id: str, partner_id: str | None = None) -> dict[str, Any]:
        """Cancel a booked slot (of this partner only, if one is named); its place returns to its window,
        and to its partner's allotment. The cancelled Slot."""
        queue = self._queue
        with queue.transactions.writing() as connection:
            now = queue.clock()
            query = select(later_slots).where(later_slots.c.id == slot_id, later_slots.c.site_id == self._site.id)
            if partner_id is not None:
                query = query.where(later_slots.c.partner_id == partner_id)
            row = connection.execute(query).first()
            if row is None:
                whose = "There is" if partner_id is None else f"{partner_id} has"
                raise NotFound(f"{whose} no later slot with id {slot_id!r}.")
            status = queue.slot_views.status(row, now)
            if status != "booked":
                raise SlotNotBooked(
                    f"The slot {slot_id} is {status.replace('_', ' ')}; only booked slots can be cancelled.",
                    status=status,
                )
            queue.calendar.give_back(connection, row.service_id, row.day, from_db(row.window_start))
            if row.partner_id is not None:
                give_back_allotment(connection, self._site.id, row.partner_id, row.day)
            connection.execute(
                update(later_slots)
                .where(later_slots.c.id == row.id)
                .values(status="cancelled", cancelled_at=to_db(now))
            )
            cancelled = self._row(connection, row.id)
            queue.events.append(connection, "slot.updated", queue.slot_views.summary(cancelled, now))
            queue.announce_services(connection, {row.service_id})
            return queue.slot_views.slot(cancelled, now)

    def closed_dates(self) -> list[tuple[date, str]]:
        """Every closed date from today on, and where it was closed ("config" or "admin")."""
        queue = self._queue
        today = queue.today()
        with queue.transactions.reading() as connection:
            stored = {
                row.day
                for row in connection.execute(
                    select(closed_dates.c.day).where(
                        closed_dates.c.site_id == self._site.id, closed_dates.c.day >= today
                    )
                )
            }
        configured = {d for d in self._site.closed_dates if d >= today}
        return sorted([(d, "config") for d in configured] + [(d, "admin") for d in stored - configured])

    def close_date(self, day: date, move_slots: bool = False) -> list[dict[str, Any]]:
        """Close a coming date; the slots moved off it (their summaries, with the new windows)."""
        queue = self._queue
        with queue.transactions.writing() as connection:
            now = queue.clock()
            if day <= service_day(now, self._site):
                raise InvalidInput(
                    f"DATE: {day.isoformat()} is not a coming day; only dates after today can be closed."
                )
            closed = queue.calendar.closed_dates(connection)
            if day in closed:
                where = "in the site config" if day in self._site.closed_dates else "already"
                raise InvalidInput(f"DATE: {day.isoformat()} is closed {where}.")
            held = connection.execute(
                select(later_slots)
                .where(
                    later_slots.c.site_id == self._site.id, later_slots.c.day == day, later_slots.c.status == "booked"
                )
                .order_by(later_slots.c.window_start, later_slots.c.booked_at)
            ).all()
            if held and not move_slots:
                per_service: dict[str, int] = {}
                for row in held:
                    per_service[row.service_id] = per_service.get(row.service_id, 0) + 1
                counts = ", ".join(f"{s}: {n}" for s, n in per_service.items())
                raise InvalidInput(
                    f"DATE: {day.isoformat()} holds {len(held)} booked later slots ({counts}); nothing was closed. "
                    "Add --move-slots to move them to the next open day with room."
                )
            connection.execute(insert(closed_dates).values(site_id=self._site.id, day=day, closed_at=to_db(now)))
            closed = closed | {day}
            moved = [self._move(connection, row, closed, now) for row in held]
            for summary in moved:
                queue.events.append(connection, "slot.updated", summary)
            queue.announce_services(connection, {s.id for s in queue.config.services})
        queue.calendar.forget_closed_dates()
        return moved

    def reopen_date(self, day: date) -> None:
        """Undo `close_date` for a coming date (slots moved off it stay where they are); config dates stay
        closed. Never today: the issue path relies on today's state not changing during the day."""
        queue = self._queue
        with queue.transactions.writing() as connection:
            if day <= service_day(queue.clock(), self._site):
                raise InvalidInput(
                    f"DATE: {day.isoformat()} is not a coming day; only dates after today can be opened."
                )
            removed = connection.execute(
                delete(closed_dates).where(closed_dates.c.site_id == self._site.id, closed_dates.c.day == day)
            ).rowcount
            if not removed:
                where = " (it is closed in the site config)" if day in self._site.closed_dates else ""
                raise InvalidInput(f"DATE: {day.isoformat()} was not closed with this command{where}.")
            queue.announce_services(connection, {s.id for s in queue.config.services})
        queue.calendar.forget_closed_dates()

    def _move(self, connection: Connection, row: Any, closed: frozenset[date], now: Any) -> dict[str, Any]:
        queue = self._queue
        service = queue.config.service(row.service_id)
        if service is None or service.later_slots is None:
            raise InvalidInput(
                f"The slots of {row.service_id!r} cannot be moved: the site config no longer gives it later slots."
            )
        queue.calendar.give_back(connection, service.id, row.day, from_db(row.window_start))
        target: Window | None = None
        for day in open_days_after(service, row.day, self._site, closed):
            target = queue.calendar.first_free(connection, service, windows_on(service, day, self._site), now)
            if target is not None and queue.calendar.take_place(connection, service, target):
                break
            target = None
        if target is None:
            raise InvalidInput(f"No open day with room was found for the later slot {row.id}; nothing was closed.")
        if row.partner_id is not None:
            move_allotment(connection, self._site.id, row.partner_id, row.day, target.day)
        original = window_of(row)
        connection.execute(
            update(later_slots)
            .where(later_slots.c.id == row.id)
            .values(
                day=target.day,
                window_start=to_db(target.start),
                window_end=to_db(target.end),
                # The paper shows the first window: keep it however often the slot moves.
                moved_from_start=row.moved_from_start or to_db(original.start),
                moved_from_end=row.moved_from_end or to_db(original.end),
            )
        )
        return queue.slot_views.summary(self._row(connection, row.id), now)

    def _row(self, connection: Connection, slot_id: str) -> Any:
        return connection.execute(select(later_slots).where(later_slots.c.id == slot_id)).one()

"""What a counselling partner sees: itself, where it may still book, and its own later slots.

A partner sees only the slots it booked itself: another partner's slot, or a kiosk's, is "not
found" to it, exactly as a slot that does not exist (it must not learn which ids exist).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from server.config import Partner
from server.office.partner_allotment import held
from server.office.partner_booking import partners_service
from server.office.site_queue import SiteQueue
from server.rules.errors import InvalidInput, NotFound
from server.rules.later_slots import bookable_days, windows_on
from server.rules.service_day import service_day
from server.storage.schema import later_slots

#: How far back a partner's list reaches unless it asks for another range.
DEFAULT_LOOKBACK_DAYS = 30
#: The longest range one listing may ask for (a year and a bit: a partner's report for a year).
MAX_RANGE_DAYS = 400


class PartnerSlots:
    def __init__(self, queue: SiteQueue) -> None:
        self._queue = queue
        self._site = queue.site

    def me(self, partner: Partner) -> dict[str, Any]:
        """The partner as its own token sees it: its names, its concerns and its allotment, and the
        office's name and languages (what its page needs, without any other route)."""
        office_language = self._site.languages[0]
        return {
            "id": partner.id,
            "names": {lang: partner.name(lang, office_language) for lang in self._site.languages},
            "site_name": self._site.name,
            "languages": list(self._site.languages),
            "services": [
                {"id": service.id, "names": dict(service.names)}
                for service in (self._queue.service(s) for s in partner.services)
            ],
            "slots_per_day": partner.slots_per_day,
        }

    def availability(self, partner: Partner, service_id: str | None = None) -> dict[str, Any]:
        """Per bookable day: what the partner holds and may still book, and per concern the free places
        of each window (a place counts only if the day still has room)."""
        queue = self._queue
        if service_id is not None:
            services = [partners_service(queue, partner, service_id)]
        else:
            services = [queue.service(s) for s in partner.services]
        with queue.transactions.reading() as connection:
            now = queue.clock()
            today = service_day(now, self._site)
            closed = queue.calendar.closed_dates(connection)
            horizon = {s.id: bookable_days(s, today, self._site, closed) for s in services}
            days = sorted({d for ds in horizon.values() for d in ds})
            if not days:
                return {"partner": partner.id, "slots_per_day": partner.slots_per_day, "days": []}
            per_window, per_day = queue.calendar.booked(connection, [s.id for s in services], days[0], days[-1])
            holding = held(connection, self._site.id, partner.id, days[0], days[-1])
        answer = []
        for day in days:
            left = max(partner.slots_per_day - holding.get(day, 0), 0)
            offers = []
            for service in services:
                rules = service.later_slots
                if day not in horizon[service.id] or rules is None:
                    continue
                day_room = max(rules.per_day - per_day.get((service.id, day), 0), 0)
                windows = [
                    {
                        "start": queue.views.iso(w.start),
                        "end": queue.views.iso(w.end),
                        "free": min(max(rules.per_window - per_window.get((service.id, w.start), 0), 0), day_room),
                    }
                    for w in windows_on(service, day, self._site)
                ]
                free = min(sum(w["free"] for w in windows), day_room, left)
                offers.append({"service": service.id, "free": free, "windows": windows})
            answer.append(
                {"day": day.isoformat(), "held": holding.get(day, 0), "allotment_left": left, "services": offers}
            )
        return {"partner": partner.id, "slots_per_day": partner.slots_per_day, "days": answer}

    def slots(self, partner: Partner, first: date | None = None, last: date | None = None) -> list[dict[str, Any]]:
        """The partner's own slots on days first..last (default: from 30 days ago on), earliest first."""
        queue = self._queue
        today = queue.today()
        first = first or today - timedelta(days=DEFAULT_LOOKBACK_DAYS)
        if last is not None and last < first:
            raise InvalidInput(f"until: {last.isoformat()} is before from: {first.isoformat()}.")
        if last is not None and (last - first).days > MAX_RANGE_DAYS:
            raise InvalidInput(f"from, until: at most {MAX_RANGE_DAYS} days at once.")
        query = select(later_slots).where(
            later_slots.c.site_id == self._site.id, later_slots.c.partner_id == partner.id, later_slots.c.day >= first
        )
        if last is not None:
            query = query.where(later_slots.c.day <= last)
        with queue.transactions.reading() as connection:
            now = queue.clock()
            rows = connection.execute(query.order_by(later_slots.c.window_start, later_slots.c.booked_at)).all()
        return [queue.slot_views.slot(row, now) for row in rows]

    def slot(self, partner: Partner, slot_id: str) -> dict[str, Any]:
        queue = self._queue
        with queue.transactions.reading() as connection:
            now = queue.clock()
            row = connection.execute(
                select(later_slots).where(
                    later_slots.c.id == slot_id,
                    later_slots.c.site_id == self._site.id,
                    later_slots.c.partner_id == partner.id,
                )
            ).first()
        if row is None:
            raise NotFound(f"{partner.id} has no later slot with id {slot_id!r}.")
        return queue.slot_views.slot(row, now)

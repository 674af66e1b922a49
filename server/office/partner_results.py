"""What became of the counselling partners' later slots: booked, kept, missed, cancelled, per partner.

For the office's results (the report, /metrics, the console) and for each partner's own page. Two
ways of counting, each named for what it answers:

- `outcomes(first, last)`: the slots *for* days first..last, by what became of them (a slot on
  Tuesday booked the Friday before counts on Tuesday). "Kept" means checked in; "missed" means
  check-in closed without its holder (server/office/slot_views.py decides, as everywhere).
- `booked_on(day)` and `booked_totals()`: slots booked *on* a service day (by when the counsellor
  booked, like the kiosks' `later_slots_booked`), per partner and service.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from server.clock import to_db
from server.office.site_queue import SiteQueue
from server.rules.service_day import local_moment
from server.storage.schema import later_slots

OUTCOMES = ("kept", "missed", "cancelled", "open")


@dataclass(frozen=True)
class SlotOutcomes:
    """Later slots by what became of them."""

    #: Checked in: the holder came.
    kept: int = 0
    #: Check-in closed without the holder.
    missed: int = 0
    #: Cancelled by the partner or the office (the place went back).
    cancelled: int = 0
    #: Booked, and its check-in has not closed yet.
    open: int = 0

    @property
    def booked(self) -> int:
        """Every slot counted, cancelled ones included."""
        return self.kept + self.missed + self.cancelled + self.open

    @property
    def kept_share(self) -> float | None:
        """Kept among those whose outcome is known (kept or missed); None before any is."""
        decided = self.kept + self.missed
        return None if decided == 0 else self.kept / decided

    def as_dict(self) -> dict[str, Any]:
        return {"booked": self.booked, **{name: getattr(self, name) for name in OUTCOMES}}


@dataclass(frozen=True)
class PartnerOutcomes:
    """One partner's slots for a range of days."""

    partner: str
    #: In the office's own language.
    name: str
    total: SlotOutcomes
    #: Per service id (only services it has slots of).
    per_service: dict[str, SlotOutcomes] = field(default_factory=dict)


_STATUS_TO_OUTCOME = {"checked_in": "kept", "missed": "missed", "cancelled": "cancelled", "booked": "open"}


class PartnerResults:
    def __init__(self, queue: SiteQueue) -> None:
        self._queue = queue
        self._site = queue.site

    def outcomes(self, first: date, last: date) -> list[PartnerOutcomes]:
        """Every configured partner (in config order, those without slots too), for days first..last."""
        queue = self._queue
        query = select(
            later_slots.c.partner_id,
            later_slots.c.service_id,
            later_slots.c.day,
            later_slots.c.window_start,
            later_slots.c.window_end,
            later_slots.c.status,
        ).where(
            later_slots.c.site_id == self._site.id,
            later_slots.c.partner_id.is_not(None),
            later_slots.c.day.between(first, last),
        )
        counts: dict[tuple[str, str], Counter[str]] = {}
        with queue.transactions.reading() as connection:
            now = queue.clock()
            for row in connection.execute(query):
                outcome = _STATUS_TO_OUTCOME[queue.slot_views.status(row, now)]
                counts.setdefault((row.partner_id, row.service_id), Counter())[outcome] += 1
        office_language = self._site.languages[0]
        results = []
        for partner in queue.config.partners:
            per_service = {
                service_id: SlotOutcomes(**counter)
                for (partner_id, service_id), counter in sorted(counts.items())
                if partner_id == partner.id
            }
            total = SlotOutcomes(**{name: sum(getattr(o, name) for o in per_service.values()) for name in OUTCOMES})
            results.append(
                PartnerOutcomes(partner.id, partner.name(office_language, office_language), total, per_service)
            )
        return results

    def booked_on(self, day: date) -> dict[tuple[str, str], int]:
        """(partner, service) -> slots booked during service day `day`."""
        zone, starts = self._site.zone, self._site.day_starts
        begins, ends = local_moment(day, starts, zone), local_moment(day + timedelta(days=1), starts, zone)
        return self._booked(later_slots.c.booked_at >= to_db(begins), later_slots.c.booked_at < to_db(ends))

    def booked_totals(self) -> dict[tuple[str, str], int]:
        """(partner, service) -> every slot partners ever booked (Prometheus counters)."""
        return self._booked()

    def _booked(self, *conditions: Any) -> dict[tuple[str, str], int]:
        query = (
            select(later_slots.c.partner_id, later_slots.c.service_id, func.count())
            .where(later_slots.c.site_id == self._site.id, later_slots.c.partner_id.is_not(None), *conditions)
            .group_by(later_slots.c.partner_id, later_slots.c.service_id)
        )
        with self._queue.transactions.reading() as connection:
            return {(row[0], row[1]): int(row[2]) for row in connection.execute(query)}

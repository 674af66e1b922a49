"""Later slots as the API shows them: Slot (the kiosk's answer), the slot summary events carry, and the
public slot status behind its code (their published shape is wartemarke/api_objects.py).

Pure projections, like views.py: the caller reads the rows and hands in `now`.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Protocol

from server.clock import from_db
from server.config import LaterSlots, SiteConfig
from server.office.views import Views
from server.rules.later_slots import CheckInTiming, Window, check_in_closes, check_in_opens, check_in_timing


class SlotRow(Protocol):
    """A row of the later_slots table, or the values of one just inserted."""

    id: str
    service_id: str
    language: str
    day: date
    window_start: datetime
    window_end: datetime
    status: str
    booked_at: datetime
    moved_from_start: datetime | None
    moved_from_end: datetime | None
    ticket_id: str | None
    ticket_number: str | None
    code_token: str
    partner_id: str | None


#: The check-in times of a slot whose service no longer offers later slots (the config changed): its
#: holder still comes, and is let in as the defaults say.
DEFAULT_RULES = LaterSlots(per_day=1, per_window=1)


def window_of(row: SlotRow) -> Window:
    return Window(row.day, from_db(row.window_start), from_db(row.window_end))


class SlotViews:
    def __init__(self, config: SiteConfig, views: Views) -> None:
        self._config = config
        self._views = views

    def rules(self, row: SlotRow) -> LaterSlots:
        service = self._config.service(row.service_id)
        return (service.later_slots if service else None) or DEFAULT_RULES

    def status(self, row: SlotRow, now: datetime) -> str:
        """The stored status, except that a booked slot whose check-in has closed is `missed`."""
        if (
            row.status == "booked"
            and check_in_timing(window_of(row), self.rules(row), now, self._config.site) is CheckInTiming.TOO_LATE
        ):
            return "missed"
        return row.status

    def _window(self, start: datetime | None, end: datetime | None) -> dict[str, Any] | None:
        if start is None:
            return None
        return {"start": self._views.stored_iso(start), "end": self._views.stored_iso(end)}

    def _check_in(self, row: SlotRow) -> dict[str, Any]:
        rules, window = self.rules(row), window_of(row)
        return {
            "from": self._views.iso(check_in_opens(window, rules, self._config.site)),
            "until": self._views.iso(check_in_closes(window, rules)),
        }

    def summary(self, row: SlotRow, now: datetime) -> dict[str, Any]:
        """The slot as events carry it: no code, nothing a passer-by could use."""
        return {
            "id": row.id,
            "service": row.service_id,
            "language": row.language,
            "day": row.day.isoformat(),
            "window": self._window(row.window_start, row.window_end),
            "status": self.status(row, now),
            "moved_from": self._window(row.moved_from_start, row.moved_from_end),
            "ticket": {"id": row.ticket_id, "number": row.ticket_number} if row.ticket_id else None,
            "partner": row.partner_id,
        }

    def slot(self, row: SlotRow, now: datetime) -> dict[str, Any]:
        """The full slot, as the kiosk prints it."""
        service = self._config.service(row.service_id)
        url = self._views.status_url(row.code_token)
        return {
            **self.summary(row, now),
            "service_names": dict(service.names) if service else {},
            "check_in": self._check_in(row),
            "booked_at": self._views.stored_iso(row.booked_at),
            "code": url,
            "status_url": url,
        }

    def public_status(
        self, row: SlotRow, now: datetime, ticket_status: dict[str, Any] | None, ticket_url: str | None = None
    ) -> dict[str, Any]:
        """What the phone page shows for a slot's code: the window, and after check-in the ticket's status
        and its own page."""
        service = self._config.service(row.service_id)
        return {
            "kind": "slot",
            "status": self.status(row, now),
            "day": row.day.isoformat(),
            "window": self._window(row.window_start, row.window_end),
            "check_in": self._check_in(row),
            "moved_from": self._window(row.moved_from_start, row.moved_from_end),
            "language": row.language,
            "service_names": dict(service.names) if service else {},
            "ticket": ticket_status,
            "ticket_url": ticket_url,
        }

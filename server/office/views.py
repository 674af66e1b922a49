"""The API's objects built from rows and a day snapshot: Service, Ticket, the events' ticket summary,
Call, Counter, DeviceStatus, Site (their published shape is wartemarke/api_objects.py).

Pure projections: no queries. What a waiting ticket's place needs (the snapshot, the people ahead)
is read by the caller (SiteQueue.answer) and handed in, so a batch of tickets shares one read.
"""

from __future__ import annotations

from datetime import date, datetime, tzinfo
from functools import lru_cache
from typing import Any, Protocol

from server.clock import from_db
from server.config import Counter, Service, SiteConfig
from server.office.day_snapshot import DaySnapshot
from server.rules.later_slots import Window
from server.rules.service_day import availability
from server.rules.ticket_rules import ALLOWED_ACTIONS, TicketStatus
from server.rules.wait_estimate import WaitEstimate


class TicketRow(Protocol):
    """A row of the tickets table, or the values of one just inserted."""

    id: str
    site_id: str
    day: date
    service_id: str
    sequence: int
    number: str
    language: str
    status: str
    issued_at: datetime
    queued_at: datetime
    called_at: datetime | None
    counter_id: str | None
    code_token: str
    issued_service_id: str
    slot_window_start: datetime | None
    slot_window_end: datetime | None


@lru_cache(maxsize=1024)
def _local_iso(moment: datetime, zone: tzinfo) -> str:
    """A moment as the site's local time with offset; a batch of tickets shares one `now`."""
    return moment.astimezone(zone).isoformat(timespec="seconds")


class Views:
    def __init__(self, config: SiteConfig) -> None:
        self.config = config
        self.site = config.site

    def iso(self, moment: datetime | None) -> str | None:
        return None if moment is None else _local_iso(moment, self.site.zone)

    def stored_iso(self, stored: datetime | None) -> str | None:
        return self.iso(from_db(stored)) if stored else None

    def status_url(self, token: str) -> str:
        return f"{self.site.public_url.rstrip('/')}/t/{token}"

    def counter_name(self, counter_id: str | None) -> str | None:
        """The counter's name in the office's own (first) language."""
        counter = self.config.counter(counter_id) if counter_id else None
        return counter.name(self.site.languages[0]) if counter else counter_id

    def counter_names(self, counter_id: str | None) -> dict[str, str]:
        """The counter's name in every language of the site; {} for no counter."""
        counter = self.config.counter(counter_id) if counter_id else None
        return dict(counter.names) if counter else {}

    def site_info(self) -> dict[str, Any]:
        return {
            "id": self.site.id,
            "name": self.site.name,
            "timezone": self.site.timezone,
            "languages": self.site.languages,
            "public_url": self.site.public_url,
        }

    def service(self, snap: DaySnapshot, service: Service) -> dict[str, Any]:
        issued, quota = snap.issued.get(service.id, (0, service.quota))
        remaining = None if quota is None else max(quota - issued, 0)
        state = availability(
            service,
            snap.now,
            self.site,
            enabled=snap.enabled.get(service.id, True),
            remaining=remaining,
            closed=snap.closed,
        )
        waiting = snap.waiting.get(service.id, 0)
        wait = snap.wait(service.id, waiting)
        local = snap.now.astimezone(self.site.zone)
        return {
            "id": service.id,
            "prefix": service.prefix,
            "names": dict(service.names),
            "open": state.open,
            "closed_reason": state.reason.value if state.reason else None,
            "next_open": self.iso(state.next_open),
            "quota": quota,
            "issued": issued,
            "remaining": remaining,
            "waiting": waiting,
            "wait": wait.as_json() if wait else None,
            "priority": service.priority,
            "hours_today": [
                [i.start.strftime("%H:%M"), i.end.strftime("%H:%M") if i.end else "24:00"]
                for i in service.intervals_on(local.weekday())
            ],
            "next_later_slot": self.later_slot_window(snap.next_later_slots.get(service.id)),
            "turned_away_today": snap.turned_away.get(service.id, 0),
        }

    def later_slot_window(self, window: Window | None) -> dict[str, Any] | None:
        if window is None:
            return None
        return {"day": window.day.isoformat(), "start": self.iso(window.start), "end": self.iso(window.end)}

    def slot_window(self, row: TicketRow) -> dict[str, Any] | None:
        """The window of the later slot a ticket was checked in for; None for a walk-in ticket."""
        if row.slot_window_start is None:
            return None
        return {"start": self.stored_iso(row.slot_window_start), "end": self.stored_iso(row.slot_window_end)}

    def needs_place(self, row: TicketRow) -> bool:
        """Whether the ticket's answer shows a place in a queue (and so needs the people ahead)."""
        return row.status == TicketStatus.WAITING and self.config.service(row.service_id) is not None

    def ticket(
        self, row: TicketRow, snap: DaySnapshot | None = None, people_ahead: int | None = None
    ) -> dict[str, Any]:
        """The full ticket; `snap` and `people_ahead` are needed when `needs_place(row)`."""
        service = self.config.service(row.service_id)
        position, wait = self.place(row, snap, people_ahead)
        url = self.status_url(row.code_token)
        return {
            "id": row.id,
            "number": row.number,
            "service": row.service_id,
            "service_names": dict(service.names) if service else {},
            "language": row.language,
            "status": row.status,
            "issued_at": self.stored_iso(row.issued_at),
            "called_at": self.stored_iso(row.called_at),
            "position": position,
            "wait": wait.as_json() if wait else None,
            "counter": row.counter_id,
            "counter_name": self.counter_name(row.counter_id),
            "counter_names": self.counter_names(row.counter_id),
            "code": url,
            "status_url": url,
            "allowed_actions": list(ALLOWED_ACTIONS[TicketStatus(row.status)]),
            "slot_window": self.slot_window(row),
        }

    def summary(self, row: TicketRow) -> dict[str, Any]:
        """The ticket as events carry it: no code, nothing a passer-by could use."""
        return {
            "id": row.id,
            "number": row.number,
            "service": row.service_id,
            "language": row.language,
            "status": row.status,
            "counter": row.counter_id,
            "counter_name": self.counter_name(row.counter_id),
            "counter_names": self.counter_names(row.counter_id),
            "called_at": self.stored_iso(row.called_at),
            "issued_at": self.stored_iso(row.issued_at),
            "allowed_actions": list(ALLOWED_ACTIONS[TicketStatus(row.status)]),
            "slot_window": self.slot_window(row),
        }

    def place(
        self, row: TicketRow, snap: DaySnapshot | None = None, people_ahead: int | None = None
    ) -> tuple[int | None, WaitEstimate | None]:
        """(position, wait): people ahead and the expected wait while waiting, 0 while called or served."""
        service = self.config.service(row.service_id)
        if row.status == TicketStatus.WAITING and service is not None:
            assert snap is not None and people_ahead is not None, "a waiting ticket's place needs the snapshot"
            return people_ahead, snap.wait(service.id, people_ahead)
        if row.status in (TicketStatus.CALLED, TicketStatus.SERVING):
            return 0, None
        return None, None

    def public_status(
        self, row: TicketRow, place: tuple[int | None, WaitEstimate | None] | None = None
    ) -> dict[str, Any]:
        """What the phone page may show of a ticket (GET /status/{token} and its stream): nothing about anyone.

        `place` is `place(row, …)`, needed for a waiting ticket; the phone streams work it out for a
        whole queue at once.
        """
        position, wait = place if place is not None else self.place(row)
        service = self.config.service(row.service_id)
        issued_for = self.config.service(row.issued_service_id) if row.issued_service_id != row.service_id else None
        return {
            "number": row.number,
            "status": row.status,
            "position": position,
            "wait": wait.as_json() if wait else None,
            "counter": row.counter_id,
            "counter_name": self.counter_name(row.counter_id),
            "counter_names": self.counter_names(row.counter_id),
            "called_at": self.stored_iso(row.called_at),
            "language": row.language,
            "service_names": dict(service.names) if service else {},
            "transferred_from_names": dict(issued_for.names) if issued_for else {},
        }

    def call(self, row: TicketRow) -> dict[str, Any]:
        """One call on the waiting-room board."""
        return {
            "number": row.number,
            "counter": row.counter_id,
            "counter_name": self.counter_name(row.counter_id),
            "counter_names": self.counter_names(row.counter_id),
            "service": row.service_id,
            "language": row.language,
            "status": row.status,
            "called_at": self.stored_iso(row.called_at),
        }

    def counter(self, counter: Counter, snap: DaySnapshot, current: TicketRow | None) -> dict[str, Any]:
        """A counter with the ticket it serves now (called or serving, so no place to compute)."""
        return {
            "id": counter.id,
            "name": counter.name(self.site.languages[0]),
            "names": dict(counter.names),
            "services": list(counter.services),
            "open": counter.id in snap.open_counters,
            "current": self.ticket(current, snap) if current else None,
        }

    def device_status(
        self, name: str, role: str, status: str, detail: str, reported_at: datetime | None
    ) -> dict[str, Any]:
        return {
            "device": name,
            "role": role,
            "status": status,
            "detail": detail,
            "reported_at": self.stored_iso(reported_at),
        }

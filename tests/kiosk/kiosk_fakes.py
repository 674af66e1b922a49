"""Fakes for the kiosk controller: a server, a printer, a clock and a runner the test drives by hand."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from client import Event
from client.errors import QuotaExhausted, RateLimited, ServerUnavailable, ServiceClosed, Unauthorized
from printer.status import PrinterReport, PrinterStatus
from wartemarke.api_objects import (
    DeviceStatus,
    Health,
    Service,
    Site,
    Slot,
    SlotStatus,
    Ticket,
    TicketStatus,
    TimeWindow,
)
from wartemarke.ui_thread import Outcome


class FakeTimer:
    def __init__(self, scheduler: FakeScheduler, due: float, callback: Callable[[], None]) -> None:
        self.scheduler, self.due, self.callback, self.cancelled = scheduler, due, callback, False

    def cancel(self) -> None:
        self.cancelled = True


class FakeScheduler:
    """Time moves only when the test calls `advance`."""

    def __init__(self) -> None:
        self.now = 0.0
        self.timers: list[FakeTimer] = []

    def call_later(self, seconds: float, callback: Callable[[], None]) -> FakeTimer:
        timer = FakeTimer(self, self.now + seconds, callback)
        self.timers.append(timer)
        return timer

    def clock(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        end = self.now + seconds
        while True:
            due = [t for t in self.timers if not t.cancelled and t.due <= end]
            if not due:
                break
            timer = min(due, key=lambda t: t.due)
            self.timers.remove(timer)
            self.now = max(self.now, timer.due)
            timer.callback()
        self.now = end


@dataclass
class Job:
    lane: str
    job: Callable[[], Any]
    done: Callable[[Outcome], None]


class ManualRunner:
    """Background jobs wait until the test runs them, so a test can tap twice while one is pending."""

    def __init__(self) -> None:
        self.jobs: list[Job] = []

    def run(self, lane: str, job: Callable[[], Any], done: Callable[[Outcome], None]) -> None:
        self.jobs.append(Job(lane, job, done))

    def pending(self, lane: str) -> list[Job]:
        return [j for j in self.jobs if j.lane == lane]

    def run_next(self, lane: str) -> Outcome:
        job = self.pending(lane)[0]
        self.jobs.remove(job)
        try:
            outcome = Outcome(value=job.job())
        except Exception as exc:  # noqa: BLE001 - the runner hands every failure to the controller
            outcome = Outcome(error=exc)
        job.done(outcome)
        return outcome

    def run_lane(self, lane: str) -> None:
        while self.pending(lane):
            self.run_next(lane)

    def run_all(self) -> None:
        while self.jobs:
            self.run_next(self.jobs[0].lane)


def service(sid: str = "notfall", **overrides: Any) -> Service:
    data = {
        "id": sid,
        "prefix": sid[0].upper(),
        "names": {"de": f"{sid.title()} (de)", "en": f"{sid.title()} (en)", "uk": f"{sid.title()} (uk)"},
        "open": True,
        "quota": 75,
        "issued": 12,
        "remaining": 63,
        "waiting": 9,
        "wait": {"low_min": 20, "high_min": 35},
        "priority": 1,
        "closed_reason": None,
        "next_open": None,
        "hours_today": [["07:30", "12:00"]],
    }
    data.update(overrides)
    return Service.model_validate(data)


def slot(service: str = "notfall", language: str = "uk", key: str = "k") -> Slot:
    """A guaranteed later slot on Tuesday 24 November 2026, 9:30-10:00 (check-in from 9:00)."""
    return Slot.model_validate(
        {
            "id": f"slot-{key}",
            "service": service,
            "language": language,
            "day": "2026-11-24",
            "window": {"start": "2026-11-24T09:30:00+01:00", "end": "2026-11-24T10:00:00+01:00"},
            "status": "booked",
            "service_names": {"de": "Notfall", "en": "Emergency", "uk": "Термінові справи", "ar": "حالة طارئة"},
            "check_in": {"from": "2026-11-24T09:00:00+01:00", "until": "2026-11-24T10:15:00+01:00"},
            "booked_at": "2026-11-21T10:00:00+01:00",
            "code": f"https://wartemarke.example.de/t/slot{key}",
            "status_url": f"https://wartemarke.example.de/t/slot{key}",
        }
    )


def service_updated(event_id: int, updated: Service) -> Event:
    return Event(event_id, "service.updated", updated)


@dataclass
class FakeApi:
    """The queue server as the kiosk sees it; `down` makes every call fail like a dead server."""

    services_list: list[Service] = field(default_factory=lambda: [service("notfall"), service("aufenthalt")])
    down: bool = False
    token_ok: bool = True
    refuse_with: Exception | None = None
    issued: dict[str, Ticket] = field(default_factory=dict)  # idempotency key -> ticket
    issue_calls: list[tuple[str, str, str | None]] = field(default_factory=list)
    reports: list[tuple[str, str]] = field(default_factory=list)
    #: What `check_in` raises (None: it answers the slot's ticket) and the language slots are booked in.
    check_in_refusal: Exception | None = None
    slot_language: str = "uk"

    def _check(self) -> None:
        if self.down:
            raise ServerUnavailable("connection refused")
        if not self.token_ok:
            raise Unauthorized(401, "unauthorized", "unknown token")

    def health(self) -> Health:
        if self.down:
            raise ServerUnavailable("connection refused")
        return Health(status="ok")

    def site(self) -> Site:
        self._check()
        return Site(
            id="ddf",
            name="Amt für Migration",
            timezone="Europe/Berlin",
            languages=[],
            public_url="https://wartemarke.example.de",
        )

    def services(self) -> list[Service]:
        self._check()
        return list(self.services_list)

    def issue_ticket(self, service: str, language: str, idempotency_key: str | None = None) -> Ticket:
        self.issue_calls.append((service, language, idempotency_key))
        self._check()
        if self.refuse_with is not None:
            raise self.refuse_with
        if idempotency_key in self.issued:
            return self.issued[idempotency_key]
        number = len(self.issued) + 1
        ticket = Ticket.model_validate(
            {
                "id": f"t{number}",
                "number": f"{service[0].upper()}{number:03d}",
                "service": service,
                "language": language,
                "status": "waiting",
                "issued_at": "2026-11-21T10:00:00+01:00",
                "position": 3,
                "wait": {"low_min": 20, "high_min": 35},
                "counter": None,
                "code": f"https://wartemarke.example.de/t/tok{number}",
                "status_url": f"https://wartemarke.example.de/t/tok{number}",
                "service_names": {"de": "Notfall", "en": "Emergency", "uk": "Термінові справи"},
                "allowed_actions": ["call", "transfer", "cancel"],
            }
        )
        self.issued[idempotency_key or f"nokey{number}"] = ticket
        return ticket

    def book_later_slot(self, service: str, language: str, idempotency_key: str | None = None) -> Slot:
        self.issue_calls.append((service, language, idempotency_key))
        self._check()
        if self.refuse_with is not None:
            raise self.refuse_with
        return slot(service, language, key=idempotency_key or "nokey")

    def check_in(self, code: str) -> Ticket:
        self._check()
        if self.check_in_refusal is not None:
            raise self.check_in_refusal
        ticket = self.issue_ticket("notfall", self.slot_language, idempotency_key=f"check-in {code}")
        window = {"start": "2026-11-21T10:00:00+01:00", "end": "2026-11-21T10:30:00+01:00"}
        return ticket.model_copy(update={"slot_window": TimeWindow.model_validate(window)})

    def code_status(self, code: str) -> TicketStatus | SlotStatus:
        self._check()
        return SlotStatus.model_validate(
            {**slot(language=self.slot_language).model_dump(by_alias=True), "kind": "slot"}
        )

    def report_device_status(self, status: str, detail: str = "") -> DeviceStatus:
        self._check()
        self.reports.append((status, detail))
        return DeviceStatus.model_validate({"device": "kiosk", "role": "kiosk", "status": status, "detail": detail})


class FakePrinter:
    """Follows the printer contract: never raises for paper faults, returns a report."""

    def __init__(self, status: PrinterStatus = PrinterStatus.OK) -> None:
        self.state = status
        self.printed: list[dict[str, Any]] = []

    def status(self) -> PrinterReport:
        return PrinterReport(self.state, "" if self.state is PrinterStatus.OK else self.state.value)

    def print_ticket(
        self, ticket: Ticket | Slot, *, office_name: str, language: str, large_number: bool = False
    ) -> PrinterReport:
        if not self.state.prints:
            return PrinterReport(self.state, self.state.value, printed=False)
        self.printed.append(
            {"ticket": ticket, "office_name": office_name, "language": language, "large_number": large_number}
        )
        return PrinterReport(self.state, "", printed=True)

    def close(self) -> None:
        pass


__all__ = ["QuotaExhausted", "RateLimited", "ServiceClosed", "ServerUnavailable", "Unauthorized"]


class RecordingSpeech:
    """Speech as the narrator sees it (`kiosk.narration.SpeechOutput`): records what it is asked to say.

    `queue` is what would be heard from now on: `say` replaces it, `add` appends, `retract` removes,
    `interrupt` empties it. `heard` keeps every batch asked for, in order.
    """

    def __init__(self, voices: frozenset[str] = frozenset({"de", "en", "uk", "ru", "tr", "ar", "fa"})) -> None:
        self.voices = voices
        self.queue: list = []
        self.heard: list[list] = []
        self.interrupts = 0
        self.rate = 160
        self.volume = 100

    def can_say(self, language: str) -> bool:
        return language in self.voices

    def say(self, utterances) -> None:
        self.queue = list(utterances)
        self.heard.append(list(self.queue))

    def add(self, utterances) -> None:
        added = list(utterances)
        self.queue += added
        self.heard.append(added)

    def retract(self, utterances) -> int:
        gone = set(utterances)
        kept = [u for u in self.queue if u not in gone]
        dropped, self.queue = len(self.queue) - len(kept), kept
        return dropped

    def interrupt(self) -> None:
        self.interrupts += 1
        self.queue = []

    def adjust(self, *, rate: int = 0, volume: int = 0) -> None:
        self.rate += rate
        self.volume += volume

    @property
    def texts(self) -> list[str]:
        return [u.text for u in self.queue]

"""What the kiosk controller needs from the world, as small protocols.

The controller is tested with fakes of these; the app passes the real `client.QueueClient`,
a `printer` object, the shared `wartemarke.ui_thread.Lanes` as its `Runner` and a Scheduler on
Kivy's Clock (`wartemarke.kivy_shell.clock.ClockTimers`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from wartemarke.api_objects import DeviceStatus, Health, Service, Site, Slot, SlotStatus, Ticket, TicketStatus
from wartemarke.ui_thread import Outcome


class QueueApi(Protocol):
    """The part of `client.QueueClient` the kiosk uses."""

    def health(self) -> Health: ...
    def site(self) -> Site: ...
    def services(self) -> list[Service]: ...
    def issue_ticket(self, service: str, language: str, idempotency_key: str | None = None) -> Ticket: ...
    def report_device_status(self, status: str, detail: str = "") -> DeviceStatus: ...
    def book_later_slot(self, service: str, language: str, idempotency_key: str | None = None) -> Slot: ...
    def check_in(self, code: str) -> Ticket: ...
    def code_status(self, code: str) -> TicketStatus | SlotStatus: ...


class TicketPrinter(Protocol):
    """The printer contract (`printer.open_printer(...)` returns one)."""

    def status(self) -> Any: ...
    def print_ticket(
        self, ticket: Ticket | Slot, *, office_name: str, language: str, large_number: bool = False
    ) -> Any: ...
    def close(self) -> None: ...


class TimerHandle(Protocol):
    def cancel(self) -> None: ...


class Scheduler(Protocol):
    """Runs a callback on the UI thread after a delay (Kivy's Clock in the app)."""

    def call_later(self, seconds: float, callback: Callable[[], None]) -> TimerHandle: ...


class Runner(Protocol):
    """Runs blocking work (HTTP, printing) off the UI thread.

    Jobs of one `lane` run one after another (a printer must not get two tickets interleaved);
    lanes run independently (a hanging ticket request must not stop the health probe). `done` is
    called on the UI thread with the job's `Outcome`.
    """

    def run(self, lane: str, job: Callable[[], Any], done: Callable[[Outcome], None]) -> None: ...

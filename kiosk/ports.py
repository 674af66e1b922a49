"""What the kiosk controller needs from the world, as small protocols.

The controller is tested with fakes of these; the app passes the real `client.QueueClient`,
a `printer` object, and Kivy-clock based `Scheduler`/`Runner` (see `kiosk.clock_bridge`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol


class QueueApi(Protocol):
    """The part of `client.QueueClient` the kiosk uses."""

    def health(self) -> dict: ...
    def site(self) -> dict: ...
    def services(self) -> list[dict]: ...
    def issue_ticket(self, service: str, language: str, idempotency_key: str | None = None) -> dict: ...
    def report_device_status(self, status: str, detail: str = "") -> dict: ...


class TicketPrinter(Protocol):
    """The printer contract (`printer.open_printer(...)` returns one)."""

    def status(self) -> Any: ...
    def print_ticket(self, ticket: dict, *, office_name: str, language: str) -> Any: ...
    def close(self) -> None: ...


class TimerHandle(Protocol):
    def cancel(self) -> None: ...


class Scheduler(Protocol):
    """Runs a callback on the UI thread after a delay (Kivy's Clock in the app)."""

    def call_later(self, seconds: float, callback: Callable[[], None]) -> TimerHandle: ...


class Outcome:
    """The result of a background job: a value or the exception it raised."""

    __slots__ = ("value", "error")

    def __init__(self, value: Any = None, error: BaseException | None = None) -> None:
        self.value = value
        self.error = error

    @property
    def ok(self) -> bool:
        return self.error is None


class Runner(Protocol):
    """Runs blocking work (HTTP, printing) off the UI thread.

    Jobs of one `lane` run one after another (a printer must not get two tickets interleaved);
    lanes run independently (a hanging ticket request must not stop the health probe). `done` is
    called on the UI thread with the job's `Outcome`.
    """

    def run(self, lane: str, job: Callable[[], Any], done: Callable[[Outcome], None]) -> None: ...

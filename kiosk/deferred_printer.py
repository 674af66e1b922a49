"""The configured printer, opened on first use in the printer thread (and again after a failure).

Opening means importing python-escpos and loading its capability database (about half a second),
and a USB printer may be plugged in only after the kiosk booted. Neither should delay the start
screen or need a restart: the kiosk shows tickets on screen until the printer answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wartemarke.api_objects import Slot, Ticket


@dataclass(frozen=True)
class PrinterProblem:
    """Looks like a PrinterReport to the controller: a printer that cannot be opened is an error."""

    detail: str
    status: str = "error"
    printed: bool = False


class DeferredPrinter:
    def __init__(self, url: str, profile: str) -> None:
        self.url = url
        self.profile = profile
        self._printer: Any = None

    def _open(self) -> Any:
        if self._printer is None:
            from printer import open_printer

            self._printer = open_printer(self.url, profile=self.profile)
        return self._printer

    def status(self) -> Any:
        from printer import PrinterError

        try:
            return self._open().status()
        except PrinterError as error:
            return PrinterProblem(str(error))

    def print_ticket(
        self, ticket: Ticket | Slot, *, office_name: str, language: str, large_number: bool = False
    ) -> Any:
        from printer import PrinterError

        try:
            printer = self._open()
        except PrinterError as error:
            return PrinterProblem(str(error))
        return printer.print_ticket(ticket, office_name=office_name, language=language, large_number=large_number)

    def close(self) -> None:
        if self._printer is not None:
            self._printer.close()
            self._printer = None

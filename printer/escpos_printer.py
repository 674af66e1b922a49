"""A real ESC/POS printer behind a link: asks before printing, prints, asks again."""

from __future__ import annotations

from printer.escpos_output import ticket_bytes
from printer.layout import Paper, ticket_layout
from printer.links import Link, LinkError
from printer.profile import PrinterProfile
from printer.status import DLE_EOT, PrinterReport, PrinterStatus, read_status

#: How long to wait for the one-byte answer to DLE EOT. Printers answer within milliseconds;
#: this is generous for a slow USB-serial adapter and still keeps a silent printer's verdict short.
STATUS_TIMEOUT = 0.5


class EscposPrinter:
    def __init__(self, link: Link, profile: PrinterProfile) -> None:
        self.link = link
        self.profile = profile

    def _query(self, n: int) -> int | None:
        # Stale bytes (a late answer, automatic status back) would be taken for this answer.
        self.link.discard_input()
        self.link.write(DLE_EOT + bytes([n]))
        return self.link.read_byte(STATUS_TIMEOUT)

    def status(self) -> PrinterReport:
        try:
            return read_status(self._query)
        except LinkError as exc:
            return PrinterReport(PrinterStatus.OFFLINE, str(exc))

    def print_ticket(
        self, ticket: Paper, *, office_name: str, language: str, large_number: bool = False
    ) -> PrinterReport:
        """Print one ticket (or later slot) unless the printer reports a fault; `printed` says whether it came out.

        Nothing is sent into a known fault: a printer without paper would keep the job and print
        it after the roll change, long after the visitor left with the ticket shown on screen.
        """
        before = self.status()
        if not before.status.prints:
            return before
        layout = ticket_layout(ticket, office_name=office_name, language=language, large_number=large_number)
        data = ticket_bytes(layout, self.profile)
        try:
            self.link.write(data)
        except LinkError as exc:
            return PrinterReport(PrinterStatus.OFFLINE, str(exc))
        after = self.status()
        return PrinterReport(after.status, after.detail, printed=after.status.prints)

    def close(self) -> None:
        self.link.close()

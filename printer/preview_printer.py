"""A printer that writes each ticket into a folder instead of onto paper.

For the demo and for setting up a kiosk without hardware: <number>.bin holds exactly the ESC/POS
bytes a real printer of the configured profile would get (`cat N017.bin > /dev/usb/lp0` prints it),
<number>.png shows what the ticket looks like. A later slot is written as slot-<day>-<id>.bin/.png.
"""

from __future__ import annotations

import re
from pathlib import Path

from printer.errors import PrinterError
from printer.escpos_output import ticket_bytes
from printer.layout import Paper, ticket_layout
from printer.png_output import render_ticket_png
from printer.profile import PrinterProfile
from printer.status import PrinterReport, PrinterStatus
from wartemarke.api_objects import Slot


class PreviewPrinter:
    def __init__(self, folder: Path, profile: PrinterProfile, url: str) -> None:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise PrinterError(f"{url}: cannot create the preview folder {folder}: {exc.strerror}") from None
        self.folder = folder
        self.profile = profile

    def status(self) -> PrinterReport:
        return PrinterReport(PrinterStatus.OK, f"preview printer writing to {self.folder}")

    def print_ticket(
        self, ticket: Paper, *, office_name: str, language: str, large_number: bool = False
    ) -> PrinterReport:
        label = f"slot-{ticket.day}-{ticket.id[:8]}" if isinstance(ticket, Slot) else ticket.number
        name = re.sub(r"[^A-Za-z0-9_-]", "_", label) or "ticket"
        layout = ticket_layout(ticket, office_name=office_name, language=language, large_number=large_number)
        binary, picture = self.folder / f"{name}.bin", self.folder / f"{name}.png"
        try:
            binary.write_bytes(ticket_bytes(layout, self.profile))
            render_ticket_png(
                ticket,
                office_name=office_name,
                language=language,
                width_dots=self.profile.width_dots,
                large_number=large_number,
            ).save(picture)
        except OSError as exc:
            return PrinterReport(PrinterStatus.OFFLINE, f"cannot write to {self.folder}: {exc.strerror}")
        return PrinterReport(PrinterStatus.OK, f"wrote {binary} and {picture}", printed=True)

    def close(self) -> None:
        return None

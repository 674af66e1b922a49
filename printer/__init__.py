"""Ticket printing: one ticket layout, drawn as ESC/POS bytes for thermal printers or as a picture.

    p = open_printer("serial:///dev/ttyUSB0?baudrate=9600", profile="TM-T20III")
    report = p.print_ticket(ticket, office_name="Amt für Migration und Integration", language="uk")
    if not report.printed: show render_ticket_png(ticket, ...) on screen and report report.status

Text and QR codes use the printer's own commands; only scripts the printer cannot draw are sent as
images. Printer faults come back as a PrinterReport, never as an exception.
"""

from printer.connection_url import open_printer
from printer.errors import PrinterError
from printer.png_output import render_ticket_png
from printer.status import PrinterReport, PrinterStatus

__all__ = ["PrinterError", "PrinterReport", "PrinterStatus", "open_printer", "render_ticket_png"]

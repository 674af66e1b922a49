"""What a printer says about itself, decoded from ESC/POS real-time status (DLE EOT n).

Each query is two bytes (DLE EOT) plus n; the printer answers one byte at once, even while busy.
A byte always has bit 1 and bit 4 set and bits 0 and 7 clear, which lets us tell a status answer
from line noise. A printer that says nothing is "offline": silence must never read as "paper OK"
(python-escpos's `paper_status()` returns 2, "adequate", for an empty answer).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

DLE_EOT = b"\x10\x04"

PRINTER_STATUS = 1  # bit 3: offline
OFFLINE_CAUSE = 2  # bit 2: cover open, bit 5: stopped by paper end, bit 6: error
ERROR_CAUSE = 3  # bit 3: autocutter, bit 5: unrecoverable, bit 6: auto-recoverable (e.g. head hot)
PAPER_SENSOR = 4  # bits 2+3: roll near its end, bits 5+6: roll end

_FIXED_MASK, _FIXED_BITS = 0x93, 0x12


class PrinterStatus(Enum):
    OK = "ok"
    PAPER_NEAR_END = "paper near end"
    PAPER_OUT = "paper out"
    COVER_OPEN = "cover open"
    OFFLINE = "offline"

    @property
    def prints(self) -> bool:
        """Whether a ticket sent now comes out of the printer (near end still has paper)."""
        return self in (PrinterStatus.OK, PrinterStatus.PAPER_NEAR_END)


@dataclass(frozen=True)
class PrinterReport:
    status: PrinterStatus
    detail: str = ""
    #: True only when the ticket was sent and the printer still reported paper afterwards.
    printed: bool = False


#: Sends DLE EOT n and returns the one answer byte, or None when the printer stays silent.
StatusQuery = Callable[[int], int | None]


def _is_status_byte(value: int) -> bool:
    return value & _FIXED_MASK == _FIXED_BITS


def _ask(query: StatusQuery, n: int) -> int:
    answer = query(n)
    if answer is None:
        raise _NoAnswer(f"no answer to status query DLE EOT {n}; check power, cable and port")
    if not _is_status_byte(answer):
        raise _NoAnswer(f"unexpected answer 0x{answer:02x} to DLE EOT {n}; is this an ESC/POS printer?")
    return answer


class _NoAnswer(Exception):
    pass


def _error_detail(error_cause: int) -> str:
    causes = []
    if error_cause & 0x08:
        causes.append("autocutter error (paper jam?)")
    if error_cause & 0x20:
        causes.append("unrecoverable error (switch the printer off and on)")
    if error_cause & 0x40:
        causes.append("print head too hot or voltage error (recovers by itself)")
    return "printer error: " + (", ".join(causes) or "unknown cause")


def read_status(query: StatusQuery) -> PrinterReport:
    """Ask the printer (printer status, paper sensor, and the cause when it is offline)."""
    try:
        printer = _ask(query, PRINTER_STATUS)
        paper = _ask(query, PAPER_SENSOR)
        if printer & 0x08:
            cause = _ask(query, OFFLINE_CAUSE)
            if cause & 0x04:
                return PrinterReport(PrinterStatus.COVER_OPEN, "the cover is open; close it")
            if cause & 0x20 or paper & 0x60:
                return PrinterReport(PrinterStatus.PAPER_OUT, "no paper; put in a new roll")
            if cause & 0x40:
                return PrinterReport(PrinterStatus.OFFLINE, _error_detail(_ask(query, ERROR_CAUSE)))
            return PrinterReport(PrinterStatus.OFFLINE, "the printer is offline (paper feed button held?)")
    except _NoAnswer as silent:
        return PrinterReport(PrinterStatus.OFFLINE, str(silent))
    if paper & 0x60:
        return PrinterReport(PrinterStatus.PAPER_OUT, "no paper; put in a new roll")
    if paper & 0x0C:
        return PrinterReport(PrinterStatus.PAPER_NEAR_END, "the paper roll is nearly used up; have a new one ready")
    return PrinterReport(PrinterStatus.OK, "")

"""Printer reports in the words the server's device-status endpoint uses.

The printer says `PrinterStatus.PAPER_NEAR_END` ("paper near end"); the server wants
"paper_near_end". Mapping by the enum's name keeps the two vocabularies from drifting apart.
"""

from __future__ import annotations

from typing import Any

from wartemarke.api_objects import DEVICE_STATUSES

#: Statuses in which the ticket still comes out of the printer.
PRINTING_STATUSES = ("ok", "paper_near_end")


def device_status(report: Any) -> tuple[str, str]:
    """(status, detail) for `POST /api/v1/devices/status` from a `PrinterReport`."""
    status = getattr(report, "status", None)
    name = getattr(status, "name", None) or str(getattr(status, "value", status) or "error")
    code = name.lower().replace(" ", "_")
    if code not in DEVICE_STATUSES:
        code = "error"
    return code, str(getattr(report, "detail", "") or "")

"""What the counter screen shows, as plain data: the controller builds it, the Kivy screen draws it.

All text is already in the clerk's language; a view is immutable, so the controller's lane can hand
it to the UI thread as it is.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from counter.ticket_card import TicketCard


@dataclass(frozen=True)
class Notice:
    kind: Literal["info", "error"]
    text: str


@dataclass(frozen=True)
class WaitingRow:
    service: str
    concern: str
    waiting: int


@dataclass(frozen=True)
class CounterView:
    """Everything the screen shows, already translated."""

    phase: Literal["signing_in", "picking", "serving"]
    counter_name: str
    current: TicketCard | None
    waiting: tuple[WaitingRow, ...]
    enabled: frozenset[str]
    notice: Notice | None
    offline: bool
    scanned: TicketCard | None
    can_call_scanned: bool
    counters: tuple[tuple[str, str], ...] = ()
    transfer_targets: tuple[tuple[str, str], ...] = ()

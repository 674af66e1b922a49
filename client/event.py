"""`Event`: one message of the server's event stream, as the apps see it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Event:
    """`id` orders events and resumes a stream; `name` is e.g. "ticket.called"; `data` the decoded JSON."""

    id: int
    name: str
    data: dict[str, Any]

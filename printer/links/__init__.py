"""Byte pipes to a printer, one small module per connection type behind one interface.

A link only moves bytes: `write` sends, `read_byte` waits a short while for one answer byte. It
opens lazily and reopens after a failure, because a printer that is switched off now may be back in
a minute, and the kiosk must not need a restart for that.
"""

from __future__ import annotations

from typing import Protocol


class LinkError(Exception):
    """The connection failed (not there, unplugged, refused, timed out); the message says which."""


class Link(Protocol):
    #: How to name this connection in messages, e.g. "serial:///dev/ttyUSB0".
    url: str

    def write(self, data: bytes) -> None: ...
    def read_byte(self, timeout: float) -> int | None: ...
    def discard_input(self) -> None: ...
    def close(self) -> None: ...

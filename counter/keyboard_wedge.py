"""Tell a keyboard-wedge scanner from a clerk typing.

A USB "keyboard wedge" scanner types the code as keystrokes and presses Enter. A scanner types
much faster than any person (a few milliseconds per key, every key), and a code is long; a person
pauses tens to hundreds of milliseconds between keys. So a burst counts as a scan when every gap
between its keys, including the final Enter, is at most `max_gap` seconds and it has at least
`min_length` characters. Anything else is dropped, so nobody's typing ever becomes a "scan".
"""

from __future__ import annotations

import time
from collections.abc import Callable


class KeyboardWedge:
    """Feed it every typed character and every Enter; `enter` returns the code of a scan or None."""

    def __init__(
        self,
        max_gap: float = 0.05,
        min_length: int = 8,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_gap = max_gap
        self.min_length = min_length
        self._clock = clock
        self._chars: list[str] = []
        self._last_key_at: float | None = None

    def key(self, text: str) -> None:
        """A printable character (or a few, as one text-input event) arrived."""
        now = self._clock()
        if self._last_key_at is not None and now - self._last_key_at > self.max_gap:
            # Too slow to belong to the burst so far: a person typing, or a new burst starting.
            self._chars.clear()
        self._chars.append(text)
        self._last_key_at = now

    def enter(self) -> str | None:
        """Enter was pressed: the scanned code if the keys before it were a scanner's burst."""
        now = self._clock()
        burst = "".join(self._chars)
        fast = self._last_key_at is not None and now - self._last_key_at <= self.max_gap
        self._chars.clear()
        self._last_key_at = None
        if fast and len(burst) >= self.min_length:
            return burst.strip()
        return None

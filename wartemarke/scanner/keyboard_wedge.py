"""Tell a keyboard-wedge scanner from a clerk typing.

A USB "keyboard wedge" scanner types the code as keystrokes and presses Enter. A scanner types
much faster than any person (a few milliseconds per key, every key) and a code is long; a person
needs about a tenth of a second or more per key. So a burst ending in Enter counts as a scan when
it has at least `min_length` characters and its keys came on average at most `max_gap` seconds
apart. The app sees keys only once per frame, and a slow frame can hold a few of them back, so a
single longer gap does not end a burst — only a pause longer than `stall` does (a person starting
over, or a new burst). Anything else is dropped, so nobody's typing ever becomes a "scan".
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
        stall: float | None = None,
    ) -> None:
        self.max_gap = max_gap
        self.min_length = min_length
        self.stall = stall if stall is not None else max(4 * max_gap, 0.15)
        self._clock = clock
        self._chars: list[str] = []
        self._first_key_at: float | None = None
        self._last_key_at: float | None = None

    def key(self, text: str) -> None:
        """A printable character (or a few, as one text-input event) arrived."""
        now = self._clock()
        if self._last_key_at is None or now - self._last_key_at > self.stall:
            self._chars.clear()
            self._first_key_at = now
        self._chars.append(text)
        self._last_key_at = now

    def enter(self) -> str | None:
        """Enter was pressed: the scanned code if the keys before it were a scanner's burst."""
        now = self._clock()
        burst = "".join(self._chars)
        first, last = self._first_key_at, self._last_key_at
        self._chars.clear()
        self._first_key_at = self._last_key_at = None
        if first is None or last is None or len(burst) < self.min_length or now - last > self.stall:
            return None
        # Gaps between the keys and the Enter: len(burst) of them after the first key.
        if (now - first) / len(burst) > self.max_gap:
            return None
        return burst.strip()

"""Capped exponential backoff with full jitter.

When the server restarts, every kiosk, display and counter in the building reconnects at once;
jitter spreads them out so the fresh server is not hit by a synchronized wave, and the cap keeps a
display from waiting minutes after the server is back.
"""

from __future__ import annotations

import random


class Backoff:
    """Delays `initial`, 2×, 4× … up to `maximum` seconds; each one drawn uniformly from [d/2, d]."""

    def __init__(self, initial: float = 0.5, maximum: float = 30.0, rng: random.Random | None = None) -> None:
        if initial <= 0 or maximum < initial:
            raise ValueError("Backoff needs 0 < initial <= maximum")
        self.initial = initial
        self.maximum = maximum
        self._rng = rng or random.Random()
        self._attempt = 0

    def next_delay(self) -> float:
        """The delay before the next attempt; each call doubles the ceiling until it reaches the cap."""
        ceiling = min(self.maximum, self.initial * (2 ** min(self._attempt, 32)))
        self._attempt += 1
        # Half fixed, half random: never a zero delay (no hot loop), still spread out.
        return ceiling / 2 + self._rng.random() * ceiling / 2

    def reset(self) -> None:
        """Start again from `initial` — called once a connection has proved to work."""
        self._attempt = 0

"""The staff way out of full-screen mode: five quick taps in the top-left corner, then the PIN.

Visitors do tap corners, so the gesture alone only opens a PIN pad that closes itself again.
"""

from __future__ import annotations

import hmac


class StaffExitGesture:
    """Counts corner taps; `tap()` is True on the tap that completes the gesture."""

    def __init__(self, taps: int = 5, within_seconds: float = 3.0) -> None:
        self.taps = taps
        self.within_seconds = within_seconds
        self._times: list[float] = []

    def tap(self, now: float) -> bool:
        self._times = [t for t in self._times if now - t <= self.within_seconds] + [now]
        if len(self._times) >= self.taps:
            self._times.clear()
            return True
        return False


class StaffPin:
    """The digits typed so far, compared in constant time with the configured PIN."""

    def __init__(self, pin: str) -> None:
        self._pin = pin
        self.entered = ""

    def type(self, digit: str) -> None:
        if digit.isdigit() and len(self.entered) < 12:
            self.entered += digit

    def clear(self) -> None:
        self.entered = ""

    def matches(self) -> bool:
        return hmac.compare_digest(self.entered.encode(), self._pin.encode())

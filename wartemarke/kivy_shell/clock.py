"""Kivy's Clock behind the shared bridge: the app's `UiThread` is emptied at the start of a frame.

Posting from a background thread fires a Clock trigger (Kivy's scheduling is thread-safe); the
trigger runs once per frame however often it was fired, and runs everything posted until then.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from kivy.clock import Clock

from wartemarke.ui_thread import UiThread


def ui_thread_on_clock() -> UiThread:
    """The app's UiThread: whatever is posted runs on Kivy's thread at the next frame."""
    ui = UiThread()
    ui.wake = Clock.create_trigger(lambda _dt: ui.run_pending(), 0)
    return ui


class ClockTimer:
    def __init__(self, event: Any) -> None:
        self._event = event

    def cancel(self) -> None:
        self._event.cancel()


class ClockTimers:
    """`call_later` on Kivy's Clock: the callback runs on the UI thread after `seconds`."""

    def call_later(self, seconds: float, callback: Callable[[], None]) -> ClockTimer:
        return ClockTimer(Clock.schedule_once(lambda _dt: callback(), seconds))

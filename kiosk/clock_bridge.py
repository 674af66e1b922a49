"""The controller's Scheduler and Runner on top of Kivy's Clock and plain threads.

Background jobs run in one thread per lane (so the printer never gets two jobs at once and a hanging
ticket request does not block the health probe); their outcomes come back to the UI thread through
Clock.schedule_once, because Kivy widgets may only be touched there.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from typing import Any

from kivy.clock import Clock

from kiosk.ports import Outcome


class ClockTimer:
    def __init__(self, event: Any) -> None:
        self._event = event

    def cancel(self) -> None:
        self._event.cancel()


class ClockScheduler:
    def call_later(self, seconds: float, callback: Callable[[], None]) -> ClockTimer:
        return ClockTimer(Clock.schedule_once(lambda _dt: callback(), seconds))


class ThreadRunner:
    """One daemon thread per lane, each working through its own queue."""

    def __init__(self) -> None:
        self._lanes: dict[str, queue.Queue] = {}
        self._lock = threading.Lock()
        self._stopped = False

    def run(self, lane: str, job: Callable[[], Any], done: Callable[[Outcome], None]) -> None:
        if self._stopped:
            return
        with self._lock:
            jobs = self._lanes.get(lane)
            if jobs is None:
                jobs = self._lanes[lane] = queue.Queue()
                threading.Thread(target=self._work, args=(jobs,), name=f"kiosk-{lane}", daemon=True).start()
        jobs.put((job, done))

    def stop(self) -> None:
        self._stopped = True
        with self._lock:
            for jobs in self._lanes.values():
                jobs.put(None)
            self._lanes.clear()

    def _work(self, jobs: queue.Queue) -> None:
        while True:
            item = jobs.get()
            if item is None:
                return
            job, done = item
            try:
                outcome = Outcome(value=job())
            except Exception as exc:  # noqa: BLE001 - every failure is the controller's to judge
                outcome = Outcome(error=exc)
            if not self._stopped:
                Clock.schedule_once(lambda _dt, done=done, outcome=outcome: done(outcome), 0)

"""One way from background work to the UI thread, shared by the kiosk, the display and the counter.

Kivy widgets may only be touched on the UI thread, and nothing that waits (HTTP, a printer, an event
stream, a serial scanner) may run there. So every app hands blocking work to `Lanes` and gets every
result back through its `UiThread`:

- `Lanes.run(lane, job, done)`: `job` runs in the lane's own thread. Jobs of one lane run one after
  another (a printer never gets two tickets at once, a counter's steps never overlap); lanes run
  side by side (a hanging ticket request does not hold up the health probe). `done(outcome)` then
  runs on the UI thread with the job's value or the exception it raised.
- `UiThread.call_soon(callback)`: from any thread, run `callback` on the UI thread, in order.
- `Batches`: items put from any thread reach the UI thread together — whatever arrived since the
  last delivery comes as one list (the display judges a replay after a dropped connection whole).

`UiThread` is a mailbox. Posting to it calls `wake`: the Kivy apps pass a Clock trigger
(`wartemarke.kivy_shell.clock`), so the mailbox is emptied at the next frame. Tests without Kivy
empty it themselves with `run_pending(timeout)`, which waits for the next delivery instead of
sleeping. No Kivy here.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import deque
from collections.abc import Callable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")


class Outcome(Generic[T]):
    """The result of a background job: its value, or the exception it raised."""

    __slots__ = ("value", "error")

    def __init__(self, value: T | None = None, error: BaseException | None = None) -> None:
        self.value = value
        self.error = error

    @property
    def ok(self) -> bool:
        return self.error is None

    def __repr__(self) -> str:
        return f"Outcome(value={self.value!r})" if self.ok else f"Outcome(error={self.error!r})"


class UiThread:
    """The UI thread's mailbox: any thread posts callbacks, the UI thread runs them in posting order."""

    def __init__(self, wake: Callable[[], None] | None = None) -> None:
        #: Called after every post, from the posting thread: it must only schedule, never run, the work.
        self.wake: Callable[[], None] = wake or (lambda: None)
        self._pending: deque[Callable[[], None]] = deque()
        self._arrived = threading.Condition()

    def call_soon(self, callback: Callable[[], None]) -> None:
        """Run `callback` on the UI thread (from any thread, the UI thread included)."""
        with self._arrived:
            self._pending.append(callback)
            self._arrived.notify_all()
        self.wake()

    def run_pending(self, timeout: float = 0.0) -> int:
        """Run what has been posted so far; call on the UI thread. Returns how many callbacks ran.

        With `timeout`, first wait up to that long for something to arrive. A failing callback is
        logged and the rest still run: one bad answer must not take a device down.
        """
        with self._arrived:
            if timeout > 0:
                self._arrived.wait_for(lambda: self._pending, timeout)
            callbacks, self._pending = self._pending, deque()
        for callback in callbacks:
            try:
                callback()
            except Exception:
                log.exception("a callback on the UI thread failed")
        return len(callbacks)


class Lanes:
    """Named lanes of background work, one daemon thread each, created on first use; see the module."""

    def __init__(self, ui: UiThread, name: str = "app") -> None:
        self.ui = ui
        self.name = name
        self._lanes: dict[str, queue.SimpleQueue] = {}
        self._lock = threading.Lock()
        self._stopped = False

    def run(self, lane: str, job: Callable[[], T], done: Callable[[Outcome[T]], None] | None = None) -> None:
        """Queue `job` in `lane`; `done(outcome)` runs on the UI thread afterwards.

        Without `done` a failing job is logged: nobody else would hear of it.
        """
        with self._lock:
            if self._stopped:
                return
            jobs = self._lanes.get(lane)
            if jobs is None:
                jobs = self._lanes[lane] = queue.SimpleQueue()
                thread = threading.Thread(target=self._work, args=(lane, jobs), name=f"{self.name}-{lane}", daemon=True)
                thread.start()
        jobs.put((job, done))

    def stop(self) -> None:
        """No new jobs, and no more outcomes delivered; a job under way finishes in its thread."""
        with self._lock:
            self._stopped = True
            for jobs in self._lanes.values():
                jobs.put(None)
            self._lanes.clear()

    def _work(self, lane: str, jobs: queue.SimpleQueue) -> None:
        while (item := jobs.get()) is not None:
            job, done = item
            try:
                outcome: Outcome = Outcome(value=job())
            except Exception as exc:  # every failure is for `done` to judge
                outcome = Outcome(error=exc)
            if done is None:
                if not outcome.ok:
                    log.error("%s: a job in lane %r failed", self.name, lane, exc_info=outcome.error)
            elif not self._stopped:
                self.ui.call_soon(lambda done=done, outcome=outcome: done(outcome))


class Batches(Generic[T]):
    """Items put from any thread, delivered on the UI thread as lists: everything since the last delivery."""

    def __init__(self, ui: UiThread, deliver: Callable[[list[T]], None]) -> None:
        self._ui = ui
        self._deliver = deliver
        self._items: list[T] = []
        self._lock = threading.Lock()

    def put(self, item: T) -> None:
        with self._lock:
            first = not self._items
            self._items.append(item)
        if first:  # one delivery takes everything that arrives until it runs
            self._ui.call_soon(self._flush)

    def _flush(self) -> None:
        with self._lock:
            items, self._items = self._items, []
        if items:
            self._deliver(items)

"""Group commit: requests that arrive while a transaction is being written share the next one.

Issuing a ticket is a few statements and a durable commit. One at a time, a server spends most of
its time starting and ending transactions (and, on SQLite, every writer waits for the one before
it). Here one writer thread takes everything that queued up while it was busy, runs it as one
batch (one transaction, one fsync, one wake-up of the event stream) and answers each caller on
its own event loop. Nothing waits on purpose: a lone request is written at once, as a batch of one;
batches only form when requests really overlap.

The batch function returns one outcome per request, in order: a result, or an exception for that
request alone (a full quota, say). An exception it raises fails the whole batch.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import deque
from collections.abc import Callable, Sequence
from typing import Generic, TypeVar

log = logging.getLogger("wartemarke.server")

Request = TypeVar("Request")
Result = TypeVar("Result")


class GroupCommitter(Generic[Request, Result]):
    def __init__(
        self,
        run_batch: Callable[[Sequence[Request]], Sequence[Result | BaseException]],
        name: str,
        max_batch: int = 64,
    ) -> None:
        self._run_batch = run_batch
        self._name = name
        self._max_batch = max_batch
        self._queue: deque[tuple[Request, asyncio.Future[Result]]] = deque()
        self._wakeup = threading.Condition()
        self._thread: threading.Thread | None = None
        self._stopping = False

    @property
    def waiting(self) -> int:
        """Requests queued for the next batch (not those being written now)."""
        with self._wakeup:
            return len(self._queue)

    async def submit(self, request: Request) -> Result:
        """Queue one request for the next batch and wait for its outcome."""
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        with self._wakeup:
            if self._stopping:
                raise RuntimeError(f"{self._name}: the server is shutting down")
            if self._thread is None:
                self._thread = threading.Thread(target=self._work, name=self._name, daemon=True)
                self._thread.start()
            self._queue.append((request, future))
            self._wakeup.notify()
        return await future

    def stop(self, timeout: float = 5.0) -> None:
        """Finish what is queued, then end the writer thread."""
        with self._wakeup:
            self._stopping = True
            self._wakeup.notify()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _work(self) -> None:
        while True:
            with self._wakeup:
                while not self._queue and not self._stopping:
                    self._wakeup.wait()
                if not self._queue:
                    return
                batch = [self._queue.popleft() for _ in range(min(len(self._queue), self._max_batch))]
            requests = [request for request, _ in batch]
            try:
                outcomes: Sequence[object] = self._run_batch(requests)
                if len(outcomes) != len(batch):
                    raise RuntimeError(f"{self._name}: {len(outcomes)} outcomes for {len(batch)} requests")
            except BaseException as exc:  # noqa: BLE001 - every caller must hear of it
                log.debug("%s: batch of %d failed: %r", self._name, len(batch), exc)
                outcomes = [exc] * len(batch)
            self._settle(batch, outcomes)

    @staticmethod
    def _settle(batch: list[tuple[Request, asyncio.Future[Result]]], outcomes: Sequence[object]) -> None:
        """Hand the outcomes to the callers' event loops: one wake-up per loop, not per request."""
        per_loop: dict[asyncio.AbstractEventLoop, list[tuple[asyncio.Future[Result], object]]] = {}
        for (_, future), outcome in zip(batch, outcomes, strict=True):
            per_loop.setdefault(future.get_loop(), []).append((future, outcome))
        for loop, settled in per_loop.items():
            try:
                loop.call_soon_threadsafe(_resolve, settled)
            except RuntimeError:  # that loop has closed: nobody is waiting any more
                pass


def _resolve(settled: list[tuple[asyncio.Future, object]]) -> None:
    for future, outcome in settled:
        if future.done():  # the caller went away (client disconnected, request cancelled)
            continue
        if isinstance(outcome, BaseException):
            future.set_exception(outcome)
        else:
            future.set_result(outcome)

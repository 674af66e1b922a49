"""Keeping thousands of open connections out of Python's full garbage collections.

Each open phone page is a few hundred Python objects (its connection, request, tasks, the frames of
the ASGI layers) that live as long as the visit. Python's full collection walks every object that
survived earlier ones: with 5,000 pages open that took 0.3-1.2 s on the benchmark machine, every
few seconds under load, the whole process standing still; calls then reached phones seconds late.
So once many pages have connected, what exists then is frozen (`gc.freeze`: never walked again,
still freed by reference counting), and full collections walk only what is new. Now and then,
between two batches, everything is thawed and collected once, so that cycles of connections closed
meanwhile are not kept forever.
"""

from __future__ import annotations

import gc
import time

#: Freeze again once this many more pages are open than at the last freeze.
GROWTH = 256
#: How often (seconds) everything is collected once: one pause, instead of one every few seconds.
THAW_SECONDS = 1800.0


class LongLived:
    def __init__(self) -> None:
        self._frozen_at = 0
        self._thaw_after = time.monotonic() + THAW_SECONDS

    def after_batch(self, open_pages: int) -> None:
        """Called by the phone feed between batches with the number of pages open now."""
        if time.monotonic() >= self._thaw_after:
            gc.unfreeze()
            gc.collect()
            gc.freeze()
            self._frozen_at = open_pages
            self._thaw_after = time.monotonic() + THAW_SECONDS
        elif open_pages >= self._frozen_at + GROWTH:
            gc.freeze()
            self._frozen_at = open_pages
        elif open_pages < self._frozen_at // 2:
            self._frozen_at = open_pages  # many left: grow again from here

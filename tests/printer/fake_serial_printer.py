"""A thermal printer on the other end of a pseudo-terminal, for tests.

It answers DLE EOT n with the status byte its `answers` hold for n (no entry = silence, like a
printer that is switched off) and records every other byte, i.e. what it would print.
`after_printing` replaces the answers once the first printed byte arrived.
"""

from __future__ import annotations

import os
import select
import threading
import tty

#: Real-time status bytes (bits 1 and 4 always set), per DLE EOT n.
OK = {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12}
PAPER_NEAR_END = {**OK, 4: 0x12 | 0x0C}
PAPER_OUT = {1: 0x12 | 0x08, 2: 0x12 | 0x20, 3: 0x12, 4: 0x12 | 0x60}
COVER_OPEN = {1: 0x12 | 0x08, 2: 0x12 | 0x04, 3: 0x12, 4: 0x12}
SILENT: dict[int, int] = {}


class FakeSerialPrinter:
    def __init__(self, answers: dict[int, int], *, after_printing: dict[int, int] | None = None) -> None:
        self.answers = answers
        #: Answers once something has been printed (e.g. the roll ran out during this ticket).
        self.after_printing = after_printing
        self.master, self.slave = os.openpty()
        tty.setraw(self.master)
        tty.setraw(self.slave)
        self.device = os.ttyname(self.slave)
        self.received = bytearray()
        self.queries: list[int] = []
        self._pending = b""
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def url(self, baudrate: int = 9600) -> str:
        return f"serial://{self.device}?baudrate={baudrate}"

    def __enter__(self) -> FakeSerialPrinter:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        os.close(self.master)
        os.close(self.slave)

    def _serve(self) -> None:
        while not self._stop.is_set():
            if not select.select([self.master], [], [], 0.05)[0]:
                continue
            try:
                chunk = os.read(self.master, 4096)
            except OSError:
                return
            self._take(chunk)

    def _take(self, chunk: bytes) -> None:
        data = self._pending + chunk
        self._pending = b""
        index = 0
        while index < len(data):
            if data[index] == 0x10:
                if len(data) - index < 3:  # a query split across reads: wait for the rest
                    self._pending = data[index:]
                    return
                if data[index + 1] == 0x04:
                    n = data[index + 2]
                    self.queries.append(n)
                    if n in self.answers:
                        os.write(self.master, bytes([self.answers[n]]))
                    index += 3
                    continue
            self.received.append(data[index])
            if self.after_printing is not None:
                self.answers = self.after_printing
            index += 1

"""A printer behind a device file, e.g. /dev/usb/lp0 from Linux's usblp driver.

usblp passes the printer's answers back through read(), so status queries work on printers that
talk back (Epson TM models do). A plain file never answers and therefore reads as "offline":
use preview:// to write tickets into a folder.
"""

from __future__ import annotations

import os
import select

from printer.links import LinkError


class FileLink:
    def __init__(self, url: str, path: str) -> None:
        self.url = url
        self.path = path
        self._fd: int | None = None

    def _open(self) -> int:
        if self._fd is None:
            try:
                self._fd = os.open(self.path, os.O_RDWR | os.O_NOCTTY | os.O_NONBLOCK)
            except OSError as exc:
                raise LinkError(f"cannot open {self.path}: {exc.strerror}") from None
        return self._fd

    def write(self, data: bytes) -> None:
        fd = self._open()
        view = memoryview(data)
        try:
            while view:
                select.select([], [fd], [], 15)
                written = os.write(fd, view)
                view = view[written:]
        except BlockingIOError:
            self.close()
            raise LinkError(f"{self.path} does not take data (printer busy or stalled)") from None
        except OSError as exc:
            self.close()
            raise LinkError(f"writing to {self.path} failed: {exc.strerror}") from None

    def read_byte(self, timeout: float) -> int | None:
        fd = self._open()
        try:
            if not select.select([fd], [], [], timeout)[0]:
                return None
            answer = os.read(fd, 1)
        except BlockingIOError:
            return None
        except OSError as exc:
            self.close()
            raise LinkError(f"reading from {self.path} failed: {exc.strerror}") from None
        return answer[0] if answer else None

    def discard_input(self) -> None:
        fd = self._open()
        try:
            while select.select([fd], [], [], 0)[0] and os.read(fd, 256):
                pass
        except OSError:
            pass

    def close(self) -> None:
        if self._fd is not None:
            try:
                os.close(self._fd)
            except OSError:
                pass
            self._fd = None

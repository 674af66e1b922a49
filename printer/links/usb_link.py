"""A printer addressed by USB vendor and product id, through python-escpos's Usb class (pyusb).

On Linux the usblp driver usually claims such printers as /dev/usb/lp0 (use file:// then); this
link is for machines where the printer is reached through libusb.
"""

from __future__ import annotations

import time

from printer.errors import PrinterError
from printer.links import LinkError


class UsbLink:
    def __init__(self, url: str, vendor_id: int, product_id: int) -> None:
        try:
            from escpos.printer import Usb
        except ImportError as exc:  # pragma: no cover - depends on the machine
            raise PrinterError(f"{url}: USB printing needs pyusb ({exc}); or use file:///dev/usb/lp0") from None
        if not Usb.is_usable():
            raise PrinterError(f"{url}: USB printing needs the pyusb package; or use file:///dev/usb/lp0")
        self.url = url
        self._usb = Usb(vendor_id, product_id, timeout=1000)
        self._opened = False

    def _open(self):
        if not self._opened:
            try:
                self._usb.open()
            except Exception as exc:  # pyusb/escpos raise several unrelated types for "not there"
                raise LinkError(f"cannot open USB printer {self.url}: {exc}") from None
            self._opened = True
        return self._usb

    def write(self, data: bytes) -> None:
        try:
            self._open()._raw(data)
        except LinkError:
            raise
        except Exception as exc:
            self.close()
            raise LinkError(f"sending to {self.url} failed: {exc}") from None

    def read_byte(self, timeout: float) -> int | None:
        deadline = time.monotonic() + timeout
        while True:
            try:
                answer = bytes(self._open()._read())
            except LinkError:
                raise
            except Exception:
                answer = b""  # pyusb reports "nothing yet" as a timeout error
            if answer:
                return answer[-1]
            if time.monotonic() >= deadline:
                return None

    def discard_input(self) -> None:
        return None  # status answers arrive per request over USB; nothing accumulates

    def close(self) -> None:
        if self._opened:
            try:
                self._usb.close()
            except Exception:
                pass
            self._opened = False

"""A serial (RS-232 / USB-CDC) barcode scanner that survives being unplugged.

The reader runs in its own thread. When the port vanishes (cable pulled, USB re-enumerated) it
closes it, reports `connected=False` and tries to open the same path again every `reopen_interval`
seconds, so the clerk just plugs the scanner back in — no restart of the app.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import serial

from wartemarke.scanner.code_framer import CodeFramer

log = logging.getLogger(__name__)

OpenPort = Callable[[str, int], serial.SerialBase]


def open_serial_port(port: str, baudrate: int) -> serial.SerialBase:
    """Open `port` (a device path or a pyserial URL) with a short read timeout so `stop` is quick."""
    return serial.serial_for_url(port, baudrate=baudrate, timeout=0.2)


class SerialScanner:
    """Reads codes from `port` and hands each to `on_code` (called in the reader thread)."""

    def __init__(
        self,
        port: str,
        baudrate: int,
        on_code: Callable[[str], None],
        on_state: Callable[[bool], None] | None = None,
        reopen_interval: float = 1.0,
        open_port: OpenPort = open_serial_port,
    ) -> None:
        self.port = port
        self.baudrate = baudrate
        self._on_code = on_code
        self._on_state = on_state or (lambda connected: None)
        self._reopen_interval = reopen_interval
        self._open_port = open_port
        self._framer = CodeFramer()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self.connected = False

    def start(self) -> SerialScanner:
        self._thread = threading.Thread(target=self.run, name=f"scanner {self.port}", daemon=True)
        self._thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        self._stopping.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def run(self) -> None:
        """Open, read until the device goes away, wait, open again — until `stop`."""
        while not self._stopping.is_set():
            try:
                connection = self._open_port(self.port, self.baudrate)
            except (serial.SerialException, OSError, ValueError) as exc:
                log.debug("scanner %s not available: %s", self.port, exc)
                self._set_connected(False)
                self._stopping.wait(self._reopen_interval)
                continue
            self._set_connected(True)
            try:
                self._read_until_gone(connection)
            finally:
                self._framer.reset()
                try:
                    connection.close()
                except (serial.SerialException, OSError):
                    pass
            if not self._stopping.is_set():
                self._set_connected(False)
                self._stopping.wait(self._reopen_interval)

    def _read_until_gone(self, connection: serial.SerialBase) -> None:
        while not self._stopping.is_set():
            try:
                data = connection.read(connection.in_waiting or 1)
            except (serial.SerialException, OSError, TypeError) as exc:
                # pyserial reports an unplugged device as "readiness to read but returned no data";
                # TypeError comes from a port closed under its feet.
                log.info("scanner %s went away: %s", self.port, exc)
                return
            for code in self._framer.feed(data):
                self._on_code(code)

    def _set_connected(self, connected: bool) -> None:
        if connected != self.connected:
            self.connected = connected
            log.info("scanner %s %s", self.port, "connected" if connected else "not connected")
            self._on_state(connected)

"""A printer on a serial port (RS-232 or a USB-serial adapter), via pyserial."""

from __future__ import annotations

import serial

from printer.links import LinkError

#: 8 data bits, no parity, 1 stop bit: ten bits on the wire per byte.
BITS_PER_BYTE = 10


class SerialLink:
    def __init__(self, url: str, device: str, *, baudrate: int, rtscts: bool = False, xonxoff: bool = False) -> None:
        self.url = url
        self.device = device
        self.baudrate = baudrate
        self.rtscts = rtscts
        self.xonxoff = xonxoff
        self._port: serial.Serial | None = None

    def _open(self) -> serial.Serial:
        if self._port is None:
            try:
                self._port = serial.Serial(
                    self.device, self.baudrate, timeout=0, rtscts=self.rtscts, xonxoff=self.xonxoff
                )
            except (serial.SerialException, OSError, ValueError) as exc:
                raise LinkError(f"cannot open {self.device}: {exc}") from None
        return self._port

    def write(self, data: bytes) -> None:
        port = self._open()
        # Room for the whole ticket at this speed plus a printer pausing with flow control.
        port.write_timeout = len(data) * BITS_PER_BYTE / self.baudrate + 10
        try:
            port.write(data)
            port.flush()
        except (serial.SerialException, OSError) as exc:
            self.close()
            raise LinkError(f"sending to {self.device} failed: {exc}") from None

    def read_byte(self, timeout: float) -> int | None:
        port = self._open()
        port.timeout = timeout
        try:
            answer = port.read(1)
        except (serial.SerialException, OSError) as exc:
            self.close()
            raise LinkError(f"reading from {self.device} failed: {exc}") from None
        return answer[0] if answer else None

    def discard_input(self) -> None:
        try:
            self._open().reset_input_buffer()
        except (serial.SerialException, OSError) as exc:
            self.close()
            raise LinkError(f"{self.device}: {exc}") from None

    def close(self) -> None:
        if self._port is not None:
            try:
                self._port.close()
            except (serial.SerialException, OSError):
                pass
            self._port = None

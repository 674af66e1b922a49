"""A printer on the network (raw port 9100, "JetDirect"), via a plain TCP socket."""

from __future__ import annotations

import select
import socket

from printer.links import LinkError

CONNECT_TIMEOUT = 3.0
SEND_TIMEOUT = 15.0


class TcpLink:
    def __init__(self, url: str, host: str, port: int) -> None:
        self.url = url
        self.host = host
        self.port = port
        self._socket: socket.socket | None = None

    def _open(self) -> socket.socket:
        if self._socket is None:
            try:
                self._socket = socket.create_connection((self.host, self.port), timeout=CONNECT_TIMEOUT)
            except OSError as exc:
                raise LinkError(f"cannot connect to {self.host}:{self.port}: {exc.strerror or exc}") from None
            self._socket.settimeout(SEND_TIMEOUT)
        return self._socket

    def write(self, data: bytes) -> None:
        try:
            self._open().sendall(data)
        except OSError as exc:
            self.close()
            raise LinkError(f"sending to {self.host}:{self.port} failed: {exc.strerror or exc}") from None

    def read_byte(self, timeout: float) -> int | None:
        sock = self._open()
        try:
            readable, _, _ = select.select([sock], [], [], timeout)
            if not readable:
                return None
            answer = sock.recv(1)
        except OSError as exc:
            self.close()
            raise LinkError(f"reading from {self.host}:{self.port} failed: {exc.strerror or exc}") from None
        if not answer:  # the printer closed the connection
            self.close()
            return None
        return answer[0]

    def discard_input(self) -> None:
        sock = self._open()
        while select.select([sock], [], [], 0)[0]:
            try:
                if not sock.recv(256):
                    self.close()
                    return
            except OSError:
                self.close()
                return

    def close(self) -> None:
        if self._socket is not None:
            try:
                self._socket.close()
            except OSError:
                pass
            self._socket = None

"""`[scanner]` in counter.toml and kiosk.toml: which QR scanner a device reads codes from."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from wartemarke.config_file import ConfigModel


class ScannerSection(ConfigModel):
    #: "keyboard" = a USB scanner that types (keyboard wedge), "serial" = RS-232/USB-CDC, "none".
    kind: Literal["keyboard", "serial", "none"] = "keyboard"
    #: Serial only: device path (better a stable /dev/serial/by-id/... link) or a pyserial URL.
    port: str | None = None
    baudrate: Literal[1200, 2400, 4800, 9600, 19200, 38400, 57600, 115200] = 9600
    #: Keyboard only: a scan is a burst whose keys come on average at most this far apart ...
    max_key_gap_ms: Annotated[float, Field(gt=0, le=500)] = 50
    #: ... and has at least this many characters (ticket codes are far longer).
    min_length: Annotated[int, Field(ge=4, le=200)] = 8

    @model_validator(mode="after")
    def _serial_needs_port(self) -> ScannerSection:
        if self.kind == "serial" and not self.port:
            raise ValueError('kind = "serial" needs port, e.g. port = "/dev/ttyACM0"')
        return self

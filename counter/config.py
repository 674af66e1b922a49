"""counter.toml: which server, which staff token, which counter, which scanner, which keys.

Validated at start (via wartemarke.config_file), so a mistyped key stops the app with one message
naming it instead of a counter whose scanner silently does nothing.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from wartemarke.config_file import ConfigModel
from wartemarke.device_config import DeviceConfig, Language
from wartemarke.keys import key_name

#: The clerk's actions, in the order the buttons appear.
ACTIONS = ("call_next", "recall", "start", "finish", "no_show", "transfer", "cancel")

#: Enter ends a wedge scanner's code, so it can be no shortcut.
_SCANNER_KEYS = frozenset({"enter", "numpad_enter"})


class CounterSection(ConfigModel):
    #: The counter this desk is; leave it out to let the clerk pick one at start.
    id: Annotated[str, Field(min_length=1, max_length=32)] | None = None
    #: Language of the staff screen.
    language: Language = "de"


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


class ShortcutsSection(ConfigModel):
    """Keys for the actions. Function keys by default: a wedge scanner types letters, never F-keys."""

    call_next: str = "f2"
    recall: str = "f3"
    start: str = "f4"
    finish: str = "f5"
    no_show: str = "f6"
    transfer: str = "f7"
    cancel: str = "f8"

    @field_validator("*")
    @classmethod
    def _key_name(cls, value: str) -> str:
        name = key_name(value)
        if name.split("+")[-1] in _SCANNER_KEYS:
            raise ValueError(f"{value!r} ends every scan of a keyboard scanner; use another key")
        return name

    @model_validator(mode="after")
    def _distinct(self) -> ShortcutsSection:
        keys = [getattr(self, action) for action in ACTIONS]
        doubled = sorted({key for key in keys if keys.count(key) > 1})
        if doubled:
            raise ValueError(f"key {doubled[0]!r} is given to two actions")
        return self


class CounterConfig(DeviceConfig):
    token_role = "staff"
    counter: CounterSection = CounterSection()
    scanner: ScannerSection = ScannerSection()
    shortcuts: ShortcutsSection = ShortcutsSection()


load_counter_config = CounterConfig.load

"""counter.toml: which server, which staff token, which counter, which scanner, which keys.

Validated at start (via wartemarke.config_file), so a mistyped key stops the app with one message
naming it instead of a counter whose scanner silently does nothing.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import Field, field_validator, model_validator

from wartemarke.config_file import ConfigModel
from wartemarke.device_config import DeviceConfig, Language
from wartemarke.keys import key_name
from wartemarke.scanner.settings import ScannerSection

#: The clerk's actions, in the order the buttons appear.
ACTIONS = ("call_next", "recall", "start", "finish", "no_show", "transfer", "cancel")

#: Enter ends a wedge scanner's code, so it can be no shortcut.
_SCANNER_KEYS = frozenset({"enter", "numpad_enter"})


class CounterSection(ConfigModel):
    #: The counter this desk is; leave it out to let the clerk pick one at start.
    id: Annotated[str, Field(min_length=1, max_length=32)] | None = None
    #: Language of the staff screen.
    language: Language = "de"


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

"""kiosk.toml: where the server is, which printer to use, what the visitor may choose.

Validated at start (via wartemarke.config_file) so a typo stops the kiosk with one message naming
the key, instead of a kiosk that silently prints nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, ValidationInfo, field_validator

from wartemarke.config_file import ConfigModel
from wartemarke.device_config import DeviceConfig, Languages
from wartemarke.i18n import LANGUAGE_NAMES


def _config_dir(info: ValidationInfo) -> Path:
    context = info.context or {}
    return Path(context.get("config_dir", "."))


class PrinterSection(ConfigModel):
    #: preview:///dir, serial:///dev/ttyUSB0?baudrate=9600, tcp://host:9100, usb://vid:pid, file:///dev/usb/lp0
    url: Annotated[str, Field(min_length=1)]
    profile: Annotated[str, Field(min_length=1)] = "TM-T20III"

    @field_validator("url")
    @classmethod
    def _preview_relative_to_config(cls, value: str, info: ValidationInfo) -> str:
        # "preview://../var/demo/printed" is a folder next to the config, not a host named "..".
        if not value.startswith("preview://"):
            return value
        rest = value.removeprefix("preview://")
        folder = Path(rest)
        if not folder.is_absolute():
            folder = (_config_dir(info) / folder).resolve()
        return f"preview://{folder}"


class KioskSection(ConfigModel):
    #: Shown on the start screen and printed on tickets; empty = the site name from the server.
    office_name: str = ""
    languages: Annotated[Languages, Field(min_length=1)] = list(LANGUAGE_NAMES)
    #: Seconds without a touch before the concern screen returns to the start.
    idle_seconds: Annotated[float, Field(ge=5, le=600)] = 45
    #: Seconds the ticket screen stays after a successful print.
    ticket_seconds: Annotated[float, Field(ge=3, le=600)] = 20
    #: Seconds the ticket stays on screen when it could not be printed (time to take a photo).
    photo_seconds: Annotated[float, Field(ge=10, le=900)] = 90
    orientation: Literal["portrait", "landscape"] = "portrait"
    #: Staff leave full-screen mode by tapping the top-left corner five times and typing this PIN.
    staff_pin: Annotated[str, Field(pattern=r"^[0-9]{4,8}$")]


class KioskConfig(DeviceConfig):
    token_role = "kiosk"
    printer: PrinterSection
    kiosk: KioskSection


load_kiosk_config = KioskConfig.load

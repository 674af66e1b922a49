"""kiosk.toml: where the server is, which printer and scanner to use, what the visitor may choose, which keys do what.

Validated at start (via wartemarke.config_file) so a typo stops the kiosk with one message naming
the key, instead of a kiosk that silently prints nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, ValidationInfo, field_validator, model_validator

from wartemarke.config_file import ConfigModel
from wartemarke.device_config import DeviceConfig, Language, Languages
from wartemarke.i18n import LANGUAGE_NAMES
from wartemarke.keys import key_name
from wartemarke.scanner.settings import ScannerSection
from wartemarke.speech import RATE_RANGE, VOLUME_RANGE


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


def _key_names(names: list[str]) -> list[str]:
    return [key_name(name) for name in names]


#: Several key names ("down", "numpad2", "ctrl+n"); any of them does the action.
KeyNames = Annotated[list[str], AfterValidator(_key_names)]


class KeysSection(ConfigModel):
    """What the keys of a USB numeric keypad (or arrow keys, Enter and Backspace) do.

    Any key at all also tells the kiosk the visitor is still there. The spoken help names the
    default keys; a kiosk with other keys needs its keypad labelled to match.
    """

    #: Move the focus ring to the next / previous choice on the screen.
    next: Annotated[KeyNames, Field(min_length=1)] = ["down", "right", "numpad2", "numpad6"]
    previous: Annotated[KeyNames, Field(min_length=1)] = ["up", "left", "numpad8", "numpad4"]
    #: What a touch on the choice with the focus ring does.
    choose: Annotated[KeyNames, Field(min_length=1)] = ["enter", "numpad_enter", "numpad5"]
    #: The screen's way back ("Back" on the concerns, "Done" on the ticket).
    back: KeyNames = ["backspace", "numpad_decimal"]
    #: Switches speech on (the help key); pressed again, says which key does what.
    speech: KeyNames = ["f1", "h", "numpad_multiply"]
    #: Says the screen and the choice with the focus ring again.
    repeat: KeyNames = ["numpad0", "r"]
    louder: KeyNames = ["numpad_plus"]
    softer: KeyNames = ["numpad_minus"]
    faster: KeyNames = ["numpad9"]
    slower: KeyNames = ["numpad7"]
    #: Large, high-contrast text on or off (also a button on every visitor screen).
    large_print: KeyNames = ["f2", "l", "numpad_divide"]

    @model_validator(mode="after")
    def _each_key_once(self) -> KeysSection:
        seen: dict[str, str] = {}
        for action, names in self.model_dump().items():
            for name in names:
                if name in seen and seen[name] != action:
                    raise ValueError(f"key {name!r} is given to both {seen[name]} and {action}")
                seen[name] = action
        return self


class AccessibilitySection(ConfigModel):
    """Spoken guidance, more time and large print for visitors who cannot see or touch the screen well."""

    #: "key": a visit is spoken once the visitor presses a speech key; "always": every visit is
    #: spoken from the first key (a kiosk with a headphone jack); "off": no speech at all.
    speech: Literal["key", "always", "off"] = "key"
    #: "default": the machine's sound output (sox `play`); "wav://<folder>": no sound card, every
    #: sentence is kept there as a WAV file (setting up, demo, tests).
    output: Annotated[str, Field(pattern=r"^(default|wav://.+)$")] = "default"
    #: Words per minute at the start of a visit; the faster/slower keys change it in steps of 20.
    rate: Annotated[int, Field(ge=RATE_RANGE[0], le=RATE_RANGE[1])] = 160
    #: espeak-ng amplitude at the start of a visit (100 = normal); louder/softer change it by 20.
    volume: Annotated[int, Field(ge=VOLUME_RANGE[0] + 10, le=VOLUME_RANGE[1])] = 100
    #: espeak-ng voices for languages whose default voice is not wanted, e.g. {de = "de+f3"}.
    voices: dict[Language, Annotated[str, Field(min_length=1)]] = {}
    #: Spoken instead of a language espeak-ng has no voice for (the log says so at start).
    fallback_language: Language = "en"
    #: Where the ticket comes out, said and shown after the ticket.
    ticket_slot: Literal["below", "right", "left"] = "below"
    #: Seconds a visitor who uses keys, speech or large print has on a screen before the kiosk
    #: returns to the start (counted from the last key, or the end of speech), and on the ticket.
    idle_seconds: Annotated[float, Field(ge=30, le=900)] = 120
    ticket_seconds: Annotated[float, Field(ge=20, le=900)] = 60
    #: The warning comes this long before the kiosk returns to the start; any key gives more time.
    warning_seconds: Annotated[float, Field(ge=5, le=120)] = 20
    #: Print the number larger on the ticket of a visitor who used speech or large print.
    large_number: bool = True

    @field_validator("output")
    @classmethod
    def _folder_relative_to_config(cls, value: str, info: ValidationInfo) -> str:
        if not value.startswith("wav://"):
            return value
        folder = Path(value.removeprefix("wav://"))
        if not folder.is_absolute():
            folder = (_config_dir(info) / folder).resolve()
        return f"wav://{folder}"

    @model_validator(mode="after")
    def _warning_before_the_end(self) -> AccessibilitySection:
        if self.warning_seconds >= min(self.idle_seconds, self.ticket_seconds):
            raise ValueError("warning_seconds must be shorter than idle_seconds and ticket_seconds")
        return self


def typed_by_a_scanner(name: str) -> bool:
    """Whether a keyboard-wedge scanner types this key while it types a code (a letter, digit or space)."""
    return "+" not in name and (len(name) == 1 or name == "spacebar")


class KioskConfig(DeviceConfig):
    token_role = "kiosk"
    printer: PrinterSection
    kiosk: KioskSection
    keys: KeysSection = KeysSection()
    accessibility: AccessibilitySection = AccessibilitySection()
    #: The QR scanner for "I have a slot" (serial or keyboard wedge, as at the counter); none: no button.
    scanner: ScannerSection | None = None

    @model_validator(mode="before")
    @classmethod
    def _keys_a_scanner_does_not_type(cls, data: Any) -> Any:
        """With a keyboard-wedge scanner, letters and digits are the scanner's, never the keypad's.

        A key named in [keys] that the scanner types is a mistake and named; the letters among the
        default keys (h, r, l) are simply not used then.
        """
        scanner, given = (data.get("scanner"), data.get("keys", {})) if isinstance(data, dict) else (None, None)
        if (
            not isinstance(scanner, dict)
            or scanner.get("kind", "keyboard") != "keyboard"
            or not isinstance(given, dict)
        ):
            return data
        keys: dict[str, Any] = dict(given)
        for action, field in KeysSection.model_fields.items():
            if action not in given:
                keys[action] = [name for name in field.default if not typed_by_a_scanner(name)]
                continue
            names = given[action] if isinstance(given[action], list) else []
            typed = [name for name in names if isinstance(name, str) and typed_by_a_scanner(name.strip().lower())]
            if typed:
                raise ValueError(
                    f'keys.{action}: {typed[0]!r} is typed by the keyboard scanner ([scanner] kind = "keyboard"); '
                    "use keypad, arrow or function keys"
                )
        return {**data, "keys": keys}


load_kiosk_config = KioskConfig.load

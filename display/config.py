"""`config/display.toml`: which server, which services and counters, which languages, sound.

Validated at start through `load_config`, so a typo names its file and key instead of showing a
half-working board in the waiting room.
"""

from __future__ import annotations

from pydantic import Field

from wartemarke.config_file import ConfigModel
from wartemarke.device_config import DeviceConfig, Languages


class BoardSection(ConfigModel):
    #: Service ids shown on this screen, in this order; empty = every service of the site.
    services: list[str] = []
    #: Counter ids whose calls this screen shows (a screen per floor); empty = every counter.
    counters: list[str] = []
    #: Languages the static labels cycle through; empty = the site's languages.
    languages: Languages = []
    label_seconds: float = Field(6.0, gt=0)
    #: How long a fresh call stays highlighted, from when its turn in the big panel begins.
    highlight_seconds: float = Field(8.0, ge=0)
    #: How long each fresh call holds the big "Now calling" panel when others wait for their turn
    #: (calls a moment apart are shown one after another, in the order they are spoken; about one
    #: spoken call-out long). A call waiting for its turn is lit among the earlier calls meanwhile.
    turn_seconds: float = Field(6.0, gt=0)
    #: Earlier calls listed beside the current one.
    history: int = Field(8, ge=0, le=20)
    #: One line at the bottom; a plain string, or a table {de = "...", en = "..."} that cycles.
    notice: str | dict[str, str] = ""


class SoundSection(ConfigModel):
    enabled: bool = True
    #: espeak-ng voice for the German call-out (e.g. "de", "de+f3"); "" = chime only.
    voice: str = "de"
    #: Also speak the call-out in the ticket's language when espeak-ng has a voice for it.
    ticket_language: bool = True
    #: espeak-ng words per minute; slower than its default 175 for a noisy room.
    rate: int = Field(140, ge=80, le=300)
    #: Calls older than this (e.g. replayed after a long disconnect) are shown but not spoken.
    announce_within_seconds: float = Field(120.0, gt=0)


class DisplayConfig(DeviceConfig):
    token_role = "display"
    board: BoardSection = BoardSection()
    sound: SoundSection = SoundSection()


load_display_config = DisplayConfig.load

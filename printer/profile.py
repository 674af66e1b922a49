"""A printer model's abilities, from python-escpos's capability database (escpos-printer-db).

The profile decides two things for a ticket: how wide the paper is in dots (for raster lines and the
preview), and which code pages the printer has, i.e. which lines it can print as text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from escpos.capabilities import CAPABILITIES, BaseProfile, get_profile
from escpos.magicencode import Encoder

from printer.errors import PrinterError
from wartemarke.rtl import has_rtl

#: Models that python-escpos 3.1's database lacks, mapped to the entry with the same print head
#: (dots, dpi) and code page table. The TM-T20III is the TM-T20II's successor: 80 mm paper,
#: 203 dpi, 576 dots, the same Epson code page set.
PROFILE_ALIASES = {"TM-T20III": "TM-T20II"}

#: Print width when the database does not know it (the "default" profile): 72 mm at 203 dpi.
FALLBACK_WIDTH_DOTS = 576


def known_profiles() -> list[str]:
    return sorted({*CAPABILITIES["profiles"], *PROFILE_ALIASES})


@dataclass(frozen=True)
class PrinterProfile:
    """One printer model: name as configured, and the python-escpos profile behind it."""

    name: str
    escpos: BaseProfile = field(repr=False, compare=False)

    @classmethod
    def named(cls, name: str) -> PrinterProfile:
        database_name = PROFILE_ALIASES.get(name, name)
        if database_name not in CAPABILITIES["profiles"]:
            raise PrinterError(f"unknown printer profile {name!r}; known profiles: {', '.join(known_profiles())}")
        return cls(name, get_profile(database_name))

    @property
    def database_name(self) -> str:
        return PROFILE_ALIASES.get(self.name, self.name)

    @property
    def width_dots(self) -> int:
        pixels = self.escpos.profile_data.get("media", {}).get("width", {}).get("pixels")
        return pixels if isinstance(pixels, int) else FALLBACK_WIDTH_DOTS

    def columns(self) -> int:
        """Characters per line in font A at normal size."""
        return self.escpos.get_columns("a")

    @cached_property
    def _encoder(self) -> Encoder:
        return Encoder(self.escpos.get_code_pages())

    def code_page_for(self, text: str, prefer: str | None = None) -> str | None:
        """The first code page (in the printer's slot order) that holds every character of `text`.

        One code page per line keeps switches (ESC t n) to at most one per line; python-escpos's
        magic encoder alone would hop between code pages in the middle of a Ukrainian word.
        Right-to-left text gets None even where an Arabic code page exists: the printer would draw
        the letters unjoined and left to right.
        """
        if has_rtl(text):
            return None
        candidates = list(self.escpos.get_code_pages())
        if prefer in candidates:  # the code page already selected costs no switch
            candidates.insert(0, prefer)
        for encoding in candidates:
            if all(self._encoder.can_encode(encoding, char) for char in text):
                return encoding
        return None

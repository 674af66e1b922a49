"""What a ticket shows: the one description every output (paper, preview, kiosk screen) draws.

`ticket_layout()` turns a ticket from the API into a short list of blocks; `draw()` hands those
blocks, in order, to an output ("surface"). The ESC/POS surface decides per line whether the
printer can print it as text; the PNG surface draws every line. Nothing else knows what a ticket
looks like, so paper and screen cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from wartemarke.api_objects import Ticket
from wartemarke.i18n import gettext_for, is_rtl
from wartemarke.rtl import has_rtl


@dataclass(frozen=True)
class TextStyle:
    """How big a line is: on paper as a multiple of the printer's font A (12 x 24 dots), and as a
    Noto font size in pixels where the line is drawn (preview, or raster lines on paper)."""

    name: str
    width_scale: int
    height_scale: int
    bold: bool
    font_px: int


OFFICE = TextStyle("office", 1, 1, True, 24)
NUMBER = TextStyle("number", 6, 6, True, 140)
#: The number for a visitor who listened to the kiosk or read it in large print: as large as the
#: printer's font goes (8 x 8), a third larger than usual. The rest of the ticket stays the same.
NUMBER_LARGE = TextStyle("number_large", 8, 8, True, 190)
CONCERN = TextStyle("concern", 2, 2, True, 32)
INFO = TextStyle("info", 1, 1, False, 22)
HINT = TextStyle("hint", 1, 1, False, 20)


@dataclass(frozen=True)
class TextLine:
    text: str
    style: TextStyle
    language: str
    #: "start" is left in left-to-right languages and right in Arabic and Farsi.
    align: Literal["center", "start"] = "start"

    @property
    def rtl(self) -> bool:
        return is_rtl(self.language) or has_rtl(self.text)

    @property
    def alignment(self) -> Literal["center", "left", "right"]:
        if self.align == "center":
            return "center"
        return "right" if self.rtl else "left"


@dataclass(frozen=True)
class QrCode:
    data: str
    #: Dots per QR module; 6 makes a ~75-character URL about 28 mm wide at 203 dpi.
    module_dots: int = 6


@dataclass(frozen=True)
class Gap:
    """Empty space of `lines` normal text lines."""

    lines: int = 1


@dataclass(frozen=True)
class Cut:
    pass


Block = TextLine | QrCode | Gap | Cut
TicketLayout = tuple[Block, ...]


class TicketSurface(Protocol):
    """An output a ticket layout can be drawn onto."""

    def text_line(self, line: TextLine) -> None: ...
    def qr_code(self, qr: QrCode) -> None: ...
    def gap(self, gap: Gap) -> None: ...
    def cut(self) -> None: ...


def draw(layout: TicketLayout, surface: TicketSurface) -> None:
    """Render `layout` onto `surface`, block by block, in order."""
    for block in layout:
        if isinstance(block, TextLine):
            surface.text_line(block)
        elif isinstance(block, QrCode):
            surface.qr_code(block)
        elif isinstance(block, Gap):
            surface.gap(block)
        else:
            surface.cut()


#: Spaces CLDR puts inside dates and times ("2026\u202fр.", "2:02\u202fPM"): printers' code pages
#: have none of them, and a ticket line has no reason to keep them from wrapping.
_NARROW_SPACES = str.maketrans({"\u202f": " ", "\u00a0": " "})


def issue_moment(issued_at: datetime, language: str) -> tuple[str, str]:
    """The day and the time a ticket was issued, as people of `language` write them (Babel/CLDR).

    The server sends the site's local time with its offset; the visitor wants that wall clock time,
    whatever zone the kiosk's machine is set to. The day is the medium form ("21.11.2026",
    "Nov 21, 2026", "21 лист. 2026 р."): never ambiguous between day-month and month-day orders.
    """
    from babel.dates import format_date, format_time

    day = format_date(issued_at, format="medium", locale=language)
    time = format_time(issued_at, format="short", locale=language)
    return day.translate(_NARROW_SPACES), time.translate(_NARROW_SPACES)


def ticket_layout(ticket: Ticket, *, office_name: str, language: str, large_number: bool = False) -> TicketLayout:
    """The blocks of one ticket, in the visitor's `language` (concern also in German).

    `large_number` prints the number in `NUMBER_LARGE` (the kiosk asks for it for a visitor who
    used speech or large print); nothing else changes.
    """
    _ = gettext_for("printer", language)
    names = ticket.service_names
    german_concern = names.get("de") or ticket.service
    blocks: list[Block] = []
    if office_name.strip():
        blocks += [TextLine(office_name.strip(), OFFICE, "de", "center"), Gap()]
    number_style = NUMBER_LARGE if large_number else NUMBER
    blocks += [TextLine(ticket.number, number_style, "de", "center"), Gap(), TextLine(german_concern, CONCERN, "de")]
    visitor_concern = names.get(language)
    if language != "de" and visitor_concern and visitor_concern != german_concern:
        blocks.append(TextLine(visitor_concern, CONCERN, language))
    blocks.append(Gap())
    day, time = issue_moment(ticket.issued_at, language)
    blocks.append(TextLine(_("Issued on {date} at {time}").format(date=day, time=time), INFO, language))

    position = ticket.position
    if position is not None:
        ahead = _("You are next") if position <= 0 else _("People ahead of you: {count}").format(count=position)
        blocks.append(TextLine(ahead, INFO, language))
    wait = ticket.wait
    if wait is None:
        blocks.append(TextLine(_("Expected wait: unknown"), INFO, language))
    else:
        range_text = _("Expected wait: {low}-{high} min").format(low=wait.low_min, high=wait.high_min)
        blocks.append(TextLine(range_text, INFO, language))
    blocks += [
        Gap(),
        QrCode(ticket.code),
        TextLine(_("Scan for live status"), HINT, language),
        Cut(),
    ]
    return tuple(blocks)

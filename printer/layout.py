"""What a ticket shows: the one description every output (paper, preview, kiosk screen) draws.

`ticket_layout()` turns a ticket from the API into a short list of blocks; `draw()` hands those
blocks, in order, to an output ("surface"). The ESC/POS surface decides per line whether the
printer can print it as text; the PNG surface draws every line. Nothing else knows what a ticket
looks like, so paper and screen cannot drift apart.

A guaranteed later slot (`Slot`) is a variant of the same layout: the same office line on top, the
same QR code and cut at the end, with the slot's day and window where a ticket has its number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, Protocol

from wartemarke.api_objects import Slot, Ticket
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
#: A later slot's day: bold and twice as tall, but as narrow as normal text (a long weekday fits).
DAY = TextStyle("day", 1, 2, True, 30)
#: A later slot's window ("9:30-10:00 Uhr"): where a ticket has its number, somewhat smaller.
WINDOW = TextStyle("window", 3, 3, True, 66)
#: What the visitor must not forget (bring this paper), in bold.
NOTE = TextStyle("note", 1, 1, True, 22)

#: What a kiosk prints: a numbered ticket, or a guaranteed later slot.
Paper = Ticket | Slot


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


def clock_time(moment: datetime) -> str:
    """A time of day as "9:30": the site's wall clock, the same in every language on paper."""
    return f"{moment.hour}:{moment.minute:02d}"


def slot_day(slot: Slot, language: str) -> str:
    """The slot's day in full, as people of `language` write it ("Dienstag, 1. Dezember 2026")."""
    from babel.dates import format_date

    return format_date(slot.day, format="full", locale=language).translate(_NARROW_SPACES)


def ticket_layout(paper: Paper, *, office_name: str, language: str, large_number: bool = False) -> TicketLayout:
    """The blocks of one ticket or later slot, in the visitor's `language` (concern also in German).

    `large_number` prints a ticket's number in `NUMBER_LARGE` (the kiosk asks for it for a visitor
    who used speech or large print); nothing else changes.
    """
    blocks: list[Block] = []
    if office_name.strip():
        blocks += [TextLine(office_name.strip(), OFFICE, "de", "center"), Gap()]
    if isinstance(paper, Slot):
        blocks += _slot_blocks(paper, language)
        under_code = _in_german_and(language, "Please bring this paper and your documents", NOTE)
    else:
        blocks += _ticket_blocks(paper, language, large_number)
        under_code = [TextLine(gettext_for("printer", language)("Scan for live status"), HINT, language)]
    return (*blocks, Gap(), QrCode(paper.code), *under_code, Cut())


def _concern_lines(names: dict[str, str], fallback: str, language: str, style: TextStyle) -> list[Block]:
    german_concern = names.get("de") or fallback
    lines: list[Block] = [TextLine(german_concern, style, "de")]
    visitor_concern = names.get(language)
    if language != "de" and visitor_concern and visitor_concern != german_concern:
        lines.append(TextLine(visitor_concern, style, language))
    return lines


def _in_german_and(
    language: str, msgid: str, style: TextStyle, align: Literal["center", "start"] = "start", **values: str
) -> list[Block]:
    """A sentence in German, then in the visitor's language (once, for a German visitor)."""
    languages = ("de",) if language == "de" else ("de", language)
    return [TextLine(gettext_for("printer", code)(msgid).format(**values), style, code, align) for code in languages]


def _ticket_blocks(ticket: Ticket, language: str, large_number: bool) -> list[Block]:
    _ = gettext_for("printer", language)
    number_style = NUMBER_LARGE if large_number else NUMBER
    blocks: list[Block] = [TextLine(ticket.number, number_style, "de", "center"), Gap()]
    blocks += _concern_lines(ticket.service_names, ticket.service, language, CONCERN)
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
    return blocks


def _slot_blocks(slot: Slot, language: str) -> list[Block]:
    """Title, day and window (German, then the visitor's language), concern, when to check in."""
    window = {"start": clock_time(slot.window.start), "end": clock_time(slot.window.end)}
    german = gettext_for("printer", "de")
    blocks: list[Block] = [*_in_german_and(language, "Your guaranteed slot", CONCERN, "center"), Gap()]
    blocks.append(TextLine(slot_day(slot, "de"), DAY, "de", "center"))
    blocks.append(TextLine(german("{start}-{end}").format(**window), WINDOW, "de", "center"))
    if language != "de":
        visitor = gettext_for("printer", language)
        blocks.append(TextLine(slot_day(slot, language), DAY, language, "center"))
        blocks.append(TextLine(visitor("{start}-{end}").format(**window), DAY, language, "center"))
    blocks.append(Gap())
    blocks += _concern_lines(slot.service_names, slot.service, language, INFO)
    blocks.append(Gap())
    opens = clock_time(slot.check_in.opens)
    blocks += _in_german_and(language, "On that day from {time}, scan this paper at the kiosk.", INFO, time=opens)
    return blocks

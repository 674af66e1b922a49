"""What the screen shows at one moment, in one language: every string ready for a label.

The board (`display.board.Board`) knows calls and services; this turns them into text in the
language the labels are cycling through — translated, with "unknown" instead of a made-up wait,
Arabic and Farsi shaped for Kivy — so the Kivy layer only copies strings into labels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from babel.dates import format_date

from display.board import Board, Call
from display.counter_label import counter_label
from wartemarke.api_objects import Service, Wait
from wartemarke.fonts import LATIN, font_for, font_for_language
from wartemarke.i18n import gettext_for, is_rtl
from wartemarke.rtl import shape


@dataclass(frozen=True)
class CallLine:
    number: str
    #: The counter in the board's current language, ready for a label ("5", or a shaped name).
    counter: str
    highlighted: bool = False
    #: The font family that has every character of `counter`.
    counter_font: str = LATIN


@dataclass(frozen=True)
class ServiceLine:
    name: str
    waiting: str
    wait: str
    slots: str


@dataclass(frozen=True)
class BoardView:
    language: str
    rtl: bool
    #: The font family of the translated labels (numbers always use the Latin one).
    font: str
    #: The big panel's heading: "Now calling", or what it says while nobody is called.
    now_calling: str
    counter: str
    earlier: str
    current: CallLine | None
    history: tuple[CallLine, ...]
    columns: tuple[str, str, str, str]
    services: tuple[ServiceLine, ...]
    clock: str
    date: str
    notice: str
    #: "" while connected; otherwise the mark shown over the (last known) board.
    connection_lost: str


def cycling_language(languages: Sequence[str], seconds: float, elapsed: float) -> str:
    """The language the static labels show `elapsed` seconds after start."""
    return languages[int(elapsed // seconds) % len(languages)]


def duration_text(span: timedelta) -> str:
    """m:ss or h:mm:ss — the same in every language, so it needs no translation."""
    seconds = max(0, int(span.total_seconds()))
    hours, rest = divmod(seconds, 3600)
    minutes, seconds = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{seconds:02d}" if hours else f"{minutes}:{seconds:02d}"


def wait_text(wait: Wait | None, language: str) -> str:
    _ = gettext_for("display", language)
    if wait is None:
        return _("unknown")  # never "0": nobody serving this concern is not "no wait"
    low, high = wait.low_min, wait.high_min
    if low == high:
        return _("{minutes} min").format(minutes=low)
    return _("{low}–{high} min").format(low=low, high=high)


def slots_text(service: Service, language: str) -> str:
    """Slots left today; once none are, the next guaranteed later slot a kiosk would book ("Termin: Di., 8:00 Uhr")
    in their place: the column's heading already says that today's are gone."""
    _ = gettext_for("display", language)
    if service.quota is None:
        return "-" if is_rtl(language) else "—"
    remaining = service.remaining
    if remaining is None:
        return _("unknown")
    if remaining > 0:
        return str(remaining)
    offer = service.next_later_slot
    if offer is None:
        return _("none left")
    # A weekday is enough: later slots are booked a few open days ahead, and the cell is narrow.
    weekday = format_date(offer.day, "EEE", locale=language)
    return _("slot: {day}, {time}").format(day=weekday, time=f"{offer.start.hour}:{offer.start.minute:02d}")


def view_board(board: Board, *, language: str, now: datetime, notice: str | dict[str, str] = "") -> BoardView:
    """The screen's content for `language` at `now` (an aware time in the site's zone)."""
    _ = gettext_for("display", language)
    current = board.current
    history = board.history

    def line(call: Call) -> CallLine:
        counter = counter_label(call.counter_in(language))
        return CallLine(call.number, shape(counter), board.is_highlighted(call), font_for(counter))

    if current is not None:
        heading = _("Now calling")
    else:
        # Nobody is called right now: say where a number will appear, not that nothing happened.
        heading = _("Your number will appear here") if history else _("No calls yet")

    if isinstance(notice, dict):
        notice_text = notice.get(language) or notice.get("de") or next(iter(notice.values()), "")
    else:
        notice_text = notice
    lost = ""
    if not board.connected and board.disconnected_since is not None:
        lost = shape(_("No connection for {duration}").format(duration=duration_text(now - board.disconnected_since)))
    return BoardView(
        language=language,
        rtl=is_rtl(language),
        font=font_for_language(language),
        now_calling=shape(heading),
        counter=shape(_("Counter")),
        earlier=shape(_("Earlier calls")),
        current=line(current) if current else None,
        history=tuple(line(c) for c in history),
        columns=(shape(_("Concern")), shape(_("Waiting")), shape(_("Expected wait")), shape(_("Slots left today"))),
        services=tuple(
            ServiceLine(
                name=shape(s.name(language)),
                waiting=str(s.waiting),
                wait=shape(wait_text(s.wait, language)),
                slots=shape(slots_text(s, language)),
            )
            for s in board.services
        ),
        clock=now.strftime("%H:%M"),
        date=shape(format_date(now.date(), format="full", locale=language)),
        notice=shape(notice_text),
        connection_lost=lost,
    )

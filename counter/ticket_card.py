"""How one ticket reads at the counter: number, concern, status and since when the visitor waits."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime

from wartemarke.api_objects import Service, Ticket, TicketSummary, TimeWindow
from wartemarke.language_names import language_label

Translate = Callable[[str], str]


@dataclass(frozen=True)
class TicketCard:
    id: str
    number: str
    concern: str
    #: The status in the clerk's words ("being served"); `status_code` is the API's ("serving").
    status: str
    #: e.g. "waiting since 07:31 (23 min)"; empty when the server did not say.
    since: str
    status_code: str = ""
    #: The visitor's language, e.g. "العربية / Arabisch": its own name and the clerk's name for it.
    language: str = ""
    #: "guaranteed slot 9:30–10:00" for a ticket a later slot was checked in for; "" for a walk-in ticket.
    slot: str = ""

    @property
    def details(self) -> str:
        """Status and waiting time in one line, without saying "waiting" twice; then the slot's window."""
        if self.since and self.status_code == "waiting":
            return " · ".join(part for part in (self.since, self.slot) if part)
        return " · ".join(part for part in (self.status, self.since, self.slot) if part)


def status_words(status: str, _: Translate) -> str:
    words = {
        "waiting": _("waiting"),
        "called": _("called"),
        "serving": _("being served"),
        "done": _("finished"),
        "no_show": _("did not come"),
        "cancelled": _("cancelled"),
    }
    return words.get(status, status)


def concern_name(names: Mapping[str, str], language: str, fallback: str) -> str:
    """The concern in the clerk's language, else English, else German, else any, else the id."""
    for lang in (language, "en", "de"):
        if names.get(lang):
            return names[lang]
    return next(iter(names.values()), fallback)


def since_text(issued: datetime | None, now: datetime, _: Translate) -> str:
    if issued is None:
        return ""
    minutes = max(0, int((now - issued).total_seconds() // 60))
    # The clock time as the server gave it: the site's local time, which is what the visitor knows.
    return _("waiting since {time} ({minutes} min)").format(time=issued.strftime("%H:%M"), minutes=minutes)


def ticket_card(
    ticket: TicketSummary,
    services: Mapping[str, Service],
    language: str,
    now: datetime,
    _: Translate,
) -> TicketCard:
    service = services.get(ticket.service)
    names = (ticket.service_names if isinstance(ticket, Ticket) else {}) or (service.names if service else {})
    return TicketCard(
        id=ticket.id,
        number=ticket.number or "?",
        concern=concern_name(names, language, ticket.service),
        status=status_words(ticket.status, _),
        since=since_text(ticket.issued_at, now, _),
        status_code=ticket.status,
        language=language_label(ticket.language, language) if ticket.language else "",
        slot=slot_text(ticket.slot_window, _),
    )


def slot_text(window: TimeWindow | None, _: Translate) -> str:
    """The window of the later slot a ticket came from, in the site's wall clock."""
    if window is None:
        return ""
    start, end = window.start, window.end
    return _("guaranteed slot {start}–{end}").format(
        start=f"{start.hour}:{start.minute:02d}", end=f"{end.hour}:{end.minute:02d}"
    )

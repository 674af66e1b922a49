"""How one ticket reads at the counter: number, concern, status and since when the visitor waits."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

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

    @property
    def details(self) -> str:
        """Status and waiting time in one line, without saying "waiting" twice."""
        if self.since and self.status_code == "waiting":
            return self.since
        return " · ".join(part for part in (self.status, self.since) if part)


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


def since_text(issued_at: str | None, now: datetime, _: Translate) -> str:
    if not issued_at:
        return ""
    try:
        issued = datetime.fromisoformat(issued_at)
    except ValueError:
        return ""
    if issued.tzinfo is None:
        return _("waiting since {time}").format(time=issued.strftime("%H:%M"))
    minutes = max(0, int((now - issued).total_seconds() // 60))
    # The clock time as the server gave it: the site's local time, which is what the visitor knows.
    return _("waiting since {time} ({minutes} min)").format(time=issued.strftime("%H:%M"), minutes=minutes)


def ticket_card(
    ticket: Mapping[str, Any],
    services: Mapping[str, Mapping[str, Any]],
    language: str,
    now: datetime,
    _: Translate,
) -> TicketCard:
    service_id = str(ticket.get("service") or "")
    names = ticket.get("service_names") or services.get(service_id, {}).get("names") or {}
    return TicketCard(
        id=str(ticket["id"]),
        number=str(ticket.get("number") or "?"),
        concern=concern_name(names, language, service_id),
        status=status_words(str(ticket.get("status") or ""), _),
        since=since_text(ticket.get("issued_at"), now, _),
        status_code=str(ticket.get("status") or ""),
    )

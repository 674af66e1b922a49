"""Sentences the visitor reads about a service or ticket, in their language.

Kept apart from the controller so the rules for "unknown" waits, greyed-out services and the next
chance ("tomorrow, 7:30") live in one place and are tested on their own.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

from kiosk.views import PrintState, ServiceCard
from wartemarke.api_objects import LaterSlotWindow, Service, Wait
from wartemarke.i18n import gettext_for

Translate = Callable[[str], str]


def kiosk_text(language: str) -> Translate:
    return gettext_for("kiosk", language)


def service_name(names: dict[str, str], language: str, fallback: str) -> str:
    """The service's name in the visitor's language, else German/English, else its id."""
    for code in (language, "de", "en"):
        if names.get(code):
            return names[code]
    return next(iter(names.values()), fallback) if names else fallback


def wait_text(wait: Wait | None, _: Translate) -> str:
    """A range, never "0 min" for an unknown wait (no counter open, nothing measured yet)."""
    if wait is None:
        return _("Expected wait: unknown")
    low, high = wait.low_min, wait.high_min
    if high <= low:
        return _("Expected wait: about {minutes} min").format(minutes=max(low, 1))
    return _("Expected wait: {low}–{high} min").format(low=low, high=high)


def ahead_text(position: int | None, _: Translate) -> str:
    """`position` counts the tickets before this one (0 = next)."""
    if position is None:
        return ""
    if position <= 0:
        return _("You are next.")
    return _("People ahead of you: {count}").format(count=position)


def _weekday(moment: datetime, language: str) -> str:
    from babel.dates import format_date

    return format_date(moment.date(), "EEEE", locale=language)


def next_chance_text(moment: datetime | None, now: datetime, language: str, _: Translate) -> str:
    """When tickets can be drawn again (`Service.next_open`), relative to today in the site's time zone."""
    if moment is None:
        return ""
    now = now.astimezone(moment.tzinfo) if now.tzinfo else now.replace(tzinfo=moment.tzinfo)
    clock = f"{moment.hour}:{moment.minute:02d}"
    days = (moment.date() - now.date()).days
    if days <= 0:
        return _("Next chance: today, {time}").format(time=clock)
    if days == 1:
        return _("Next chance: tomorrow, {time}").format(time=clock)
    if days < 7:
        return _("Next chance: {day}, {time}").format(day=_weekday(moment, language), time=clock)
    return _("Next chance: {day}, {time}").format(day=f"{moment.day}.{moment.month}.", time=clock)


def clock_text(moment: datetime) -> str:
    """A time of day as the site's wall clock shows it ("9:30"); the catalogs add "Uhr" where it belongs."""
    return f"{moment.hour}:{moment.minute:02d}"


def day_text(day: date, language: str) -> str:
    """A later slot's day in full ("Dienstag, 1. Dezember 2026"): a slot is days ahead, so no "tomorrow"."""
    from babel.dates import format_date

    return format_date(day, format="full", locale=language).replace("\u202f", " ")


def window_text(start: datetime, end: datetime, _: Translate) -> str:
    """ "9:30–10:00"; Arabic and Farsi say "from … to …" (a dash between two times would read backwards there)."""
    return _("{start}–{end}").format(start=clock_text(start), end=clock_text(end))


def later_slot_text(window: LaterSlotWindow, language: str, _: Translate) -> str:
    """What a full concern's card offers: "Guaranteed slot: Tuesday, 1 December 2026, 9:30–10:00"."""
    return _("Guaranteed slot: {day}, {window}").format(
        day=day_text(window.day, language), window=window_text(window.start, window.end, _)
    )


def _closed_reason_text(service: Service, _: Translate) -> str:
    reason = service.closed_reason
    if _quota_gone(service):
        return _("No more slots today")
    if reason == "outside_hours":
        return _("Closed right now")
    if reason == "switched_off":
        return _("Not available today")
    return _("Not available right now")


def is_available(service: Service) -> bool:
    remaining = service.remaining
    return service.open and service.closed_reason is None and (remaining is None or remaining > 0)


def _quota_gone(service: Service) -> bool:
    return service.closed_reason == "quota_exhausted" or (service.remaining is not None and service.remaining <= 0)


def service_card(service: Service, language: str, now: datetime) -> ServiceCard:
    _ = kiosk_text(language)
    name = service.name(language)
    available = is_available(service)
    remaining = service.remaining
    remaining_text = "" if remaining is None else _("Slots left today: {count}").format(count=max(remaining, 0))
    if available:
        return ServiceCard(service.id, name, True, remaining_text, wait_text(service.wait, _), "", "")
    offer = service.next_later_slot
    # Said plainly when today's tickets are gone and no later slot can be had either.
    none_free = offer is None and _quota_gone(service)
    return ServiceCard(
        service_id=service.id,
        name=name,
        available=False,
        remaining="",
        wait="",
        reason=_closed_reason_text(service, _),
        next_chance=next_chance_text(service.next_open, now, language, _),
        later_slot=later_slot_text(offer, language, _) if offer is not None else "",
        no_later_slot=_("No guaranteed slot is free in the coming days.") if none_free else "",
    )


def help_lines(_: Translate) -> tuple[str, ...]:
    """Which key does what, for the default keys of kiosk.toml.

    Short lines, each spoken on its own: a listener takes in one key at a time, and no sentence the
    kiosk says takes more than 6 s (bench/kiosk_accessible.py).
    """
    return (
        _("Arrow keys or 2 and 8 move."),
        _("Enter or 5 chooses, the dot key goes back."),
        _("0 repeats, the star key gives this help."),
        _("Plus and minus: louder or softer."),
        _("7 and 9: slower or faster."),
        _("The slash key: large print."),
    )


def warning_lines(_: Translate) -> tuple[str, ...]:
    """Shown and said before the kiosk gives up on an assisted visitor (two lines: each under 6 s of speech)."""
    return (_("The kiosk will soon go back to the start."), _("Press a key or touch the screen for more time."))


def assisted_instruction(state: PrintState, speech: bool, slot: str, _: Translate) -> str:
    """The ticket screen's instruction for a visitor who uses keys, speech or large print.

    Where the ticket comes out (the kiosk's `ticket_slot`) instead of "please take your ticket";
    and a visitor who listens cannot photograph a screen, so a failed print sends them to the desk.
    """
    if state == PrintState.PRINTING:
        return _("Your ticket is being printed…")
    if state == PrintState.FAILED:
        if speech:
            return _("The printer is not working. Please ask at the information desk.")
        return _("The printer is not working. Please take a photo of this screen.")
    return {
        "below": _("Please take your ticket from the slot below the screen."),
        "right": _("Please take your ticket from the slot to the right of the screen."),
        "left": _("Please take your ticket from the slot to the left of the screen."),
    }[slot]

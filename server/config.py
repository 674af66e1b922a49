"""The site configuration (site.toml): services, opening hours, quotas, counters.

Loaded once at start and validated; a wrong file stops the server with one message naming the
file, the key and what is expected (see wartemarke.config_file).
"""

from __future__ import annotations

import re
from datetime import date, time
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, field_validator, model_validator

from wartemarke.config_file import ClockTime, ConfigModel, load_config

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_INTERVAL = re.compile(r"^(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})$")

Identifier = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,31}$")]


def _parse_clock(hours: int, minutes: int, text: str, allow_24: bool) -> time | None:
    if hours == 24 and minutes == 0 and allow_24:
        return None  # end of day
    if not (0 <= hours <= 23 and 0 <= minutes <= 59):
        raise ValueError(f"{text!r} is not a time of day")
    return time(hours, minutes)


class Interval(ConfigModel):
    """An opening interval on one day; `end` None means midnight at the end of the day."""

    start: time
    end: time | None

    def contains(self, moment: time) -> bool:
        return self.start <= moment and (self.end is None or moment < self.end)


def parse_interval(text: str) -> Interval:
    match = _INTERVAL.match(text.strip())
    if not match:
        raise ValueError(f"expected an interval like '07:30-12:00', got {text!r}")
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    start = _parse_clock(h1, m1, text, allow_24=False)
    end = _parse_clock(h2, m2, text, allow_24=True)
    assert start is not None
    if end is not None and end <= start:
        raise ValueError(f"interval {text!r} ends before it starts")
    return Interval(start=start, end=end)


class LaterSlots(ConfigModel):
    """Guaranteed later slots: what the kiosk books when today's walk-in tickets of a service are gone.

    Each open day holds `per_day` of them (apart from the walk-in quota), in windows of
    `window_minutes` holding `per_window` each, laid out from the start of every opening interval.
    """

    per_day: Annotated[int, Field(ge=1, le=9999)]
    per_window: Annotated[int, Field(ge=1, le=999)]
    window_minutes: Annotated[int, Field(ge=5, le=480)] = 30
    #: How many coming open days may be booked (today never: today has the walk-in quota).
    days_ahead: Annotated[int, Field(ge=1, le=60)] = 5
    #: A holder may check in from this long before the window starts ...
    check_in_before_minutes: Annotated[int, Field(ge=0, le=240)] = 30
    #: ... until this long after it ends.
    check_in_late_minutes: Annotated[int, Field(ge=0, le=240)] = 15


class Service(ConfigModel):
    id: Identifier
    prefix: Annotated[str, Field(pattern=r"^[A-Z]{1,3}$")]
    names: dict[str, Annotated[str, Field(min_length=1, max_length=80)]]
    quota: Annotated[int, Field(ge=1, le=99999)] | None = None
    service_minutes: Annotated[float, Field(gt=0, le=480)] = 10.0
    priority: Annotated[float, Field(gt=0, le=100)] = 1.0
    hours: dict[str, list[Interval]] = Field(default_factory=dict)
    later_slots: LaterSlots | None = None
    #: The service level's target: a visitor should be called within this many minutes of drawing the
    #: ticket. The console's results show the share of calls made in time; without it, no share.
    service_level_minutes: Annotated[int, Field(ge=1, le=480)] | None = None

    @field_validator("hours", mode="before")
    @classmethod
    def _parse_hours(cls, value: object) -> object:
        if not isinstance(value, dict):
            return value
        parsed: dict[str, object] = {}
        for day, intervals in value.items():
            if day not in WEEKDAYS:
                raise ValueError(f"unknown weekday {day!r}; use {', '.join(WEEKDAYS)}")
            if isinstance(intervals, str):
                intervals = [intervals]
            if not isinstance(intervals, list) or not all(isinstance(i, str) for i in intervals):
                raise ValueError(f"{day}: expected a list like ['07:30-12:00']")
            parsed[day] = [parse_interval(i) for i in intervals]
        return parsed

    @model_validator(mode="after")
    def _windows_fit(self) -> Service:
        if self.later_slots is None:
            return self
        length = self.later_slots.window_minutes
        if not any(_minutes(i) >= length for intervals in self.hours.values() for i in intervals):
            raise ValueError(
                f"later_slots.window_minutes: no opening interval of the service is {length} minutes long, "
                "so no window would exist"
            )
        return self

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names.get("en") or self.names.get("de") or self.id

    def intervals_on(self, weekday: int) -> list[Interval]:
        return self.hours.get(WEEKDAYS[weekday], [])


def _minutes(interval: Interval) -> int:
    end = 24 * 60 if interval.end is None else interval.end.hour * 60 + interval.end.minute
    return end - (interval.start.hour * 60 + interval.start.minute)


class Counter(ConfigModel):
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$")]
    #: The counter's name in every language of the site ("Schalter 2", "Counter 2", "الشباك 2"): a
    #: call in Ukrainian must not send the visitor to a German word.
    names: dict[str, Annotated[str, Field(min_length=1, max_length=60)]]
    services: Annotated[list[str], Field(min_length=1)]

    def name(self, language: str) -> str:
        return self.names.get(language) or self.names.get("en") or self.names.get("de") or self.id


class Partner(ConfigModel):
    """A counselling partner (a welfare organisation, the municipal integration management) that books
    guaranteed later slots for the visitors it accompanies, with a token of its own (role `partner`).

    What it may book is the office's agreement with it, so it lives here beside the quotas: which
    concerns, and how many slots it may hold on any one day (its slots of all its concerns together,
    cancelled ones not counted). Its slots come out of the same later-slot windows as the kiosks'.
    """

    id: Identifier
    #: The organisation's name, at least in the office's own language (the site's first); other
    #: languages fall back to that one (an organisation's name is rarely translated).
    names: dict[str, Annotated[str, Field(min_length=1, max_length=120)]]
    services: Annotated[list[str], Field(min_length=1)]
    slots_per_day: Annotated[int, Field(ge=1, le=9999)]

    def name(self, language: str, office_language: str) -> str:
        return self.names.get(language) or self.names[office_language]


class Limits(ConfigModel):
    kiosk_tickets_per_minute: Annotated[int, Field(ge=1, le=100000)] = 10


class WebSessions(ConfigModel):
    """How long a browser signed in to the office's web pages (console, partner page) stays signed in."""

    #: Signed out after this long without a page being opened (a PC left on at the end of the day).
    idle_minutes: Annotated[int, Field(ge=5, le=7 * 24 * 60)] = 480
    #: Signed out this long after signing in, however busy (a stolen cookie does not last).
    longest_hours: Annotated[int, Field(ge=1, le=31 * 24)] = 12


class SiteInfo(ConfigModel):
    id: Identifier
    name: Annotated[str, Field(min_length=1, max_length=120)]
    timezone: str
    public_url: Annotated[str, Field(pattern=r"^https?://[^\s/]+(/[^\s]*)?$")]
    languages: Annotated[list[Annotated[str, Field(pattern=r"^[a-z]{2,3}$")]], Field(min_length=1)]
    # When one service day ends and the next begins (local time); offices that never work at
    # night keep the default, a night service sets e.g. "04:00".
    day_starts: ClockTime = time(0, 0)
    #: Where the office is: the location of a later slot's calendar entry.
    address: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    #: Days the office is closed although its hours say open (public holidays): no walk-in tickets,
    #: no later slots. `wartemarke admin closed-dates add` closes more (kept in the database).
    closed_dates: list[date] = Field(default_factory=list)

    @field_validator("closed_dates", mode="before")
    @classmethod
    def _parse_dates(cls, value: object) -> object:
        if not isinstance(value, list):
            return value
        parsed: list[date] = []
        for item in value:
            if isinstance(item, date):
                parsed.append(item)
                continue
            try:
                parsed.append(date.fromisoformat(str(item)))
            except ValueError:
                raise ValueError(f"{item!r} is not a date like '2026-12-24'") from None
        return parsed

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r} (expected e.g. 'Europe/Berlin')") from None
        return value

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


class SiteConfig(ConfigModel):
    site: SiteInfo
    limits: Limits = Limits()
    web_sessions: WebSessions = WebSessions()
    services: Annotated[list[Service], Field(min_length=1)]
    counters: list[Counter] = Field(default_factory=list)
    partners: list[Partner] = Field(default_factory=list)

    @model_validator(mode="after")
    def _consistent(self) -> SiteConfig:
        seen_ids: set[str] = set()
        seen_prefixes: set[str] = set()
        for index, service in enumerate(self.services):
            if service.id in seen_ids:
                raise ValueError(f"services[{index}].id: {service.id!r} is used twice")
            if service.prefix in seen_prefixes:
                raise ValueError(f"services[{index}].prefix: {service.prefix!r} is used twice")
            missing = [lang for lang in self.site.languages if lang not in service.names]
            if missing:
                raise ValueError(f"services[{index}].names: no name for {', '.join(missing)}")
            seen_ids.add(service.id)
            seen_prefixes.add(service.prefix)
        counter_ids: set[str] = set()
        for index, counter in enumerate(self.counters):
            if counter.id in counter_ids:
                raise ValueError(f"counters[{index}].id: {counter.id!r} is used twice")
            counter_ids.add(counter.id)
            missing = [lang for lang in self.site.languages if lang not in counter.names]
            if missing:
                raise ValueError(f"counters[{index}].names: no name for {', '.join(missing)}")
            for service_id in counter.services:
                if service_id not in seen_ids:
                    raise ValueError(f"counters[{index}].services: unknown service {service_id!r}")
        self._check_partners()
        return self

    def _check_partners(self) -> None:
        partner_ids: set[str] = set()
        office_language = self.site.languages[0]
        for index, partner in enumerate(self.partners):
            where = f"partners[{index}]"
            if partner.id in partner_ids:
                raise ValueError(f"{where}.id: {partner.id!r} is used twice")
            partner_ids.add(partner.id)
            if office_language not in partner.names:
                raise ValueError(f"{where}.names: no name for {office_language} (the office's own language)")
            foreign = [lang for lang in partner.names if lang not in self.site.languages]
            if foreign:
                raise ValueError(f"{where}.names: {', '.join(foreign)} is not a language of the site")
            if len(set(partner.services)) != len(partner.services):
                raise ValueError(f"{where}.services: a service is listed twice")
            for service_id in partner.services:
                service = self.service(service_id)
                if service is None:
                    raise ValueError(f"{where}.services: unknown service {service_id!r}")
                if service.later_slots is None:
                    raise ValueError(
                        f"{where}.services: {service_id!r} has no [services.later_slots], so there is nothing "
                        "a partner could book for it"
                    )

    def service(self, service_id: str) -> Service | None:
        return next((s for s in self.services if s.id == service_id), None)

    def counter(self, counter_id: str) -> Counter | None:
        return next((c for c in self.counters if c.id == counter_id), None)

    def partner(self, partner_id: str) -> Partner | None:
        return next((p for p in self.partners if p.id == partner_id), None)


def load_site_config(path: Path | str) -> SiteConfig:
    return load_config(path, SiteConfig)

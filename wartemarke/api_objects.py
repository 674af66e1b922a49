"""The objects of the queue server's HTTP API v1, typed: what the server answers and the apps read.

One definition for both sides. The server declares these as its routes' response models (so
`/openapi.json` is generated from them and a test holds every live answer to it); `client/` parses
every answer and event into them, so the kiosk, display and counter work with attributes, not dicts.

Times are ISO 8601 with the site's offset on the wire and aware `datetime`s here. Objects are frozen:
an app that wants a changed copy says so with `model_copy(update=...)`.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

TicketStatusName = Literal["waiting", "called", "serving", "done", "no_show", "cancelled"]
ClosedReason = Literal["quota_exhausted", "outside_hours", "switched_off"]
#: What staff may do to a ticket, as the action's path segment (`POST /tickets/{id}/<action>`).
TicketAction = Literal["call", "recall", "start", "finish", "no-show", "transfer", "cancel"]
DeviceStatusName = Literal["ok", "paper_near_end", "paper_out", "cover_open", "offline", "error"]
#: A later slot: booked, checked in (it has a ticket now), cancelled by the office, or missed (check-in closed).
SlotStatusName = Literal["booked", "checked_in", "cancelled", "missed"]
#: Every status a device may report (kiosk printers today).
DEVICE_STATUSES: tuple[str, ...] = DeviceStatusName.__args__  # type: ignore[attr-defined]

Moment = AwareDatetime


class ApiObject(BaseModel):
    """Frozen; unknown fields are ignored, so a newer server's additions never break an older app."""

    # The server always sends every field, defaults included: say so in the published (response) schema.
    model_config = ConfigDict(frozen=True, extra="ignore", json_schema_serialization_defaults_required=True)


class Wait(ApiObject):
    """An expected wait as a range in minutes."""

    low_min: Annotated[int, Field(ge=0)]
    high_min: Annotated[int, Field(ge=0)]


class TimeWindow(ApiObject):
    """A later slot's time window."""

    start: Moment
    end: Moment


class LaterSlotWindow(ApiObject):
    """The window a later slot booked now would get."""

    day: date
    start: Moment
    end: Moment


class Service(ApiObject):
    """A concern a visitor can draw a ticket for, with today's figures."""

    id: str
    prefix: str
    names: dict[str, str]
    open: bool
    closed_reason: ClosedReason | None = None
    next_open: Moment | None = None
    quota: int | None = None
    #: Walk-in tickets issued today: what the quota counts (checked-in later slots are not among them).
    issued: int = 0
    remaining: int | None = None
    waiting: int = 0
    #: None: no estimate can be given (e.g. no counter open); show "unknown", never "0".
    wait: Wait | None = None
    priority: float = 1.0
    hours_today: list[tuple[str, str]] = []
    #: The window a kiosk would book now (POST /later-slots); None while today's walk-in tickets can
    #: still be drawn (now or later today), when the service has no later slots, or all are booked.
    next_later_slot: LaterSlotWindow | None = None
    #: Requests for a ticket or a later slot of this service refused today (see the API reference).
    turned_away_today: int = 0

    def name(self, language: str) -> str:
        """The name in `language`, else German, else English, else any, else the id."""
        for code in (language, "de", "en"):
            if self.names.get(code):
                return self.names[code]
        return next(iter(self.names.values()), self.id)


class _AtCounter:
    """Objects that may name the counter a ticket is called to."""

    counter: str | None
    counter_name: str | None
    counter_names: dict[str, str]

    def counter_in(self, language: str) -> str | None:
        """The counter's name in `language` (else the office's own name for it); None for no counter."""
        return self.counter_names.get(language) or self.counter_name or self.counter


class TicketSummary(_AtCounter, ApiObject):
    """A ticket as events carry it: no code, nothing a passer-by could use."""

    id: str
    number: str
    service: str
    language: str
    status: TicketStatusName
    counter: str | None = None
    #: The counter's name in the office's own language; `counter_names` has it in every site language.
    counter_name: str | None = None
    counter_names: dict[str, str] = {}
    called_at: Moment | None = None
    issued_at: Moment | None = None
    #: What staff may do next, decided by the server's rules (the counter greys out the rest).
    allowed_actions: Annotated[
        list[TicketAction],
        Field(
            description="What staff may do to this ticket now, each the last path segment of "
            "`POST /api/v1/tickets/{id}/<action>`. The server decides it from the ticket's status (the table "
            "'What staff may do to a ticket' in this API's description); any other action answers 409 "
            "`invalid_transition`. Clients offer exactly these and keep no copy of the rules."
        ),
    ] = []
    #: The window of the later slot this ticket was checked in for; None for a walk-in ticket.
    slot_window: TimeWindow | None = None


class Ticket(TicketSummary):
    """A ticket as the kiosk and the counter see it."""

    service_names: dict[str, str] = {}
    issued_at: Moment
    #: People before this ticket in its queue (0 = next); None once it is over.
    position: int | None = None
    wait: Wait | None = None
    #: Exactly the text to put in the QR code: the public status URL with its signed token.
    code: str
    status_url: str


class TicketStatus(_AtCounter, ApiObject):
    """What the phone page shows for a ticket's code (and its status stream carries): nothing about anyone."""

    number: str
    status: TicketStatusName
    position: int | None = None
    wait: Wait | None = None
    counter: str | None = None
    #: The counter's name in the office's own language; `counter_names` has it in every site language.
    counter_name: str | None = None
    counter_names: dict[str, str] = {}
    #: When the ticket was last called; a recall sets it anew (so a page that was away learns it was called again).
    called_at: Moment | None = None
    language: str
    #: The concern the ticket is queued for now, in every site language.
    service_names: dict[str, str] = {}
    #: The concern the ticket was drawn for, in every site language, when staff moved it to another one; else {}.
    transferred_from_names: Annotated[
        dict[str, str],
        Field(
            description="The concern the ticket was drawn for, in every language of the site, when staff have "
            "transferred it to another concern (`service_names`); `{}` when it is still in the one it was drawn for."
        ),
    ] = {}


class TicketRef(ApiObject):
    """The ticket a later slot was checked in for."""

    id: str
    number: str


class CheckInTimes(ApiObject):
    """When a later slot's holder may check in."""

    model_config = ConfigDict(
        frozen=True, extra="ignore", json_schema_serialization_defaults_required=True, populate_by_name=True
    )

    opens: Annotated[Moment, Field(alias="from")]
    until: Moment


class SlotSummary(ApiObject):
    """A later slot as events carry it: no code, nothing a passer-by could use."""

    id: str
    service: str
    language: str
    day: date
    window: TimeWindow
    status: SlotStatusName
    #: The window printed on the holder's paper, when the office moved the slot (it closed that day).
    moved_from: TimeWindow | None = None
    ticket: TicketRef | None = None
    #: The counselling partner (its id in the site config) that booked it for a visitor; None: a kiosk.
    partner: str | None = None


class Slot(SlotSummary):
    """A guaranteed later slot as the kiosk prints it."""

    service_names: dict[str, str] = {}
    check_in: CheckInTimes
    booked_at: Moment
    #: Exactly the text to put in the QR code: the public status URL with its signed token.
    code: str
    status_url: str


class SlotStatus(ApiObject):
    """What the phone page shows for a later slot's code: the window, and after check-in the ticket."""

    kind: Literal["slot"] = "slot"
    status: SlotStatusName
    day: date
    window: TimeWindow
    check_in: CheckInTimes
    moved_from: TimeWindow | None = None
    language: str
    service_names: dict[str, str] = {}
    #: The ticket's live status once the slot is checked in.
    ticket: TicketStatus | None = None
    #: Once checked in: the ticket's own status page (its code), which the slot's page then leads to.
    ticket_url: str | None = None


class PartnerService(ApiObject):
    """A concern the office opened to a counselling partner."""

    id: str
    names: dict[str, str]


class Partner(ApiObject):
    """A counselling partner as its own token sees itself: what it may book, and the office's name and
    languages (the languages a slot's paper can be in)."""

    id: str
    #: The organisation's name in every language of the site.
    names: dict[str, str]
    site_name: str
    languages: list[str]
    services: list[PartnerService]
    #: How many later slots it may hold on any one day (its concerns together; cancelled ones not counted).
    slots_per_day: int


class WindowPlaces(ApiObject):
    """A later-slot window and how many places it has free (never more than its day has)."""

    start: Moment
    end: Moment
    free: Annotated[int, Field(ge=0)]


class PartnerServiceDay(ApiObject):
    """One concern on one bookable day, as a partner may book it."""

    service: str
    #: Slots the partner could book for this concern on this day now: the day's free places, at most its
    #: allotment left.
    free: Annotated[int, Field(ge=0)]
    windows: list[WindowPlaces]


class PartnerDay(ApiObject):
    """A bookable day: what the partner holds on it and may still book."""

    day: date
    #: The partner's slots on this day (cancelled ones not counted).
    held: Annotated[int, Field(ge=0)]
    allotment_left: Annotated[int, Field(ge=0)]
    #: The partner's concerns bookable on this day (a concern closed that day is not listed).
    services: list[PartnerServiceDay]


class PartnerAvailability(ApiObject):
    """Where a counselling partner may book: each bookable day of its concerns, earliest first."""

    partner: str
    slots_per_day: int
    days: list[PartnerDay]


class Call(_AtCounter, ApiObject):
    """One call on the waiting-room board."""

    number: str
    counter: str | None = None
    #: The counter's name in the office's own language; `counter_names` has it in every site language.
    counter_name: str | None = None
    counter_names: dict[str, str] = {}
    service: str
    language: str | None = None
    status: TicketStatusName = "called"
    called_at: Moment | None = None


class Board(ApiObject):
    """What a waiting-room display shows: recent calls (newest first) and every service."""

    calls: list[Call]
    services: list[Service]


class Counter(ApiObject):
    id: str
    #: The name in the office's own (first) language; `names` has it in every site language.
    name: str
    names: dict[str, str] = {}
    services: list[str]
    open: bool
    current: Ticket | None = None


class DeviceStatus(ApiObject):
    device: str
    role: str
    status: DeviceStatusName
    detail: str = ""
    reported_at: Moment | None = None


class Site(ApiObject):
    id: str
    name: str
    timezone: str
    languages: list[str]
    public_url: str


class Health(ApiObject):
    status: Literal["ok"]


class Error(ApiObject):
    """Every error answer: a code a program acts on and a sentence a person can act on."""

    model_config = ConfigDict(frozen=True, extra="allow")

    error: str
    message: str


#: Event name -> the object its `data:` line carries.
EVENT_PAYLOADS: dict[str, type[ApiObject]] = {
    "ticket.issued": TicketSummary,
    "ticket.called": TicketSummary,
    "ticket.recalled": TicketSummary,
    "ticket.updated": TicketSummary,
    "service.updated": Service,
    "device.updated": DeviceStatus,
    "slot.booked": SlotSummary,
    "slot.checked_in": SlotSummary,
    "slot.updated": SlotSummary,
}


def event_payload(name: str, data: Any) -> ApiObject | None:
    """The typed object of an event's data; None for an event name this version does not know."""
    payload_type = EVENT_PAYLOADS.get(name)
    return None if payload_type is None else payload_type.model_validate(data)

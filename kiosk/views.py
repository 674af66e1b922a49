"""What each kiosk screen shows, as plain data: the controller builds these, the Kivy screens draw them.

All text is already translated for the visitor's language; shaping right-to-left text is left to the
renderer (it is a property of the font engine, not of the words).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Screen(StrEnum):
    START = "start"
    CONCERNS = "concerns"
    ISSUING = "issuing"
    TICKET = "ticket"
    OUT_OF_SERVICE = "out_of_service"
    STAFF_PIN = "staff_pin"


class PrintState(StrEnum):
    PRINTING = "printing"
    PRINTED = "printed"
    FAILED = "failed"


@dataclass(frozen=True)
class LanguageChoice:
    code: str
    name: str  # in its own script: "Українська", "العربية"


@dataclass(frozen=True)
class StartView:
    office_name: str
    languages: tuple[LanguageChoice, ...]
    greeting_language: str  # the language a touch anywhere continues in
    greeting: str  # "Please choose your language", in greeting_language
    touch_hint: str  # "Touch anywhere to continue in English."
    screen: Screen = Screen.START


@dataclass(frozen=True)
class ServiceCard:
    service_id: str
    name: str
    available: bool
    remaining: str  # "Left today: 12" or "" for a service without a quota
    wait: str  # "Expected wait: 20–35 min" / "Expected wait: unknown"; "" when unavailable
    reason: str  # why it is greyed out; "" when available
    next_chance: str  # "Next chance: tomorrow, 7:30"; "" when unknown or available


@dataclass(frozen=True)
class ConcernsView:
    language: str
    rtl: bool
    title: str
    cards: tuple[ServiceCard, ...]
    back_label: str
    notice: str  # a one-line message after a failed attempt, else ""
    busy_service: str | None  # the service whose ticket is being issued (ISSUING)
    busy_text: str
    screen: Screen = Screen.CONCERNS


@dataclass(frozen=True)
class TicketView:
    language: str
    rtl: bool
    number: str
    number_label: str  # "Your number"
    concern: str
    ahead: str  # "People ahead of you: 3"
    wait: str
    qr_text: str  # exactly the ticket's `code`
    qr_caption: str
    instruction: str  # "Please take your ticket." / "... take a photo of this screen."
    print_state: PrintState
    done_label: str
    screen: Screen = Screen.TICKET


@dataclass(frozen=True)
class OutOfServiceMessage:
    language: str
    title: str
    text: str


@dataclass(frozen=True)
class OutOfServiceView:
    messages: tuple[OutOfServiceMessage, ...]  # every configured language: nobody has chosen one yet
    detail: str  # small print for staff: what is wrong
    screen: Screen = Screen.OUT_OF_SERVICE


@dataclass(frozen=True)
class StaffPinView:
    prompt: str
    entered: int  # how many digits typed (shown as dots)
    wrong: bool
    cancel_label: str
    ok_label: str
    screen: Screen = Screen.STAFF_PIN


View = StartView | ConcernsView | TicketView | OutOfServiceView | StaffPinView

"""What each kiosk screen shows, as plain data: the controller builds these, the Kivy screens draw them.

All text is already translated for the visitor's language; shaping right-to-left text is left to the
renderer (it is a property of the font engine, not of the words).

Every view also says, from the very texts it shows, what a visitor without sight or fine touch
needs (`KioskView`): its `choices` (what a keypad's focus ring steps through and speech names: the
buttons, with their labels and the lines on them), what speech says when the screen appears
(`spoken`), and which choice the keypad's back key takes (`back_choice`). Keys and speech work on
these alone, so a new button is reachable and spoken once its view lists it as a `Choice` (and its
widget carries the same `choice_id`; see kiosk/screens.py).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import ClassVar

from wartemarke.speech import Utterance, spoken_number


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


#: The large-print button's choice id; every visitor screen has it.
LARGE_PRINT = "large_print"


@dataclass(frozen=True)
class Choice:
    """Something the visitor can choose: a button to touch, a stop for the focus ring, a thing to say.

    `id` names what choosing it does ("language:uk", "service:notfall", "back"; the controller's
    `activate` runs it). `label` and `details` are the texts the button shows, in `language`.
    A choice that is not `available` (a full service) is still reached and spoken, so a blind
    visitor learns why it cannot be chosen.
    """

    id: str
    label: str
    language: str
    details: tuple[str, ...] = ()
    available: bool = True

    def spoken(self) -> tuple[Utterance, ...]:
        return tuple(Utterance(text, self.language) for text in (self.label, *self.details) if text)


@dataclass(frozen=True, kw_only=True)
class KioskView:
    """What every screen has besides its own content: the keypad's focus, a banner, large print, speech."""

    #: The choice with the focus ring (None until the visitor uses a key in this visit).
    focus: str | None = None
    #: A message over the screen: the warning before the kiosk returns to the start, the key help.
    banner: str = ""
    #: The language of the banner (and of the large-print button's label).
    banner_language: str = "en"
    large_print: bool = False
    #: The large-print button's label in the screen's language; "" on screens without one.
    large_print_label: str = ""
    speech: bool = False

    #: The choice the keypad's back key takes on this screen, if any.
    back_choice: ClassVar[str | None] = None
    #: Staff screens are never spoken (a PIN must not go to a visitor's headphones).
    private: ClassVar[bool] = False

    @property
    def content_choices(self) -> tuple[Choice, ...]:
        return ()

    @property
    def choices(self) -> tuple[Choice, ...]:
        extra = (Choice(LARGE_PRINT, self.large_print_label, self.banner_language),) if self.large_print_label else ()
        return self.content_choices + extra

    @property
    def intro(self) -> tuple[Utterance, ...]:
        """What the screen says before its choices, from the texts it shows."""
        return ()

    @property
    def spoken(self) -> tuple[Utterance, ...]:
        banner = tuple(Utterance(line, self.banner_language) for line in self.banner.split("\n") if line)
        return self.intro + banner


@dataclass(frozen=True)
class LanguageChoice:
    code: str
    name: str  # in its own script: "Українська", "العربية"

    @property
    def choice_id(self) -> str:
        return f"language:{self.code}"


@dataclass(frozen=True)
class StartView(KioskView):
    office_name: str
    languages: tuple[LanguageChoice, ...]
    greeting_language: str  # the language a touch anywhere continues in
    greeting: str  # "Please choose your language", in greeting_language
    touch_hint: str  # "Touch anywhere to continue in English."
    key_hint: str = ""  # "Choose your language with the arrow keys and press Enter.", in greeting_language
    #: Everything the cycling lines show in turn, one per site language: the screen keeps room for
    #: the tallest, so nothing below them moves while they cycle.
    greetings: tuple[str, ...] = ()
    touch_hints: tuple[str, ...] = ()
    #: The key hint in every site language, spoken one after the other when speech starts.
    key_hints: tuple[Utterance, ...] = ()
    #: The large-print button's label in every site language (it follows the greeting's language).
    large_print_labels: tuple[str, ...] = ()
    screen: Screen = Screen.START

    @property
    def content_choices(self) -> tuple[Choice, ...]:
        return tuple(Choice(choice.choice_id, choice.name, choice.code) for choice in self.languages)

    @property
    def intro(self) -> tuple[Utterance, ...]:
        return self.key_hints


@dataclass(frozen=True)
class ServiceCard:
    service_id: str
    name: str
    available: bool
    remaining: str  # "Left today: 12" or "" for a service without a quota
    wait: str  # "Expected wait: 20–35 min" / "Expected wait: unknown"; "" when unavailable
    reason: str  # why it is greyed out; "" when available
    next_chance: str  # "Next chance: tomorrow, 7:30"; "" when unknown or available

    @property
    def choice_id(self) -> str:
        return f"service:{self.service_id}"

    @property
    def lines(self) -> tuple[str, str]:
        """The two lines under the name, as the card shows them."""
        if self.available:
            return (self.remaining or self.wait, self.wait if self.remaining else "")
        return (self.reason, self.next_chance)


@dataclass(frozen=True)
class ConcernsView(KioskView):
    language: str
    rtl: bool
    title: str
    cards: tuple[ServiceCard, ...]
    back_label: str
    notice: str  # a one-line message after a failed attempt, else ""
    busy_service: str | None  # the service whose ticket is being issued (ISSUING)
    busy_text: str
    screen: Screen = Screen.CONCERNS
    back_choice: ClassVar[str | None] = "back"

    @property
    def message(self) -> str:
        """The line under the cards: "one moment, please" while issuing, else the notice."""
        return self.busy_text or self.notice

    @property
    def content_choices(self) -> tuple[Choice, ...]:
        cards = tuple(
            Choice(card.choice_id, card.name, self.language, tuple(line for line in card.lines if line), card.available)
            for card in self.cards
        )
        return (*cards, Choice("back", self.back_label, self.language))

    @property
    def intro(self) -> tuple[Utterance, ...]:
        return tuple(Utterance(text, self.language) for text in (self.title, self.message) if text)


@dataclass(frozen=True)
class TicketView(KioskView):
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
    #: "Your number will be called out loud…", for a visitor who uses keys, speech or large print.
    called_hint: str = ""
    screen: Screen = Screen.TICKET
    back_choice: ClassVar[str | None] = "done"

    @property
    def content_choices(self) -> tuple[Choice, ...]:
        return (Choice("done", self.done_label, self.language),)

    @property
    def intro(self) -> tuple[Utterance, ...]:
        # The facts twice (a listener cannot glance back), then where the ticket comes out.
        summary = (self.number_label, spoken_number(self.number), self.concern, self.ahead, self.wait)
        lines = (*summary, *summary, self.instruction, self.called_hint)
        return tuple(Utterance(text, self.language) for text in lines if text)


@dataclass(frozen=True)
class OutOfServiceMessage:
    language: str
    title: str
    text: str


@dataclass(frozen=True)
class OutOfServiceView(KioskView):
    messages: tuple[OutOfServiceMessage, ...]  # every configured language: nobody has chosen one yet
    detail: str  # small print for staff: what is wrong
    screen: Screen = Screen.OUT_OF_SERVICE

    @property
    def intro(self) -> tuple[Utterance, ...]:
        return tuple(
            Utterance(text, message.language) for message in self.messages for text in (message.title, message.text)
        )


#: The staff PIN pad's keys, in the order they are laid out.
PIN_KEYS = ("1", "2", "3", "4", "5", "6", "7", "8", "9", "C", "0", "OK")


@dataclass(frozen=True)
class StaffPinView(KioskView):
    prompt: str
    entered: int  # how many digits typed (shown as dots)
    wrong: bool
    cancel_label: str
    ok_label: str
    language: str = "de"
    screen: Screen = Screen.STAFF_PIN
    back_choice: ClassVar[str | None] = "pin_cancel"
    private: ClassVar[bool] = True

    @property
    def content_choices(self) -> tuple[Choice, ...]:
        keys = tuple(Choice(f"pin:{key}", self.ok_label if key == "OK" else key, self.language) for key in PIN_KEYS)
        return (*keys, Choice("pin_cancel", self.cancel_label, self.language))


View = StartView | ConcernsView | TicketView | OutOfServiceView | StaffPinView

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

from wartemarke.i18n import is_rtl
from wartemarke.speech import Utterance, spoken_number


class Screen(StrEnum):
    START = "start"
    CONCERNS = "concerns"
    #: A ticket or a guaranteed later slot is being asked for (the concerns stay on screen).
    ISSUING = "issuing"
    TICKET = "ticket"
    #: A guaranteed later slot was booked: its day and window, printed.
    SLOT = "slot"
    #: "I have a slot": waiting for the paper under the scanner, then checking it in.
    SCAN = "scan"
    #: A slot's paper that gives no ticket now (too early, passed, cancelled, not ours), and what to do.
    CHECK_IN_PROBLEM = "check_in_problem"
    OUT_OF_SERVICE = "out_of_service"
    STAFF_PIN = "staff_pin"


class PrintState(StrEnum):
    PRINTING = "printing"
    PRINTED = "printed"
    FAILED = "failed"


#: The large-print button's choice id; every visitor screen has it.
LARGE_PRINT = "large_print"
#: "I have a slot" on the start screen (a kiosk with a scanner).
CHECK_IN = "check_in"


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
    #: "I have a slot" in the greeting's language; "" when the kiosk has no scanner (no button then).
    check_in_label: str = ""
    #: The same in every site language: the button keeps the size of the longest.
    check_in_labels: tuple[str, ...] = ()
    screen: Screen = Screen.START

    @property
    def content_choices(self) -> tuple[Choice, ...]:
        languages = tuple(Choice(choice.choice_id, choice.name, choice.code) for choice in self.languages)
        if not self.check_in_label:
            return languages
        return (*languages, Choice(CHECK_IN, self.check_in_label, self.greeting_language))

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
    #: The button on a card whose tickets are gone: "Guaranteed slot: Tuesday, 1 December 2026, 9:30–10:00".
    later_slot: str = ""
    #: "No guaranteed slot is free in the coming days", on a card whose quota is gone and offers none.
    no_later_slot: str = ""

    @property
    def choice_id(self) -> str:
        return f"service:{self.service_id}"

    @property
    def later_choice_id(self) -> str:
        return f"later:{self.service_id}"

    @property
    def lines(self) -> tuple[str, str, str]:
        """The lines under the name, as the card shows them."""
        if self.available:
            return (self.remaining or self.wait, self.wait if self.remaining else "", "")
        if self.later_slot:
            return (self.reason, "", "")  # the guaranteed slot beats "come back tomorrow at 7:30"
        return (self.reason, self.no_later_slot, self.next_chance)


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
        choices: list[Choice] = []
        for card in self.cards:
            lines = tuple(line for line in card.lines if line)
            choices.append(Choice(card.choice_id, card.name, self.language, lines, card.available))
            if card.later_slot:
                choices.append(Choice(card.later_choice_id, card.later_slot, self.language))
        return (*choices, Choice("back", self.back_label, self.language))

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
class SlotView(KioskView):
    """A guaranteed later slot just booked: what it is, what to do on the day, the paper coming out."""

    language: str
    rtl: bool
    title: str  # "Your guaranteed slot"
    day: str  # "Tuesday, 1 December 2026"
    window: str  # "9:30–10:00"
    concern: str
    on_the_day: str  # "On that day, come from 9:00 and scan this paper at the kiosk."
    bring: str  # "Please bring this paper and your documents."
    qr_text: str  # exactly the slot's `code`
    qr_caption: str
    instruction: str
    print_state: PrintState
    done_label: str
    screen: Screen = Screen.SLOT
    back_choice: ClassVar[str | None] = "done"

    @property
    def content_choices(self) -> tuple[Choice, ...]:
        return (Choice("done", self.done_label, self.language),)

    @property
    def intro(self) -> tuple[Utterance, ...]:
        # Like the ticket: the facts twice (a listener cannot glance back), then where the paper comes out.
        summary = (self.title, self.day, self.window, self.concern)
        lines = (*summary, *summary, self.on_the_day, self.bring, self.instruction)
        return tuple(Utterance(text, self.language) for text in lines if text)


@dataclass(frozen=True)
class Message:
    """A title and a sentence in one language (screens nobody has chosen a language for show one per language)."""

    language: str
    title: str
    text: str


#: The name the out-of-service screen knew it by.
OutOfServiceMessage = Message


@dataclass(frozen=True)
class ScanView(KioskView):
    """ "I have a slot": hold the paper under the scanner (in every language: the paper knows which is
    the visitor's), then "one moment" while it is checked in."""

    messages: tuple[Message, ...]
    #: The language of the buttons: the greeting's when the visitor chose "I have a slot".
    language: str
    busy_text: str  # "One moment, please…" while checking in, else ""
    back_label: str
    screen: Screen = Screen.SCAN
    back_choice: ClassVar[str | None] = "back"

    @property
    def content_choices(self) -> tuple[Choice, ...]:
        return (Choice("back", self.back_label, self.language),)

    @property
    def intro(self) -> tuple[Utterance, ...]:
        if self.busy_text:
            return (Utterance(self.busy_text, self.language),)
        return tuple(Utterance(text, m.language) for m in self.messages for text in (m.title, m.text) if text)


@dataclass(frozen=True)
class CheckInProblemView(KioskView):
    """A scanned paper that gives no ticket now: why, and what to do (in the slot's language, or in
    every language when the code told none)."""

    messages: tuple[Message, ...]
    language: str
    done_label: str
    screen: Screen = Screen.CHECK_IN_PROBLEM
    back_choice: ClassVar[str | None] = "done"

    @property
    def rtl(self) -> bool:
        return len(self.messages) == 1 and is_rtl(self.messages[0].language)

    @property
    def content_choices(self) -> tuple[Choice, ...]:
        return (Choice("done", self.done_label, self.language),)

    @property
    def intro(self) -> tuple[Utterance, ...]:
        return tuple(Utterance(text, m.language) for m in self.messages for text in (m.title, m.text) if text)


@dataclass(frozen=True)
class OutOfServiceView(KioskView):
    messages: tuple[Message, ...]  # every configured language: nobody has chosen one yet
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


View = (
    StartView | ConcernsView | TicketView | SlotView | ScanView | CheckInProblemView | OutOfServiceView | StaffPinView
)

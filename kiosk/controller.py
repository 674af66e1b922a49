"""What the kiosk does when the visitor taps, the server stops answering or the printer fails.

Screens are states (`views.Screen`), taps and answers are method calls, timeouts are scheduler
callbacks. No Kivy here: the app hands in a `Runner` (`wartemarke.ui_thread.Lanes`) and a
`Scheduler` (Kivy's Clock) and draws whatever view `on_view` receives. Everything runs on the UI
thread; blocking work (HTTP, printing) goes through the runner's lanes and comes back as an
`Outcome`, whose error is judged by its type (`client.errors`), like in every app.

The rules the visitor relies on:
- One tap, one ticket: taps while a ticket is being issued are ignored, and every retry of the same
  choice (after a timeout, after an outage) sends the same idempotency key, so the server hands out
  the same ticket instead of a second one.
- The server is probed every second; when it does not answer, the screen says "out of service"
  within three seconds and comes back by itself once it answers again.
- A ticket the printer could not print stays on screen with its QR code, and the printer's fault is
  reported to the server so staff see it.
- Nobody leaves with nothing: a concern whose tickets are gone for today offers its next guaranteed
  later slot (`book_later_slot`, one tap, the same idempotency rules as a ticket), printed like a
  ticket. On the slot's day its holder scans the paper at the kiosk's scanner (`scanned`) and gets
  a numbered ticket, or is told plainly when to come back or whom to ask.
- Everything a touch does, a key does too (EN 301 549 §5.1): `key` moves a focus ring over the
  screen's choices (`views.Choice`) and `activate` does what touching that choice does, for touch
  and keys alike. A visitor who uses keys, speech or large print gets more time, and a warning
  before the kiosk returns to the start (`assistance.Assistance`, one per visit).
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from client import Event
from client.errors import (
    ApiError,
    Expired,
    Forbidden,
    InvalidCode,
    NoLaterSlots,
    NotFound,
    QuotaExhausted,
    RateLimited,
    ServerUnavailable,
    ServiceClosed,
    SlotCancelled,
    SlotsAvailable,
    TooEarly,
    Unauthorized,
)
from kiosk.assistance import Assistance, resolve_focus, step_focus
from kiosk.check_in import CheckInRefusal, refusal_text
from kiosk.config import AccessibilitySection, KioskSection
from kiosk.ports import QueueApi, Runner, Scheduler, TicketPrinter, TimerHandle
from kiosk.printer_health import PRINTING_STATUSES, device_status
from kiosk.staff_exit import StaffExitGesture, StaffPin
from kiosk.views import (
    CHECK_IN,
    LARGE_PRINT,
    CheckInProblemView,
    ConcernsView,
    LanguageChoice,
    Message,
    OutOfServiceView,
    PrintState,
    ScanView,
    Screen,
    SlotView,
    StaffPinView,
    StartView,
    TicketView,
    View,
)
from kiosk.wording import (
    ahead_text,
    assisted_instruction,
    clock_text,
    day_text,
    help_lines,
    is_available,
    kiosk_text,
    service_card,
    service_name,
    wait_text,
    warning_lines,
    window_text,
)
from wartemarke.api_objects import Service, Slot, Ticket
from wartemarke.i18n import LANGUAGE_NAMES, is_rtl
from wartemarke.speech import Utterance
from wartemarke.ui_thread import Outcome

log = logging.getLogger(__name__)

HEARTBEAT_SECONDS = 1.0
#: The visitor sees "out of service" at the latest this long after tapping a concern.
ISSUE_DEADLINE_SECONDS = 3.0
GREETING_SECONDS = 3.0
#: Server events update the counts at once; this refresh is the safety net (and the only source if
#: the event stream is refused), quicker while a visitor looks at the counts.
SERVICES_REFRESH_SECONDS = 30.0
SERVICES_REFRESH_WHILE_CHOOSING_SECONDS = 5.0
PRINTER_POLL_SECONDS = 30.0
#: A printer that has not answered by then is treated as failed; the ticket stays on screen.
PRINT_DEADLINE_SECONDS = 15.0
PIN_SECONDS = 20.0
#: "One moment, please" only when the ticket takes noticeably long; a quick answer needs no message.
BUSY_MESSAGE_SECONDS = 0.5
#: Start printing a few frames after the ticket screen appeared (see `_show_ticket`).
PRINT_AFTER_SECONDS = 0.05


def _unreachable(error: BaseException | None) -> bool:
    """True for anything that is not a clear answer from the server (no answer, 5xx, an unusable one)."""
    return not isinstance(error, ApiError) or isinstance(error, ServerUnavailable)


def _token_rejected(error: BaseException | None) -> bool:
    return isinstance(error, Unauthorized | Forbidden)


def _message(error: BaseException | None) -> str:
    return (error.message if isinstance(error, ApiError) else "") or str(error)


def _paper_name(paper: Ticket | Slot) -> str:
    return f"later slot {paper.day} {paper.window.start:%H:%M}" if isinstance(paper, Slot) else f"ticket {paper.number}"


@dataclass
class _PendingIssue:
    """A choice the visitor made whose ticket (or later slot) we have not seen yet; its key makes retries safe."""

    service: str
    language: str
    key: str
    started: float
    attempt: int = 0
    #: A guaranteed later slot rather than today's ticket.
    later: bool = False


class KioskController:
    def __init__(
        self,
        *,
        api: QueueApi,
        probe: QueueApi | None = None,
        printer: TicketPrinter | None,
        runner: Runner,
        scheduler: Scheduler,
        settings: KioskSection,
        printer_problem: str = "",
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = lambda: datetime.now().astimezone(),
        new_key: Callable[[], str] = lambda: str(uuid.uuid4()),
        prepare_ticket: Callable[[Ticket | Slot], None] = lambda ticket: None,
        accessibility: AccessibilitySection | None = None,
        scanner: bool = False,
    ) -> None:
        self.api = api
        #: Asked every second whether the server answers; a client with a short timeout in the app.
        self.probe = probe or api
        #: None: no printer, every ticket is shown on screen for a photo.
        self.printer = printer
        self.runner = runner
        self.scheduler = scheduler
        self.settings = settings
        self.accessibility = accessibility or AccessibilitySection()
        self.clock = clock
        self.now = now
        self.new_key = new_key
        #: Runs in the background right after a ticket arrives (the app draws its QR code there).
        self.prepare_ticket = prepare_ticket
        self.on_view: Callable[[View], None] = lambda view: None
        self.on_exit: Callable[[], None] = lambda: None

        self.screen = Screen.START
        self.language = settings.languages[0]
        self.office_name = settings.office_name
        self.services: list[Service] = []
        self.notice = ""
        self.ticket: Ticket | None = None
        #: The guaranteed later slot on the slot screen.
        self.slot: Slot | None = None
        #: Whether "I have a slot" is offered: a scanner is configured and (a serial one) connected.
        self.scanner_ready = scanner
        self._checking_in = False
        self._refusal: CheckInRefusal | None = None
        self.print_state = PrintState.PRINTING
        self.server_ok = True
        self.problem = ""  # for staff, on the out-of-service screen
        self._greeting_index = 0
        self._pending: _PendingIssue | None = None
        self._attempts = 0
        self._probing = False
        self._printing = False
        self._reported_status: str | None = None
        self._timers: dict[str, TimerHandle] = {}
        self._gesture = StaffExitGesture()
        self._pin = StaffPin(settings.staff_pin)
        self._pin_wrong = False
        self._slow = False  # the current ticket request has taken longer than BUSY_MESSAGE_SECONDS
        self._printer_problem = printer_problem
        self.assist = self._new_visit()
        #: The current screen's timeout: (seconds, seconds for an assisted visitor, what then).
        self._timeout: tuple[float, float, Callable[[], None]] | None = None
        #: What choosing a `Choice` does, by the part of its id before ":" (the rest is the argument).
        #: A new kind of button is one entry here and one `Choice` in its view.
        self.choice_actions: dict[str, Callable[[str], None]] = {
            "language": self.choose_language,
            "service": self.choose_service,
            "later": self.book_later_slot,
            CHECK_IN: lambda _: self.start_check_in(),
            "back": lambda _: self.back(),
            "done": lambda _: self.finish_ticket(),
            LARGE_PRINT: lambda _: self.toggle_large_print(),
            "pin": self._pin_key,
            "pin_cancel": lambda _: self.pin_cancel(),
        }

    # ---------------------------------------------------------------- lifecycle

    def start(self) -> None:
        """Show the start screen and begin probing the server and watching the printer."""
        self._go(Screen.START)
        self._heartbeat()
        self._refresh_services()
        if not self.office_name:
            self.runner.run("services", self.api.site, self._site_loaded)
        self._poll_printer()

    def stop(self) -> None:
        for name in list(self._timers):
            self._cancel(name)

    # ---------------------------------------------------------------- taps

    def touch(self) -> None:
        """Any touch: the visitor is still there."""
        if self.screen == Screen.CONCERNS or self.assist.active:
            self.still_here()

    def still_here(self) -> None:
        """A key, a touch, or the end of what speech said: the screen's time starts again."""
        if self.assist.warning:
            self.assist.warning = False
            self._render()
        self._arm_timeout()

    def speech_finished(self) -> None:
        """Speech has said everything: the visitor's time on this screen starts now (not once warned)."""
        if not self.assist.warning:
            self._arm_timeout()

    def activate(self, choice_id: str) -> None:
        """Do what choosing `choice_id` on the current screen does (a touch on its button, a key on its ring)."""
        choice = next((c for c in self.view().choices if c.id == choice_id), None)
        if choice is None or not choice.available:
            return  # a button of a screen that has moved on, or a full service
        kind, _, argument = choice_id.partition(":")
        self.choice_actions[kind](argument)

    def key(self, action: str | None) -> None:
        """A key of the keypad did `action` (a `KeysSection` field; None for a key without one)."""
        first = not self.assist.keys
        self.assist.keys = True
        self.assist.help = False
        if self.assist.focus is None:
            self.assist.focus = ""  # the ring appears on the screen's first choice
        self.still_here()
        view = self.view()
        if action in ("next", "previous") and not first:
            self.assist.focus = step_focus(view.choices, self.assist.focus, 1 if action == "next" else -1)
        elif action == "choose" and not first:
            focus = resolve_focus(view.choices, self.assist.focus)
            if focus is not None:
                self.activate(focus)
                return
        elif action == "back" and view.back_choice is not None:
            self.activate(view.back_choice)
            return
        elif action == "large_print":
            self.toggle_large_print()
            return
        elif action == "speech":
            self.switch_speech_on()
            return
        self._render()

    def toggle_large_print(self) -> None:
        self.assist.large_print = not self.assist.large_print
        self._arm_timeout()
        self._render()

    def switch_speech_on(self) -> None:
        """The speech key: speech starts; pressed again, it shows (and speech says) which key does what."""
        if self.accessibility.speech == "off":
            return
        self.assist.help = self.assist.speech
        self.assist.speech = True
        self._arm_timeout()
        self._render()

    def touch_anywhere(self) -> None:
        """A touch on the start screen outside the language buttons: continue in the greeting's language."""
        if self.screen == Screen.START:
            self.choose_language(self._greeting_language())

    def choose_language(self, language: str) -> None:
        if self.screen != Screen.START or language not in self.settings.languages:
            return
        self.language = language
        self.notice = ""
        self._go(Screen.CONCERNS)
        self._refresh_services()

    def back(self) -> None:
        if self.screen == Screen.CONCERNS:
            self._go(Screen.START)
        elif self.screen == Screen.SCAN and not self._checking_in:
            self._end_visit(Screen.START)

    def choose_service(self, service_id: str) -> None:
        if self.screen != Screen.CONCERNS:
            return  # a second tap while the first is being issued, or a stale button
        service = self._service(service_id)
        if service is None or not is_available(service):
            return
        pending = self._pending
        if pending is None or (pending.service, pending.language, pending.later) != (service_id, self.language, False):
            pending = _PendingIssue(service_id, self.language, self.new_key(), self.clock())
            self._pending = pending
        self.notice = ""
        self._go(Screen.ISSUING)
        self._issue(pending)

    def book_later_slot(self, service_id: str) -> None:
        """The button on a full concern's card: book its next guaranteed slot, then print it."""
        if self.screen != Screen.CONCERNS:
            return
        service = self._service(service_id)
        if service is None or is_available(service) or service.next_later_slot is None:
            return
        pending = self._pending
        if pending is None or (pending.service, pending.language, pending.later) != (service_id, self.language, True):
            pending = _PendingIssue(service_id, self.language, self.new_key(), self.clock(), later=True)
            self._pending = pending
        self.notice = ""
        self._go(Screen.ISSUING)
        self._issue(pending)

    def _issue_slow(self) -> None:
        if self.screen == Screen.ISSUING:
            self._slow = True
            self._render()

    def finish_ticket(self) -> None:
        """The visitor tapped "Done" (or the ticket, slot or check-in screen timed out)."""
        if self.screen in (Screen.TICKET, Screen.SLOT, Screen.CHECK_IN_PROBLEM):
            self.ticket = None
            self.slot = None
            self._refusal = None
            self._end_visit(Screen.START if self.server_ok else Screen.OUT_OF_SERVICE)

    # ---------------------------------------------------------------- "I have a slot"

    def set_scanner_ready(self, ready: bool) -> None:
        """The kiosk's scanner came or went (a serial one unplugged): "I have a slot" is offered only with one."""
        if ready == self.scanner_ready:
            return
        self.scanner_ready = ready
        if self.screen == Screen.START:
            self._render()

    def start_check_in(self) -> None:
        """ "I have a slot" on the start screen: ask for the paper under the scanner."""
        if self.screen != Screen.START or not self.scanner_ready:
            return
        self.language = self._greeting_language()
        self._go(Screen.SCAN)

    def scanned(self, code: str) -> None:
        """The kiosk's scanner read `code` (on the UI thread). A slot's paper is checked in wherever the
        visitor stands before choosing anything; on other screens (a ticket coming out) it waits."""
        code = code.strip()
        if not code or self._checking_in:
            return
        if self.screen not in (Screen.START, Screen.CONCERNS, Screen.SCAN, Screen.CHECK_IN_PROBLEM):
            return
        if not self.scanner_ready:
            return
        if self.screen == Screen.START:
            self.language = self._greeting_language()  # the buttons' language until the paper tells its own
        self._checking_in = True
        self._refusal = None
        self._go(Screen.SCAN)
        self._after(ISSUE_DEADLINE_SECONDS, "issue_deadline", self._check_in_deadline)

        def check_in() -> Ticket | CheckInRefusal:
            try:
                ticket = self.api.check_in(code)
            except (TooEarly, Expired, SlotCancelled) as refusal:
                # The paper's language is the slot's: ask the code's public status which it is.
                try:
                    status = self.api.code_status(code)
                except ApiError:
                    return CheckInRefusal(refusal, None)
                return CheckInRefusal(refusal, status.language)
            except (InvalidCode, NotFound) as refusal:
                return CheckInRefusal(refusal, None)
            if ticket.slot_window is None:
                return CheckInRefusal(None, ticket.language, ticket)
            self.prepare_ticket(ticket)
            return ticket

        self.runner.run("issue", check_in, self._checked_in)

    def _check_in_deadline(self) -> None:
        if self.screen == Screen.SCAN and self._checking_in:
            self._out_of_service("the server did not answer the check-in within 3 s")

    def _checked_in(self, outcome: Outcome) -> None:
        self._checking_in = False
        self._cancel("issue_deadline")
        if self.screen not in (Screen.SCAN, Screen.OUT_OF_SERVICE):
            return
        if outcome.ok and isinstance(outcome.value, Ticket):
            self._show_ticket(outcome.value, outcome.value.language)
            return
        if outcome.ok:
            self._refusal = outcome.value
        else:
            error, message = outcome.error, _message(outcome.error)
            if _unreachable(error) or _token_rejected(error):
                if self.screen == Screen.SCAN:
                    self._out_of_service(f"check-in failed: {message}")
                return
            log.error("check-in refused: %s", message)
            self._refusal = CheckInRefusal(error if isinstance(error, ApiError) else None, None)
        if self.screen == Screen.SCAN:
            self._go(Screen.CHECK_IN_PROBLEM)

    def corner_tap(self) -> None:
        """A tap in the staff corner; five quick ones open the PIN pad."""
        if self.screen not in (Screen.START, Screen.CONCERNS, Screen.OUT_OF_SERVICE):
            return
        if self._gesture.tap(self.clock()):
            self._pin.clear()
            self._pin_wrong = False
            self._go(Screen.STAFF_PIN)

    def pin_digit(self, digit: str) -> None:
        if self.screen == Screen.STAFF_PIN:
            self._pin.type(digit)
            self._pin_wrong = False
            self._after(PIN_SECONDS, "screen", self.pin_cancel)
            self._render()

    def pin_clear(self) -> None:
        if self.screen == Screen.STAFF_PIN:
            self._pin.clear()
            self._render()

    def _pin_key(self, key: str) -> None:
        if key == "C":
            self.pin_clear()
        elif key == "OK":
            self.pin_submit()
        else:
            self.pin_digit(key)

    def pin_cancel(self) -> None:
        if self.screen == Screen.STAFF_PIN:
            self._pin.clear()
            self._go(Screen.START if self.server_ok else Screen.OUT_OF_SERVICE)

    def pin_submit(self) -> None:
        if self.screen != Screen.STAFF_PIN:
            return
        if self._pin.matches():
            log.info("staff exit with PIN")
            self.stop()
            self.on_exit()
            return
        self._pin.clear()
        self._pin_wrong = True
        self._render()

    # ---------------------------------------------------------------- server events

    def on_event(self, event: Event) -> None:
        """An event from the server's stream (called on the UI thread)."""
        updated = event.payload
        if not isinstance(updated, Service):
            return
        for index, service in enumerate(self.services):
            if service.id == updated.id:
                self.services[index] = updated
                break
        else:
            self.services.append(updated)
        if self.screen in (Screen.CONCERNS, Screen.ISSUING):
            self._render()

    # ---------------------------------------------------------------- issuing

    def _issue(self, pending: _PendingIssue) -> None:
        self._attempts += 1
        pending.attempt = self._attempts
        attempt = pending.attempt
        self._slow = False
        self._after(ISSUE_DEADLINE_SECONDS, "issue_deadline", self._issue_deadline)
        self._after(BUSY_MESSAGE_SECONDS, "busy", self._issue_slow)

        def issue() -> Ticket | Slot:
            if pending.later:
                slot = self.api.book_later_slot(pending.service, pending.language, idempotency_key=pending.key)
                self.prepare_ticket(slot)
                return slot
            ticket = self.api.issue_ticket(pending.service, pending.language, idempotency_key=pending.key)
            self.prepare_ticket(ticket)
            return ticket

        self.runner.run("issue", issue, lambda outcome: self._issued(pending, attempt, outcome))

    def _issue_deadline(self) -> None:
        if self.screen == Screen.ISSUING:
            self._out_of_service("the server did not answer the ticket request within 3 s")

    def _issued(self, pending: _PendingIssue, attempt: int, outcome: Outcome) -> None:
        current = self._pending is pending
        self._cancel("busy")
        if outcome.ok:
            # Any attempt with this key returns the same ticket, so the first answer wins.
            if current:
                self._pending = None
                self._cancel("issue_deadline")
                if self.screen in (Screen.ISSUING, Screen.OUT_OF_SERVICE):
                    self._show_paper(outcome.value, pending.language)
                    return
            log.warning("%s arrived after the visitor left", _paper_name(outcome.value))
            return
        if not current or attempt != pending.attempt:
            return  # an older attempt failing says nothing about the newer one
        self._cancel("issue_deadline")
        error, message = outcome.error, _message(outcome.error)
        if _unreachable(error):
            self._out_of_service(f"ticket request failed: {message}")
            return
        self._pending = None
        if _token_rejected(error):
            self._out_of_service(f"the server rejected this kiosk's token: {message}")
            return
        if self.screen != Screen.ISSUING:
            return
        _ = kiosk_text(self.language)
        if isinstance(error, SlotsAvailable):
            self.notice = _("Tickets for today can be drawn again.")
            self._refresh_services()
        elif isinstance(error, NoLaterSlots):
            self._mark_no_later_slot(pending.service)
            self.notice = _("All guaranteed slots are taken.")
            self._refresh_services()
        elif isinstance(error, QuotaExhausted | ServiceClosed):
            quota_gone = isinstance(error, QuotaExhausted)
            self._mark_closed(pending.service, quota_gone)
            self.notice = _("No more slots today") if quota_gone else _("Closed right now")
            self._refresh_services()
        elif isinstance(error, RateLimited):
            self.notice = _("Too many tickets in a short time. Please wait a minute.")
        else:
            log.error("ticket request refused: %s", message)
            self.notice = _("Something went wrong. Please ask at the information desk.")
        self._go(Screen.CONCERNS)

    def _mark_no_later_slot(self, service_id: str) -> None:
        """Take the offer off the card at once; the refresh that follows brings the server's own figures."""
        for index, service in enumerate(self.services):
            if service.id == service_id:
                self.services[index] = service.model_copy(update={"next_later_slot": None})

    def _mark_closed(self, service_id: str, quota_gone: bool) -> None:
        """Grey the service out at once; the refresh that follows brings the server's own figures."""
        for index, service in enumerate(self.services):
            if service.id == service_id:
                closed: dict[str, Any] = {"open": False}
                if quota_gone:
                    closed["closed_reason"] = "quota_exhausted"
                    if service.quota is not None:
                        closed["remaining"] = 0
                self.services[index] = service.model_copy(update=closed)

    # ---------------------------------------------------------------- printing

    def _show_ticket(self, ticket: Ticket, language: str) -> None:
        self._show_paper(ticket, language)

    def _show_paper(self, paper: Ticket | Slot, language: str) -> None:
        """Put a ticket (or a later slot) on screen, then print it."""
        if isinstance(paper, Slot):
            self.ticket, self.slot, screen = None, paper, Screen.SLOT
        else:
            self.ticket, self.slot, screen = paper, None, Screen.TICKET
        self.language = language
        if self.printer is None:
            self.print_state = PrintState.FAILED
            self._report_device("error", self._printer_problem or "no printer")
            self._go(screen)
            self._photo_timeout()
            return
        self.print_state = PrintState.PRINTING
        self._go(screen)
        # Print once the ticket is on the glass: rendering a raster ticket competes for the CPU (and
        # the GIL) with drawing the screen, and the screen is what the visitor is looking at. (A zero
        # delay would not do: Kivy runs zero-delay callbacks within the same frame.)
        self._after(PRINT_AFTER_SECONDS, "print_start", lambda: self._start_print(paper, language))

    def _showing(self, paper: Ticket | Slot) -> bool:
        """Whether `paper` is what the screen shows now (a visitor may have gone on meanwhile)."""
        if self.screen == Screen.TICKET:
            return self.ticket is paper
        return self.screen == Screen.SLOT and self.slot is paper

    def _start_print(self, ticket: Ticket | Slot, language: str) -> None:
        if not self._showing(ticket):
            return
        self._printing = True
        self._after(PRINT_DEADLINE_SECONDS, "print_deadline", lambda: self._print_failed(ticket))
        office = self.office_name
        # A visitor who listened or read large print may not read the usual number on paper either.
        large = self.accessibility.large_number and (self.assist.speech or self.assist.large_print)
        self.runner.run(
            "printer",
            lambda: self.printer.print_ticket(ticket, office_name=office, language=language, large_number=large),
            lambda outcome: self._printed(ticket, outcome),
        )

    def _printed(self, ticket: Ticket | Slot, outcome: Outcome) -> None:
        self._printing = False
        if outcome.ok:
            status, detail = device_status(outcome.value)
            printed = bool(getattr(outcome.value, "printed", status in PRINTING_STATUSES))
        else:
            status, detail, printed = "error", f"printing failed: {outcome.error}", False
        self._report_device(status, detail)
        if not self._showing(ticket):
            return
        self._cancel("print_deadline")
        if self.print_state != PrintState.PRINTING:
            return  # the deadline already put the ticket on screen for a photo
        if printed:
            self.print_state = PrintState.PRINTED
            self._time_out(self.settings.ticket_seconds, self.accessibility.ticket_seconds, self.finish_ticket)
            self._render()
        else:
            self._print_failed(ticket)

    def _print_failed(self, ticket: Ticket | Slot) -> None:
        if not self._showing(ticket):
            return
        if self._printing:
            self._report_device("offline", "the printer did not finish within 15 s")
        self.print_state = PrintState.FAILED
        self._photo_timeout()
        self._render()

    def _poll_printer(self) -> None:
        self._after(PRINTER_POLL_SECONDS, "printer_poll", self._poll_printer)
        if self.printer is None:
            self._report_device("error", self._printer_problem or "no printer")
            return
        if self._printing:
            return
        self.runner.run("printer", self.printer.status, self._printer_polled)

    def _printer_polled(self, outcome: Outcome) -> None:
        if outcome.ok:
            self._report_device(*device_status(outcome.value))
        else:
            self._report_device("error", f"status query failed: {outcome.error}")

    def _report_device(self, status: str, detail: str) -> None:
        """Tell the server when the printer's state changes (not on every ticket)."""
        if status == self._reported_status:
            return
        self._reported_status = status

        def done(outcome: Outcome) -> None:
            if not outcome.ok and self._reported_status == status:
                self._reported_status = None  # try again with the next report

        self.runner.run("report", lambda: self.api.report_device_status(status, detail), done)

    # ---------------------------------------------------------------- server health

    def _heartbeat(self) -> None:
        self._after(HEARTBEAT_SECONDS, "heartbeat", self._heartbeat)
        if self._probing:
            return
        self._probing = True
        recovering = self.screen == Screen.OUT_OF_SERVICE

        def probe() -> Any:
            self.probe.health()
            # Coming back needs more than a living database: our token and the services.
            return self.probe.services() if recovering else None

        self.runner.run("probe", probe, lambda outcome: self._probed(recovering, outcome))

    def _probed(self, recovering: bool, outcome: Outcome) -> None:
        self._probing = False
        if outcome.ok:
            self.server_ok = True
            if recovering and self.screen == Screen.OUT_OF_SERVICE:
                self.services = list(outcome.value or [])
                self._recover()
            return
        message = _message(outcome.error)
        self.server_ok = False
        if _token_rejected(outcome.error):
            self._out_of_service(f"the server rejected this kiosk's token: {message}")
        else:
            self._out_of_service(f"server unreachable: {message}")

    def _out_of_service(self, problem: str) -> None:
        self.server_ok = False
        if problem != self.problem:
            log.warning("out of service: %s", problem)
        self.problem = problem
        # A visitor holding a ticket (or staff typing the PIN) keeps their screen.
        if self.screen in (Screen.START, Screen.CONCERNS, Screen.ISSUING, Screen.SCAN):
            self._go(Screen.OUT_OF_SERVICE)
        elif self.screen == Screen.OUT_OF_SERVICE:
            self._render()

    def _recover(self) -> None:
        log.info("server answers again")
        self.problem = ""
        pending = self._pending
        if pending is not None and self.clock() - pending.started <= self.settings.idle_seconds:
            # The visitor may still be waiting for the ticket they chose; ask again with the same key.
            self.language = pending.language
            self._go(Screen.ISSUING)
            self._issue(pending)
            return
        self._pending = None
        self._end_visit(Screen.START)

    def _refresh_services(self) -> None:
        choosing = self.screen in (Screen.CONCERNS, Screen.ISSUING)
        interval = SERVICES_REFRESH_WHILE_CHOOSING_SECONDS if choosing else SERVICES_REFRESH_SECONDS
        self._after(interval, "services", self._refresh_services)
        self.runner.run("services", self.api.services, self._services_loaded)

    def _services_loaded(self, outcome: Outcome) -> None:
        if outcome.ok:
            self.services = list(outcome.value or [])
            if self.screen in (Screen.CONCERNS, Screen.ISSUING):
                self._render()
        elif _token_rejected(outcome.error):
            self._out_of_service(f"the server rejected this kiosk's token: {outcome.error}")

    def _site_loaded(self, outcome: Outcome) -> None:
        if outcome.ok and not self.office_name:
            self.office_name = outcome.value.name
            if self.screen == Screen.START:
                self._render()

    # ---------------------------------------------------------------- screens and timers

    def _go(self, screen: Screen) -> None:
        self._cancel("screen")
        self._cancel("warning")
        self._cancel("greeting")
        self._timeout = None
        if screen != self.screen and {screen, self.screen} != {Screen.CONCERNS, Screen.ISSUING}:
            self.assist.new_screen()
        self.screen = screen
        if screen == Screen.START:
            self.ticket = None
            self.slot = None
            self._greeting_index = 0
            self._after(GREETING_SECONDS, "greeting", self._next_greeting)
            # Nobody is timed out of the start screen, except an assisted visitor who walked away:
            # the next visitor must not find speech or large print on.
            self._time_out(0, self.accessibility.idle_seconds, lambda: self._end_visit(Screen.START))
        elif screen == Screen.CONCERNS:
            self._time_out(self.settings.idle_seconds, self.accessibility.idle_seconds, self._idle_timeout)
        elif screen == Screen.SCAN:
            self._time_out(self.settings.idle_seconds, self.accessibility.idle_seconds, self._scan_timeout)
        elif screen == Screen.CHECK_IN_PROBLEM:
            self._time_out(self.settings.ticket_seconds, self.accessibility.ticket_seconds, self.finish_ticket)
        elif screen == Screen.STAFF_PIN:
            self._after(PIN_SECONDS, "screen", self.pin_cancel)
        self._render()

    def _time_out(self, seconds: float, assisted_seconds: float, then: Callable[[], None]) -> None:
        """Leave the screen after `seconds` without a sign of the visitor (0 = never, unless assisted)."""
        self._timeout = (seconds, assisted_seconds, then)
        self._arm_timeout()

    def _photo_timeout(self) -> None:
        seconds = self.settings.photo_seconds
        self._time_out(seconds, max(seconds, self.accessibility.ticket_seconds), self.finish_ticket)

    def _arm_timeout(self) -> None:
        self._cancel("warning")
        if self._timeout is None:
            return
        seconds, assisted_seconds, then = self._timeout
        if self.assist.active:
            seconds = max(seconds, assisted_seconds)
            self._after(seconds - self.accessibility.warning_seconds, "warning", self._warn)
        if seconds > 0:
            self._after(seconds, "screen", then)
        else:
            self._cancel("screen")

    def _warn(self) -> None:
        self.assist.warning = True
        self._render()

    def _new_visit(self) -> Assistance:
        return Assistance(speech=self.accessibility.speech == "always")

    def _end_visit(self, screen: Screen) -> None:
        """The visitor has gone: the next one finds the kiosk as usual (no ring, speech, large print)."""
        self.assist = self._new_visit()
        self._go(screen)

    def _idle_timeout(self) -> None:
        if self.screen == Screen.CONCERNS:
            self._pending = None
            self._end_visit(Screen.START)

    def _scan_timeout(self) -> None:
        if self.screen == Screen.SCAN and not self._checking_in:
            self._end_visit(Screen.START)

    def _next_greeting(self) -> None:
        if self.screen == Screen.START:
            self._greeting_index += 1
            self._after(GREETING_SECONDS, "greeting", self._next_greeting)
            self._render()

    def _greeting_language(self) -> str:
        languages = self.settings.languages
        return languages[self._greeting_index % len(languages)]

    def _after(self, seconds: float, name: str, callback: Callable[[], None]) -> None:
        self._cancel(name)
        self._timers[name] = self.scheduler.call_later(seconds, callback)

    def _cancel(self, name: str) -> None:
        handle = self._timers.pop(name, None)
        if handle is not None:
            handle.cancel()

    def _service(self, service_id: str) -> Service | None:
        return next((s for s in self.services if s.id == service_id), None)

    def _render(self) -> None:
        self.on_view(self.view())

    # ---------------------------------------------------------------- views

    def view(self, language: str | None = None) -> View:
        """What the screen shows, with the focus ring, banner and large print of this visit.

        `language` renders the visitor's screen in another language (speech uses it when espeak-ng
        has no voice for the visitor's language).
        """
        view = self._screen_view(language)
        banner_language = getattr(view, "language", None) or (language or self._banner_language())
        _ = kiosk_text(banner_language)
        banner: tuple[str, ...] = ()
        if self.assist.warning:
            banner = warning_lines(_)
        elif self.assist.help:
            banner = help_lines(_)
        large_print_label = ""
        if not view.private and self.screen != Screen.OUT_OF_SERVICE:
            large_print_label = _("Normal print") if self.assist.large_print else _("Large print")
        view = replace(
            view,
            banner="\n".join(banner),
            banner_language=banner_language,
            large_print=self.assist.large_print,
            large_print_label=large_print_label,
            speech=self.assist.speech,
        )
        return replace(view, focus=resolve_focus(view.choices, self.assist.focus) if self.assist.keys else None)

    def _banner_language(self) -> str:
        return self._greeting_language() if self.screen == Screen.START else self.language

    def _screen_view(self, language: str | None = None) -> View:
        if self.screen == Screen.START:
            return self._start_view()
        if self.screen in (Screen.CONCERNS, Screen.ISSUING):
            return self._concerns_view(language or self.language)
        if self.screen == Screen.TICKET and self.ticket is not None:
            return self._ticket_view(self.ticket, language or self.language)
        if self.screen == Screen.SLOT and self.slot is not None:
            return self._slot_view(self.slot, language or self.language)
        if self.screen == Screen.SCAN:
            return self._scan_view(language or self.language)
        if self.screen == Screen.CHECK_IN_PROBLEM:
            return self._check_in_problem_view(language)
        if self.screen == Screen.STAFF_PIN:
            return self._pin_view()
        return self._out_of_service_view()

    def _start_view(self) -> StartView:
        greeting_language = self._greeting_language()
        languages = self.settings.languages
        texts = {code: kiosk_text(code) for code in languages}
        greetings = {code: _("Please choose your language") for code, _ in texts.items()}
        touch_hints = {code: _("Touch anywhere to continue in English.") for code, _ in texts.items()}
        key_hints = {code: _("Choose your language with the arrow keys and press Enter.") for code, _ in texts.items()}
        large_print = "Normal print" if self.assist.large_print else "Large print"
        check_in_labels = {code: _("I have a slot") for code, _ in texts.items()} if self.scanner_ready else {}
        return StartView(
            office_name=self.office_name,
            languages=tuple(LanguageChoice(code, LANGUAGE_NAMES[code]) for code in languages),
            greeting_language=greeting_language,
            greeting=greetings[greeting_language],
            touch_hint=touch_hints[greeting_language],
            key_hint=key_hints[greeting_language],
            greetings=tuple(greetings.values()),
            touch_hints=tuple(touch_hints.values()),
            key_hints=tuple(Utterance(text, code) for code, text in key_hints.items()),
            large_print_labels=tuple(_(large_print) for _ in texts.values()),
            check_in_label=check_in_labels.get(greeting_language, ""),
            check_in_labels=tuple(check_in_labels.values()),
        )

    def _concerns_view(self, language: str) -> ConcernsView:
        _ = kiosk_text(language)
        now = self.now()
        busy = self._pending.service if (self.screen == Screen.ISSUING and self._pending) else None
        slow = busy is not None and self._slow
        return ConcernsView(
            language=language,
            rtl=is_rtl(language),
            title=_("What is your concern?"),
            cards=tuple(service_card(service, language, now) for service in self.services),
            back_label=_("Back"),
            notice=self.notice,
            busy_service=busy,
            busy_text=_("One moment, please…") if slow else "",
            screen=self.screen,
        )

    def _ticket_view(self, ticket: Ticket, language: str) -> TicketView:
        _ = kiosk_text(language)
        service = self._service(ticket.service)
        names = ticket.service_names or (service.names if service else {})
        instruction = {
            PrintState.PRINTING: _("Your ticket is being printed…"),
            PrintState.PRINTED: _("Please take your ticket."),
            PrintState.FAILED: _("The printer is not working. Please take a photo of this screen."),
        }[self.print_state]
        called_hint = ""
        if self.assist.active:
            instruction = assisted_instruction(self.print_state, self.assist.speech, self.accessibility.ticket_slot, _)
            called_hint = _("Your number will be called out loud in the waiting room.")
        return TicketView(
            language=language,
            rtl=is_rtl(language),
            number=ticket.number,
            number_label=_("Your number"),
            concern=service_name(names, language, ticket.service),
            ahead=ahead_text(ticket.position, _),
            wait=wait_text(ticket.wait, _),
            qr_text=ticket.code,
            qr_caption=_("Scan with your phone to see your turn."),
            instruction=instruction,
            print_state=self.print_state,
            done_label=_("Done"),
            called_hint=called_hint,
        )

    def _out_of_service_view(self) -> OutOfServiceView:
        messages = []
        for language in self.settings.languages:
            _ = kiosk_text(language)
            messages.append(Message(language, _("Out of service"), _("Please go to the information desk.")))
        return OutOfServiceView(messages=tuple(messages), detail=self.problem)

    def _slot_view(self, slot: Slot, language: str) -> SlotView:
        _ = kiosk_text(language)
        service = self._service(slot.service)
        names = slot.service_names or (service.names if service else {})
        instruction = {
            PrintState.PRINTING: _("Your ticket is being printed…"),
            PrintState.PRINTED: _("Please take your ticket."),
            PrintState.FAILED: _("The printer is not working. Please take a photo of this screen."),
        }[self.print_state]
        if self.assist.active:
            instruction = assisted_instruction(self.print_state, self.assist.speech, self.accessibility.ticket_slot, _)
        return SlotView(
            language=language,
            rtl=is_rtl(language),
            title=_("Your guaranteed slot"),
            day=day_text(slot.day, language),
            window=window_text(slot.window.start, slot.window.end, _),
            concern=service_name(names, language, slot.service),
            on_the_day=_("On that day, come from {time} and scan this paper at the kiosk.").format(
                time=clock_text(slot.check_in.opens)
            ),
            bring=_("Please bring this paper and your documents."),
            qr_text=slot.code,
            qr_caption=_("Scan with your phone to see your slot."),
            instruction=instruction,
            print_state=self.print_state,
            done_label=_("Done"),
        )

    def _scan_view(self, language: str) -> ScanView:
        _ = kiosk_text(language)
        messages = []
        for code in self.settings.languages:
            text = kiosk_text(code)
            messages.append(
                Message(code, text("I have a slot"), text("Hold the QR code of your paper under the scanner."))
            )
        return ScanView(
            messages=tuple(messages),
            language=language,
            busy_text=_("One moment, please…") if self._checking_in else "",
            back_label=_("Back"),
        )

    def _check_in_problem_view(self, language: str | None) -> CheckInProblemView:
        refusal = self._refusal or CheckInRefusal(None, None)
        known = refusal.language if refusal.language in self.settings.languages else None
        languages = [known] if known else list(self.settings.languages)
        if language is not None and known is not None:
            languages = [language]  # speech in the fallback language
        messages = tuple(Message(code, *refusal_text(refusal, code, self.now())) for code in languages)
        buttons = language or known or self.language
        return CheckInProblemView(messages=messages, language=buttons, done_label=kiosk_text(buttons)("Done"))

    def _pin_view(self) -> StaffPinView:
        _ = kiosk_text(self.settings.languages[0])
        return StaffPinView(
            language=self.settings.languages[0],
            prompt=_("Staff PIN"),
            entered=len(self._pin.entered),
            wrong=self._pin_wrong,
            cancel_label=_("Cancel"),
            ok_label=_("OK"),
        )

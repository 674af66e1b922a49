"""What happens at the counter when the clerk presses a key or scans a code — without any UI.

The controller talks to the queue server through a `QueueClient` (or anything with the same
methods), keeps what the screen must show, and turns every failure into a `Notice` a clerk can act
on: a step that does not fit the ticket, a forged or old code, a server that is gone. It never
raises into the UI. What the clerk may do next is the server's word: each ticket carries its
`allowed_actions`, and only those buttons are enabled. The Kivy app calls the controller in one
lane of its `Lanes` (so steps never overlap) and draws every `view()` it hands over.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Literal, Protocol

from client import Event
from client.errors import (
    ApiError,
    Expired,
    Forbidden,
    InvalidCode,
    InvalidTransition,
    NotFound,
    ServerUnavailable,
    SlotCancelled,
    TooEarly,
    Unauthorized,
)
from counter.config import ACTIONS
from counter.ticket_card import TicketCard, concern_name, ticket_card
from counter.views import CounterView, Notice, WaitingRow
from wartemarke.api_objects import Counter, Service, Ticket, TicketAction, TicketSummary

Translate = Callable[[str], str]

#: Ticket statuses in which a ticket is "at" a counter.
ACTIVE = ("called", "serving")
#: The clerk's actions on a ticket and the API's names for them (`Ticket.allowed_actions`);
#: "call_next" is not among them: it needs a free counter, not a ticket.
API_ACTIONS: dict[str, TicketAction] = {
    "recall": "recall",
    "start": "start",
    "finish": "finish",
    "no_show": "no-show",
    "transfer": "transfer",
    "cancel": "cancel",
}


def allowed(ticket: TicketSummary | None) -> frozenset[str]:
    """The clerk's actions the server allows for the counter's current ticket (None: a free counter)."""
    if ticket is None:
        return frozenset({"call_next"})
    return frozenset(action for action, name in API_ACTIONS.items() if name in ticket.allowed_actions)


class CounterClient(Protocol):
    """The part of `client.QueueClient` the counter uses."""

    def services(self) -> list[Service]: ...
    def counters(self) -> list[Counter]: ...
    def counter(self, counter_id: str) -> Counter: ...
    def open_counter(self, counter_id: str) -> Counter: ...
    def close_counter(self, counter_id: str) -> Counter: ...
    def ticket(self, ticket_id: str) -> Ticket: ...
    def call_next(self, counter: str) -> Ticket | None: ...
    def call(self, ticket_id: str, counter: str) -> Ticket: ...
    def recall(self, ticket_id: str) -> Ticket: ...
    def start(self, ticket_id: str) -> Ticket: ...
    def finish(self, ticket_id: str) -> Ticket: ...
    def no_show(self, ticket_id: str) -> Ticket: ...
    def cancel(self, ticket_id: str) -> Ticket: ...
    def transfer(self, ticket_id: str, service: str) -> Ticket: ...
    def scan(self, code: str, counter: str) -> Ticket: ...


class CounterController:
    """One counter's shift: sign in, open the counter, serve tickets, close it again.

    `on_change` is called after every change of what `view()` returns (from the calling thread).
    """

    def __init__(
        self,
        client: CounterClient,
        translate: Translate,
        language: str = "de",
        counter_id: str | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        on_change: Callable[[], None] = lambda: None,
    ) -> None:
        self._client = client
        self._ = translate
        self._now = now
        #: The clerk's language: concern names on the ticket cards are given in it.
        self.language = language
        #: The counter this desk is; None until the clerk has picked one.
        self.counter_id: str | None = counter_id
        self.on_change = on_change
        self.phase: Literal["signing_in", "picking", "serving"] = "signing_in"
        self.counter_name = ""
        self.served: list[str] = []
        self.services: dict[str, Service] = {}
        self.counters: list[Counter] = []
        #: The ticket at this counter; events bring it as a summary (no code), steps as a full ticket.
        self.current: TicketSummary | None = None
        self.scanned: TicketSummary | None = None
        self.notice: Notice | None = None
        self.offline = False
        self._opened = False
        self._shift_over = False

    # ----------------------------------------------------------------- start and end of a shift

    def sign_in(self) -> bool:
        """Load services and counters; open the configured counter, or wait for `choose_counter`."""
        if not self._attempt(self._load_office):
            return False
        if self.counter_id is None:
            self.phase = "picking"
            self._changed()
            return True
        return self.choose_counter(self.counter_id)

    def choose_counter(self, counter_id: str) -> bool:
        """Open `counter_id` on the server (open counters feed the wait estimate) and show it."""
        self.counter_id = counter_id

        def open_it() -> None:
            self._adopt_counter(self._client.open_counter(counter_id))
            self._opened = True
            self.phase = "serving"

        if self._attempt(open_it):
            return True
        if not self.offline and self.counters:
            # e.g. a counter id in the config that the site does not have: let the clerk pick one.
            self.phase = "picking"
            self._changed()
        return False

    def close(self) -> None:
        """Close the counter on the server at the end of the shift; a server that is gone is fine."""
        self._shift_over = True  # a late event or timer must not reopen the counter
        if self._opened and self.counter_id is not None:
            try:
                self._client.close_counter(self.counter_id)
            except ApiError:
                pass
            self._opened = False

    def refresh(self) -> bool:
        """Re-read everything (after the connection came back: events may have been missed)."""

        def reload() -> None:
            self._load_office()
            if self.counter_id is not None and self.phase == "serving":
                if not self._opened:
                    self._adopt_counter(self._client.open_counter(self.counter_id))
                    self._opened = True
                else:
                    self._adopt_counter(self._client.counter(self.counter_id))

        if self._shift_over:
            return False
        if self.phase == "signing_in":
            return self.sign_in()
        return self._attempt(reload)

    # ----------------------------------------------------------------- the clerk's actions

    def perform(self, action: str, service: str | None = None) -> None:
        """Run one of `ACTIONS` (buttons and shortcuts both end here)."""
        if action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")
        refusal = self._refusal(action)
        if refusal:
            self._say("error", refusal)
            return
        if action == "call_next":
            if self._attempt(self._call_next):
                self._recount()
            return
        assert self.current is not None
        ticket_id = self.current.id
        number = self.current.number
        if action == "transfer":
            if not service:
                self._say("error", self._("Choose the concern to transfer the ticket to."))
                return
            if self._attempt(lambda: self._transfer(ticket_id, number, service), ticket_id):
                self._recount()
            return
        method = getattr(self._client, action)
        if self._attempt(lambda: self._after_step(action, method(ticket_id)), ticket_id):
            self._recount()

    def scan(self, code: str) -> None:
        """Show the ticket behind a scanned code, or say plainly why there is none."""
        code = code.strip()
        if not code:
            return
        if self.counter_id is None or self.phase != "serving":
            self._say("error", self._("Choose your counter before scanning."))
            return

        def look_up() -> None:
            scanned = self.scanned = self._client.scan(code, self.counter_id)
            card = self._card(scanned)
            if self.current and self.current.id == scanned.id:
                self._say(
                    "info",
                    self._("Ticket {number} is the one at your counter.").format(number=card.number),
                    notify=False,
                )
            else:
                self.notice = None

        self._attempt(look_up, scanning=True)

    def call_scanned(self) -> None:
        """ "Call this ticket now": call the scanned ticket to this counter, out of turn."""
        if self.scanned is None:
            return
        if self.current is not None:
            self._say("error", self._("Finish ticket {number} first.").format(number=self.current.number))
            return
        scanned = self.scanned

        def call() -> None:
            self._after_step("call", self._client.call(scanned.id, self.counter_id))
            self.scanned = None

        if self._attempt(call, scanned.id):
            self._recount()

    def dismiss_scanned(self) -> None:
        self.scanned = None
        self._changed()

    # ----------------------------------------------------------------- server events

    def handle_event(self, event: Event) -> None:
        """Apply one SSE event: the current ticket, a scanned ticket, or waiting counts changed."""
        payload = event.payload
        if isinstance(payload, Service):
            self.services[payload.id] = payload
        elif isinstance(payload, TicketSummary):
            self._apply_ticket_summary(payload)
        else:
            return
        self._changed()

    def connection_changed(self, connected: bool) -> None:
        """The event stream came up or went down: ask the server itself what is true.

        A stream may drop while requests still work (or be refused for the token), and it may come
        back before the server answers everything; only a failed request shows the banner. After a
        reconnect events may have been missed, so everything on screen is read again.
        """
        if connected and not self.offline and self.phase != "serving":
            return
        self.refresh()

    # ----------------------------------------------------------------- what the screen shows

    def view(self) -> CounterView:
        enabled = allowed(self.current) if self.phase == "serving" else frozenset()
        scanned_callable = self.scanned is not None and self.current is None and "call" in self.scanned.allowed_actions
        waiting = tuple(
            WaitingRow(sid, self._concern(sid), self.services[sid].waiting)
            for sid in self.served
            if sid in self.services
        )
        return CounterView(
            phase=self.phase,
            counter_name=self.counter_name,
            current=self._card(self.current) if self.current else None,
            waiting=waiting,
            enabled=enabled if not self.offline else frozenset(),
            notice=self.notice,
            offline=self.offline,
            scanned=self._card(self.scanned) if self.scanned else None,
            can_call_scanned=scanned_callable and not self.offline,
            counters=tuple((c.id, self._counter_name(c)) for c in self.counters),
            transfer_targets=tuple(
                (sid, self._concern(sid)) for sid in self.services if not self.current or sid != self.current.service
            ),
        )

    # ----------------------------------------------------------------- internals

    def _load_office(self) -> None:
        self._load_services()
        self.counters = self._client.counters()

    def _load_services(self) -> None:
        self.services = {service.id: service for service in self._client.services()}

    def _recount(self) -> None:
        """Fresh waiting counts after a step, shown after the step itself (events may be late or off)."""
        try:
            self._load_services()
        except ApiError:
            return  # the step succeeded; the counts follow with the next event or refresh
        self._changed()

    def _adopt_counter(self, counter: Counter) -> None:
        self.counter_name = self._counter_name(counter)
        self.served = list(counter.services)
        current = counter.current
        self.current = current if current and current.status in ACTIVE else None

    def _call_next(self) -> None:
        ticket = self._client.call_next(self.counter_id)
        if ticket is None:
            self._say("info", self._("Nobody is waiting for your concerns."), notify=False)
            return
        self._after_step("call", ticket)

    def _transfer(self, ticket_id: str, number: str, service: str) -> None:
        self._client.transfer(ticket_id, service)
        self.current = None
        self._say(
            "info",
            self._("Ticket {number} now waits for: {concern}.").format(number=number, concern=self._concern(service)),
            notify=False,
        )

    def _after_step(self, action: str, ticket: Ticket) -> None:
        """Adopt the ticket the server returned and say what happened."""
        mine = ticket.status in ACTIVE and ticket.counter == self.counter_id
        self.current = ticket if mine else None
        if self.scanned and self.scanned.id == ticket.id:
            self.scanned = ticket
        _ = self._
        done = {
            "call": _("Ticket {number} has been called."),
            "recall": _("Ticket {number} has been called again."),
            "start": _("Serving ticket {number}."),
            "finish": _("Ticket {number} is finished."),
            "no_show": _("Ticket {number}: visitor did not come."),
            "cancel": _("Ticket {number} is cancelled."),
        }
        self._say("info", done[action].format(number=ticket.number), notify=False)

    def _apply_ticket_summary(self, summary: TicketSummary) -> None:
        at_my_counter = summary.counter == self.counter_id and summary.status in ACTIVE
        if self.current and self.current.id == summary.id:
            self.current = _updated(self.current, summary) if at_my_counter else None
        elif at_my_counter:
            self.current = summary  # called here from elsewhere (another app at the same counter)
        if self.scanned and self.scanned.id == summary.id:
            self.scanned = _updated(self.scanned, summary)

    def _refusal(self, action: str) -> str | None:
        """Why `action` does not fit now, in the clerk's words; None when it does."""
        _ = self._
        if self.phase != "serving":
            return _("Choose your counter first.")
        if self.offline:
            return _("No connection to the server. Please wait a moment.")
        if action in allowed(self.current):
            return None
        if self.current is None:
            return _("Call a ticket first.")
        number = self.current.number
        if action == "call_next":
            return _("Finish ticket {number} first.").format(number=number)
        if self.current.status == "serving":
            return _("Ticket {number} is already being served.").format(number=number)
        return _("Start serving ticket {number} first.").format(number=number)

    def _attempt(self, step: Callable[[], None], ticket_id: str | None = None, scanning: bool = False) -> bool:
        """Run one server step; every failure becomes a notice (and the offline banner). Never raises."""
        _ = self._
        try:
            step()
        except ServerUnavailable:
            self.offline = True
            self._say("error", _("No connection to the server. Your last step was not saved."), notify=False)
        except InvalidTransition as exc:
            self._say("error", self._transition_refused(ticket_id, exc), notify=False)
        except InvalidCode:
            self._say("error", _("This code is not a ticket of this office."), notify=False)
        except Expired as exc:
            if exc.number is None and exc.day is not None:  # a later slot's paper, not a ticket's
                self._say("error", _("The check-in time of this slot is over."), notify=False)
            else:
                self._say("error", _("This ticket is from an earlier day and no longer valid."), notify=False)
        except TooEarly as exc:
            opens = exc.check_in_from
            when = f"{opens.hour}:{opens.minute:02d}" if opens else "?"
            self._say("error", _("This slot's check-in opens at {time}.").format(time=when), notify=False)
        except SlotCancelled:
            self._say("error", _("The office cancelled this slot."), notify=False)
        except NotFound:
            text = _("No such ticket.") if scanning else _("The server does not know this counter or ticket.")
            self._say("error", text, notify=False)
        except Unauthorized:
            self._say("error", _("The server did not accept the staff token. Check the token file."), notify=False)
        except Forbidden:
            self._say("error", _("This token may not work at a counter (a staff token is needed)."), notify=False)
        except ApiError as exc:
            self._say("error", exc.message, notify=False)
        else:
            if self.offline:
                self.offline = False
                if self.notice is None or self.notice.kind == "error":
                    self._say("info", _("Connected to the server again."), notify=False)
            self._changed()
            return True
        if scanning:
            self.scanned = None
        self._changed()
        return False

    def _transition_refused(self, ticket_id: str | None, exc: InvalidTransition) -> str:
        """Someone else changed the ticket meanwhile: re-read it and say what state it is in."""
        if ticket_id is None:
            return exc.message
        try:
            ticket = self._client.ticket(ticket_id)
        except ApiError:
            return exc.message
        if self.current and self.current.id == ticket_id:
            self._apply_ticket_summary(ticket)
        card = self._card(ticket)
        return self._("Not possible now. Ticket {number}: {status}.").format(number=card.number, status=card.status)

    def _say(self, kind: Literal["info", "error"], text: str, notify: bool = True) -> None:
        self.notice = Notice(kind, text)
        if notify:
            self._changed()

    def _changed(self) -> None:
        self.on_change()

    def _counter_name(self, counter: Counter) -> str:
        """The counter as the clerk calls it: its name in the clerk's language, else the office's."""
        return counter.names.get(self.language) or counter.name or counter.id

    def _concern(self, service_id: str) -> str:
        service = self.services.get(service_id)
        return concern_name(service.names if service else {}, self.language, service_id)

    def _card(self, ticket: TicketSummary) -> TicketCard:
        return ticket_card(ticket, self.services, self.language, self._now(), self._)


def _updated(ticket: TicketSummary, summary: TicketSummary) -> TicketSummary:
    """`ticket` with what an event says about it now (a full ticket keeps its code and position)."""
    if isinstance(ticket, Ticket):
        return ticket.model_copy(update={field: getattr(summary, field) for field in summary.model_fields_set})
    return summary

"""The waiting-room board as data: server events and board snapshots in, calls and services out.

No Kivy here: the rules for what a visitor sees (which call is current, what a recall or a transfer
does, what a duplicate or late event must not do) are tested directly.

Why the rules look like this:
- A display reconnecting after a drop gets two overlapping sources: the snapshot from
  `GET /api/v1/board` and the events replayed after `Last-Event-ID`. They arrive in either order,
  so a call is identified by its ticket number (unique per service day, kept on transfer) and its
  `called_at`; whichever source brings a call first shows (and announces) it, the other is a no-op.
- Event ids are strictly increasing per stream, but snapshots carry none; so ordering on the board
  is by `called_at`, and an event older than what a ticket's entry already reflects is ignored.
- Calls replayed long after they happened are shown but not spoken: a room told "N 17 to counter 5"
  twenty minutes late sends someone to a desk that has moved on.
- Every fresh call gets its moment in the big "Now calling" panel: fresh calls (and recalls) take
  turns there, in the order they were called — the order the announcer speaks them — each for
  `turn`; the next one takes over when a turn is over, at once on a quiet afternoon. A call
  waiting for its turn is lit among the earlier calls from the moment it arrives, so in a morning
  rush (five counters within ten seconds) nobody waits to see their number highlighted, and the
  number that is big is the one being spoken. A call stays lit until `highlight` after its turn
  began.
- The big panel shows only tickets that are still called: a visitor who arrived (serving), a
  finished, no-show or cancelled ticket leaves it at once; it then shows the newest ticket still
  called, or nobody. Finished and no-show tickets stay among the earlier calls (unlit): someone
  back from the corridor learns where their number went, and a late no-show can still be called
  at that counter. Cancelled and transferred tickets leave the board.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol

from wartemarke import api_objects as api

#: A ticket in one of these states is no longer "called to a counter": it leaves the board.
_OFF_BOARD_STATUSES = frozenset({"waiting", "cancelled"})
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class ServerEvent(Protocol):
    """What the client's `EventStream` yields (`client.Event`)."""

    id: int
    name: str
    payload: api.ApiObject


@dataclass(frozen=True)
class Announcement:
    """One call-out for the announcer: chime, German sentence, maybe the ticket's language."""

    number: str
    counter: str
    counter_name: str
    language: str | None
    recall: bool = False
    #: The counter's name in every language of the site: each sentence uses its own language's.
    counter_names: dict[str, str] = field(default_factory=dict)

    def counter_in(self, language: str) -> str:
        return self.counter_names.get(language) or self.counter_name


@dataclass
class Call:
    """A ticket as the board shows it: called to a counter."""

    number: str
    counter: str
    counter_name: str
    service: str
    called_at: datetime | None
    language: str | None
    status: str = "called"
    #: Ordering on the board: newest first. A recall moves a call to the top again.
    moment: datetime = _EPOCH
    sequence: int = 0
    #: Id of the last event applied to this entry (0 for snapshot-only entries).
    event_id: int = 0
    #: The current `called_at` came from a snapshot, not from an event.
    from_snapshot: bool = False
    #: Lit until then (set when its turn in the big panel begins; a call waiting for it is lit too).
    highlight_until: datetime = _EPOCH
    counter_names: dict[str, str] = field(default_factory=dict)

    @property
    def order(self) -> tuple[datetime, int]:
        return (self.moment, self.sequence)

    def counter_in(self, language: str) -> str:
        """The counter's name in `language`, else the office's own name for it."""
        return self.counter_names.get(language) or self.counter_name


class Board:
    """What the waiting room should see right now, kept current from events and snapshots."""

    def __init__(
        self,
        *,
        services: Iterable[str] = (),
        counters: Iterable[str] = (),
        history: int = 8,
        highlight: timedelta = timedelta(seconds=8),
        turn: timedelta = timedelta(seconds=6),
        announce_within: timedelta = timedelta(minutes=2),
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._service_filter = list(services)
        self._counter_filter = set(counters)
        self._keep = history + 1
        self._highlight = highlight
        self._turn = turn
        # Fresh calls waiting for their turn in the big panel (number -> when it came), oldest first;
        # the one having it, since when; since when the panel has been free for the next one.
        self._turns: OrderedDict[str, datetime] = OrderedDict()
        self._on_turn: str | None = None
        self._turn_started: datetime = _EPOCH
        self._free_since: datetime = _EPOCH
        self._announce_within = announce_within
        self._now = now
        self._sequence = itertools.count(1)
        self._calls: dict[str, Call] = {}
        # Calls that left the board (done by transfer/cancel or by a snapshot), so that a late
        # replayed `ticket.called` cannot bring them back. Bounded: a day has a few thousand tickets.
        self._gone: OrderedDict[str, datetime] = OrderedDict()
        self._services: dict[str, api.Service] = {}
        self._service_event: dict[str, int] = {}
        self._seen_ids: deque[int] = deque(maxlen=2048)
        self._seen_set: set[int] = set()
        self.last_event_id: int | None = None
        self.connected = False
        self.disconnected_since: datetime | None = None
        #: Bumped on every visible change, so a screen can skip redrawing when nothing changed.
        self.version = 0

    # ---- what to show -------------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Every call on the board, newest first, at most `history + 1`."""
        return sorted(self._calls.values(), key=lambda c: c.order, reverse=True)

    @property
    def current(self) -> Call | None:
        """The call in the big panel: the one whose turn it is, else the newest still called."""
        self.advance()
        if self._on_turn is not None:
            return self._calls[self._on_turn]
        return next((call for call in self.calls if call.status == "called"), None)

    @property
    def history(self) -> list[Call]:
        """The earlier calls: every call but the current one, newest first."""
        current = self.current
        return [call for call in self.calls if call is not current]

    def is_highlighted(self, call: Call) -> bool:
        self.advance()
        return call.number in self._turns or self._now() < call.highlight_until

    def advance(self) -> None:
        """Hand the big panel on when a turn is over. Turns follow the clock, not the screen: time
        passes without events, so the screen calls this every second (reading `current` does too),
        and a turn that ended while nobody looked started and ended when it should have."""
        now = self._now()
        while True:
            on_turn = self._calls.get(self._on_turn) if self._on_turn else None
            if self._on_turn is not None and (on_turn is None or on_turn.status != "called"):
                # Left the panel before its turn was over (served, finished, gone): free from now.
                self._on_turn, self._free_since, on_turn = None, now, None
                self.version += 1
            if on_turn is not None:
                turn_over = self._turn_started + self._turn
                if turn_over > now or not self._turns:
                    return  # still its turn, or nobody waits: it stays
                self._free_since = turn_over
            waiting = self._next_turn()
            if waiting is None:
                return
            number, arrived = waiting
            self._on_turn = number
            self._turn_started = max(arrived, self._free_since)
            self._calls[number].highlight_until = self._turn_started + self._highlight
            self.version += 1

    def _next_turn(self) -> tuple[str, datetime] | None:
        """The oldest waiting call still called (others lost their turn: they left the panel)."""
        while self._turns:
            number, arrived = self._turns.popitem(last=False)
            call = self._calls.get(number)
            if call is not None and call.status == "called":
                return number, arrived
        return None

    @property
    def services(self) -> list[api.Service]:
        """Services in the configured order (or the server's), only the configured ones."""
        if self._service_filter:
            return [self._services[s] for s in self._service_filter if s in self._services]
        return list(self._services.values())

    # ---- what happens -------------------------------------------------------------------------

    def set_connected(self, connected: bool) -> None:
        """The stream's state; the board stays as it is either way, only the mark changes."""
        if connected == self.connected and (connected or self.disconnected_since):
            return
        self.connected = connected
        self.disconnected_since = None if connected else self._now()
        self.version += 1

    def apply(self, event: ServerEvent) -> list[Announcement]:
        """Apply one server event; returns the call-outs it causes (none for duplicates)."""
        if event.id in self._seen_set:
            return []
        self._remember_id(event.id)
        payload = event.payload
        if isinstance(payload, api.Service):
            self._apply_service(event.id, payload)
        elif isinstance(payload, api.TicketSummary):
            if event.name in ("ticket.called", "ticket.recalled"):
                return self._apply_called(event.id, payload, recall=event.name == "ticket.recalled")
            if event.name == "ticket.updated":
                self._apply_updated(event.id, payload)
        return []

    def load_snapshot(self, board: api.Board) -> list[Announcement]:
        """Replace the board with `GET /api/v1/board`; calls it brings for the first time are announced.

        The snapshot is the truth at the moment it was taken: calls not in it have left the board.
        """
        floor = self.last_event_id or 0
        self._services = {s.id: s for s in board.services}
        # A replayed service event older than the snapshot must not overwrite it.
        self._service_event = {sid: floor for sid in self._services}
        announcements: list[Announcement] = []
        snapshot_numbers: set[str] = set()
        entries = [c for c in board.calls if c.number and c.status not in _OFF_BOARD_STATUSES]
        for entry in reversed(entries):  # oldest first, so newer calls get the higher sequence
            if not self._shows_counter(entry.counter):
                continue
            snapshot_numbers.add(entry.number)
            announcement = self._upsert_call(entry, event_id=0, recall=False)
            if announcement:
                announcements.append(announcement)
        for number in [n for n in self._calls if n not in snapshot_numbers]:
            self._drop(number)
        self._prune()
        self.version += 1
        return [a for a in announcements if a.number in self._calls]

    # ---- internals ----------------------------------------------------------------------------

    def _remember_id(self, event_id: int) -> None:
        if len(self._seen_ids) == self._seen_ids.maxlen:
            self._seen_set.discard(self._seen_ids[0])
        self._seen_ids.append(event_id)
        self._seen_set.add(event_id)
        if self.last_event_id is None or event_id > self.last_event_id:
            self.last_event_id = event_id

    def _shows_counter(self, counter: str | None) -> bool:
        return not self._counter_filter or str(counter) in self._counter_filter

    def _apply_service(self, event_id: int, service: api.Service) -> None:
        if event_id < self._service_event.get(service.id, 0):
            return
        self._services[service.id] = service
        self._service_event[service.id] = event_id
        self.version += 1

    def _apply_called(self, event_id: int, ticket: api.TicketSummary, *, recall: bool) -> list[Announcement]:
        number = ticket.number
        if not number or not self._shows_counter(ticket.counter):
            # Called to a counter this screen does not show: if it was shown here before, it moved.
            if number in self._calls:
                self._drop(number)
                self.version += 1
            return []
        existing = self._calls.get(number)
        if existing and event_id < existing.event_id:
            return []  # late: the entry already reflects a newer event of this ticket
        announcement = self._upsert_call(ticket, event_id=event_id, recall=recall)
        self._prune()
        self.version += 1
        # A late call older than everything shown is pruned at once: nothing to say about it.
        return [announcement] if announcement and number in self._calls else []

    def _upsert_call(self, ticket: api.Call | api.TicketSummary, *, event_id: int, recall: bool) -> Announcement | None:
        number = ticket.number
        called_at = ticket.called_at
        existing = self._calls.get(number)
        gone_at = self._gone.get(number)
        if not recall and gone_at is not None and called_at is not None and called_at <= gone_at:
            return None  # this call already ended (transfer, cancel) — a late replay of it
        if existing is not None and recall:
            # The server moves called_at on a recall; a snapshot taken after it already brought
            # (and announced) that moment, so the replayed recall event must not say it twice.
            same_call = existing.from_snapshot and called_at is not None and existing.called_at == called_at
        else:
            same_call = existing is not None and (
                existing.called_at == called_at
                or (called_at is not None and existing.called_at is not None and called_at < existing.called_at)
            )
        counter = ticket.counter or ""
        if same_call:
            # Known already (snapshot vs. replay overlap, or a duplicate): refresh details, stay quiet.
            existing.event_id = max(existing.event_id, event_id)
            existing.language = existing.language or ticket.language
            existing.from_snapshot = existing.from_snapshot and event_id == 0
            return None
        now = self._now()
        moment = called_at or now
        if recall:
            # A recall is "now", whether or not the server moved called_at.
            moment = max([moment, now, *(c.moment for c in self._calls.values())])
        call = Call(
            number=number,
            counter=counter,
            counter_name=ticket.counter_name or counter,
            counter_names=dict(ticket.counter_names),
            service=ticket.service,
            called_at=called_at,
            language=ticket.language or (existing.language if existing else None),
            status=ticket.status,
            moment=moment,
            sequence=next(self._sequence),
            event_id=max(event_id, existing.event_id if existing else 0),
            from_snapshot=event_id == 0,
        )
        self._calls[number] = call
        self._gone.pop(number, None)
        fresh = recall or called_at is None or now - called_at <= self._announce_within
        if not fresh:
            return None
        self._turns.pop(number, None)
        self._turns[number] = now
        return Announcement(
            call.number, call.counter, call.counter_name, call.language, recall=recall, counter_names=call.counter_names
        )

    def _apply_updated(self, event_id: int, ticket: api.TicketSummary) -> None:
        number = ticket.number
        call = self._calls.get(number)
        if call is None or event_id < call.event_id:
            return
        status = ticket.status
        if status in _OFF_BOARD_STATUSES:
            self._drop(number)  # transferred back into a queue, or cancelled: not "called" any more
        else:
            call.status = status
            call.event_id = event_id
        self.version += 1

    def _drop(self, number: str) -> None:
        call = self._calls.pop(number)
        self._gone[number] = call.called_at or call.moment
        self._gone.move_to_end(number)
        while len(self._gone) > 4096:
            self._gone.popitem(last=False)

    def _prune(self) -> None:
        """Keep only what the screen shows, so memory stays flat over a long day."""
        if len(self._calls) <= self._keep:
            return
        for call in self.calls[self._keep :]:
            del self._calls[call.number]

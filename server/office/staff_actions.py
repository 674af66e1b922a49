"""What staff do at a counter: call the next visitor or a given ticket, recall, start, finish, no-show,
transfer, cancel, and scan a ticket's code. Each step is checked against the ticket state machine
(server/rules/ticket_rules.py) and announced to displays in the same transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select, update

from server.clock import from_db, to_db
from server.config import Counter
from server.office.check_in import CheckIn
from server.office.day_snapshot import DaySnapshot
from server.office.site_queue import SiteQueue
from server.office.views import TicketRow
from server.rules.calling import QueuedTicket, choose_next
from server.rules.errors import Expired
from server.rules.ticket_rules import Action, TicketStatus, next_status
from server.storage.schema import tickets


class StaffActions:
    def __init__(self, queue: SiteQueue, check_in: CheckIn) -> None:
        self._queue = queue
        self._check_in = check_in
        self._site_id = queue.site.id
        self._priorities = {s.id: s.priority for s in queue.config.services}

    def call_next(self, counter_id: str) -> dict[str, Any] | None:
        """Call the most urgent waiting ticket of the counter's services; None when nobody waits."""
        counter = self._queue.counter(counter_id)
        with self._queue.transactions.writing() as connection:
            snap = self._queue.snapshot(connection)
            heads = []
            for service_id in counter.services:
                waiting = (
                    select(
                        tickets.c.id,
                        tickets.c.service_id,
                        tickets.c.queued_at,
                        tickets.c.sequence,
                        tickets.c.slot_window_start,
                    )
                    .where(
                        tickets.c.site_id == self._site_id,
                        tickets.c.day == snap.day,
                        tickets.c.service_id == service_id,
                        tickets.c.status == TicketStatus.WAITING,
                    )
                    .limit(1)
                )
                # The heads: the oldest waiting ticket, and the due slot ticket of the earliest window.
                oldest = connection.execute(waiting.order_by(tickets.c.queued_at, tickets.c.sequence)).first()
                due = connection.execute(
                    waiting.where(tickets.c.slot_window_start <= to_db(snap.now)).order_by(
                        tickets.c.slot_window_start, tickets.c.queued_at, tickets.c.sequence
                    )
                ).first()
                for head in {row.id: row for row in (oldest, due) if row is not None}.values():
                    window = from_db(head.slot_window_start) if head.slot_window_start else None
                    heads.append(QueuedTicket(head.id, head.service_id, from_db(head.queued_at), head.sequence, window))
            chosen = choose_next(heads, snap.now, self._priorities)
            if chosen is None:
                return None
            return self._call(connection, snap, chosen.id, counter)

    def call(self, ticket_id: str, counter_id: str) -> dict[str, Any]:
        counter = self._queue.counter(counter_id)
        with self._queue.transactions.writing() as connection:
            return self._call(connection, self._queue.snapshot(connection), ticket_id, counter)

    def _call(self, connection: Connection, snap: DaySnapshot, ticket_id: str, counter: Counter) -> dict[str, Any]:
        queue = self._queue
        row = queue.ticket_row(connection, ticket_id)
        self._check_today(row, snap)
        next_status(TicketStatus(row.status), Action.CALL, row.number)
        # The visitor at this counter so far is done: pressing "call next" is how a clerk says so.
        previous = connection.execute(
            select(tickets).where(
                tickets.c.site_id == self._site_id,
                tickets.c.counter_id == counter.id,
                tickets.c.status.in_([TicketStatus.CALLED, TicketStatus.SERVING]),
                tickets.c.id != row.id,
            )
        ).all()
        for earlier in previous:
            connection.execute(
                update(tickets)
                .where(tickets.c.id == earlier.id)
                .values(status=TicketStatus.DONE, finished_at=to_db(snap.now))
            )
            queue.events.append(
                connection, "ticket.updated", queue.views.summary(queue.ticket_row(connection, earlier.id))
            )
        connection.execute(
            update(tickets)
            .where(tickets.c.id == row.id)
            .values(status=TicketStatus.CALLED, counter_id=counter.id, called_at=to_db(snap.now))
        )
        snap.open_counters.add(counter.id)
        called = queue.ticket_row(connection, row.id)
        queue.events.append(connection, "ticket.called", queue.views.summary(called))
        queue.announce_services(connection, {row.service_id} | {e.service_id for e in previous})
        return queue.answer(connection, called)

    def act(self, ticket_id: str, action: Action) -> dict[str, Any]:
        """recall, start, finish, no-show, cancel."""
        queue = self._queue
        with queue.transactions.writing() as connection:
            row = queue.ticket_row(connection, ticket_id)
            now = queue.clock()
            self._check_today(row, None)
            target = next_status(TicketStatus(row.status), action, row.number)
            values: dict[str, Any] = {"status": target}
            if action is Action.RECALL:
                values["called_at"] = to_db(now)
            elif action is Action.START:
                values["started_at"] = to_db(now)
            elif action in (Action.FINISH, Action.NO_SHOW, Action.CANCEL):
                values["finished_at"] = to_db(now)
            connection.execute(update(tickets).where(tickets.c.id == row.id).values(**values))
            updated = queue.ticket_row(connection, row.id)
            if action is Action.RECALL:
                queue.events.append(connection, "ticket.recalled", queue.views.summary(updated))
            else:
                queue.events.append(connection, "ticket.updated", queue.views.summary(updated))
                queue.announce_services(connection, {row.service_id})
            return queue.answer(connection, updated)

    def transfer(self, ticket_id: str, service_id: str) -> dict[str, Any]:
        """Back to waiting in another service, keeping its number and its place in time."""
        queue = self._queue
        service = queue.service(service_id)
        with queue.transactions.writing() as connection:
            row = queue.ticket_row(connection, ticket_id)
            self._check_today(row, None)
            next_status(TicketStatus(row.status), Action.TRANSFER, row.number)
            connection.execute(
                update(tickets)
                .where(tickets.c.id == row.id)
                .values(
                    status=TicketStatus.WAITING,
                    service_id=service.id,
                    counter_id=None,
                    called_at=None,
                    started_at=None,
                )
            )
            updated = queue.ticket_row(connection, row.id)
            queue.events.append(connection, "ticket.updated", queue.views.summary(updated))
            queue.announce_services(connection, {row.service_id, service.id})
            return queue.answer(connection, updated)

    def scan(self, code: str, counter_id: str, all_sites: list[str]) -> dict[str, Any]:
        """The ticket behind a scanned code (URL or bare token, any case); `all_sites` tells a foreign code.

        A later slot's code is checked in (server/office/check_in.py) and its ticket answered.
        """
        queue = self._queue
        queue.counter(counter_id)
        with queue.transactions.reading() as connection:
            ticket = queue.code_owner(connection, code, all_sites).ticket
            if ticket is not None:
                return queue.answer(connection, queue.todays(ticket))
        return self._check_in.check_in(code, all_sites)[0]

    def _check_today(self, row: TicketRow, snap: DaySnapshot | None) -> None:
        today = snap.day if snap else self._queue.today()
        if row.day != today:
            # The clerk named the ticket by its id and sees its number in the message.
            raise Expired(f"Ticket {row.number} was for {row.day.isoformat()}; it cannot be served today.")

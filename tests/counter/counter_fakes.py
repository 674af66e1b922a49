"""An in-memory stand-in for `client.QueueClient` with the server's ticket rules, for controller tests.

Tickets are kept as the server's JSON; every answer is read through the API's objects, as the
real client does, so `allowed_actions` comes from the rules below, like the server's.
"""

from __future__ import annotations

import itertools
from datetime import datetime, timedelta, timezone
from typing import Any

from client import Event
from client.errors import Expired, InvalidCode, InvalidTransition, NotFound, ServerUnavailable, TooEarly
from wartemarke.api_objects import Counter, Service, Ticket, event_payload

SERVICES = {
    "notfall": ("N", {"de": "Notfall", "en": "Emergency", "uk": "Терміново", "ar": "حالة طارئة"}),
    "aufenthalt": (
        "A",
        {"de": "Aufenthaltstitel", "en": "Residence permit", "uk": "Дозвіл на проживання", "ar": "تصريح الإقامة"},
    ),
    "ukraine": ("U", {"de": "Ukraine", "en": "Ukraine", "uk": "Україна", "ar": "أوكرانيا"}),
}
# action (API name) -> (allowed from, leads to), as in server/ticket_rules.py
RULES = {
    "call": ({"waiting", "no_show"}, "called"),
    "recall": ({"called"}, "called"),
    "start": ({"called"}, "serving"),
    "finish": ({"called", "serving"}, "done"),
    "no-show": ({"called"}, "no_show"),
    "transfer": ({"waiting", "called", "serving"}, "waiting"),
    "cancel": ({"waiting", "called"}, "cancelled"),
}


def answer(ticket: dict[str, Any]) -> Ticket:
    """The ticket as the server answers it: with what staff may do to it next."""
    allowed_actions = [action for action, (sources, _) in RULES.items() if ticket["status"] in sources]
    return Ticket.model_validate({**ticket, "status_url": ticket["code"], "allowed_actions": allowed_actions})


def ticket_event(event_id: int, name: str, data: dict[str, Any]) -> Event:
    """A `ticket.*` or `service.updated` event as the client's stream hands it over."""
    payload = event_payload(name, data)
    assert payload is not None, name
    return Event(event_id, name, payload)


def desk_names(number: int) -> dict[str, str]:
    """A counter's name in the languages of the site, as the server's `names` carries it."""
    return {"de": f"Schalter {number}", "en": f"Counter {number}", "uk": f"Віконце {number}", "ar": f"الشباك {number}"}


class FakeQueue:
    """Tickets, counters and services in memory; `down = True` makes every call fail like a dead server."""

    def __init__(self) -> None:
        self.down = False
        self.tickets: dict[str, dict[str, Any]] = {}
        self.desks = {
            "1": {
                "id": "1",
                "name": "Schalter 1",
                "names": desk_names(1),
                "services": ["notfall", "aufenthalt"],
                "open": False,
            },
            "2": {"id": "2", "name": "Schalter 2", "names": desk_names(2), "services": ["ukraine"], "open": False},
        }
        self._sequence = itertools.count(1)
        self.calls: list[str] = []

    def issue(self, service: str, issued_at: str = "2026-11-21T07:31:02+01:00", language: str = "uk") -> dict[str, Any]:
        n = next(self._sequence)
        prefix, names = SERVICES[service]
        ticket = {
            "id": f"t{n}",
            "number": f"{prefix}{n:03d}",
            "service": service,
            "language": language,
            "status": "waiting",
            "issued_at": issued_at,
            "counter": None,
            "counter_name": None,
            "called_at": None,
            "service_names": names,
            "code": f"https://w.example/t/code{n}",
        }
        self.tickets[ticket["id"]] = ticket
        return ticket

    def _up(self, what: str) -> None:
        self.calls.append(what)
        if self.down:
            raise ServerUnavailable("connection refused")

    def service_json(self, service_id: str) -> dict[str, Any]:
        prefix, names = SERVICES[service_id]
        waiting = sum(1 for t in self.tickets.values() if t["service"] == service_id and t["status"] == "waiting")
        return {
            "id": service_id,
            "prefix": prefix,
            "names": names,
            "open": True,
            "quota": None,
            "issued": 0,
            "remaining": None,
            "waiting": waiting,
            "wait": None,
        }

    def _counter(self, counter_id: str) -> Counter:
        if counter_id not in self.desks:
            raise NotFound(404, "not_found", f"Unknown counter {counter_id}.")
        current = next(
            (t for t in self.tickets.values() if t["counter"] == counter_id and t["status"] in ("called", "serving")),
            None,
        )
        return Counter.model_validate({**self.desks[counter_id], "current": answer(current) if current else None})

    def _step(self, action: str, ticket_id: str, **changes: Any) -> Ticket:
        ticket = self.tickets.get(ticket_id)
        if ticket is None:
            raise NotFound(404, "not_found", "Unknown ticket.")
        allowed, target = RULES[action]
        if ticket["status"] not in allowed:
            raise InvalidTransition(409, "invalid_transition", f"Cannot {action} ticket {ticket['number']}.")
        ticket.update(status=target, **changes)
        return answer(ticket)

    # --- the QueueClient methods the counter uses
    def services(self):
        self._up("services")
        return [Service.model_validate(self.service_json(s)) for s in SERVICES]

    def counters(self):
        self._up("counters")
        return [self._counter(c) for c in self.desks]

    def counter(self, counter_id):
        self._up("counter")
        return self._counter(counter_id)

    def open_counter(self, counter_id):
        self._up("open_counter")
        counter = self._counter(counter_id)
        self.desks[counter_id]["open"] = True
        return counter.model_copy(update={"open": True})

    def close_counter(self, counter_id):
        self._up("close_counter")
        self.desks[counter_id]["open"] = False
        return self._counter(counter_id)

    def ticket(self, ticket_id):
        self._up("ticket")
        if ticket_id not in self.tickets:
            raise NotFound(404, "not_found", "Unknown ticket.")
        return answer(self.tickets[ticket_id])

    def call_next(self, counter):
        self._up("call_next")
        services = self.desks[counter]["services"]
        waiting = [t for t in self.tickets.values() if t["status"] == "waiting" and t["service"] in services]
        if not waiting:
            return None
        return self.call(waiting[0]["id"], counter)

    def call(self, ticket_id, counter):
        self._up("call")
        return self._step(
            "call",
            ticket_id,
            counter=counter,
            counter_name=self.desks[counter]["name"],
            counter_names=self.desks[counter]["names"],
            called_at="2026-11-21T08:00:00+01:00",
        )

    def recall(self, ticket_id):
        self._up("recall")
        return self._step("recall", ticket_id)

    def start(self, ticket_id):
        self._up("start")
        return self._step("start", ticket_id)

    def finish(self, ticket_id):
        self._up("finish")
        return self._step("finish", ticket_id)

    def no_show(self, ticket_id):
        self._up("no_show")
        return self._step("no-show", ticket_id)

    def cancel(self, ticket_id):
        self._up("cancel")
        return self._step("cancel", ticket_id)

    def transfer(self, ticket_id, service):
        self._up("transfer")
        return self._step(
            "transfer", ticket_id, service=service, counter=None, counter_name=None, service_names=SERVICES[service][1]
        )

    def scan(self, code, counter):
        self._up("scan")
        code = code.strip()
        if code.startswith("https://w.example/t/old"):
            raise Expired(410, "expired", "This ticket is from an earlier day.")
        if code.startswith("https://w.example/t/slot-early"):
            opens = datetime(2026, 11, 21, 9, 0, tzinfo=timezone(timedelta(hours=1)))
            raise TooEarly(409, "too_early", "Check-in opens at 09:00.", check_in_from=opens)
        if code.startswith("https://w.example/t/slot-"):  # a later slot's paper: checked in, its ticket
            window = {"start": "2026-11-21T08:00:00+01:00", "end": "2026-11-21T08:30:00+01:00"}
            ticket = self.issue("notfall")
            return answer({**ticket, "slot_window": window})
        for ticket in self.tickets.values():
            if ticket["code"] == code:
                return answer(ticket)
        if code.startswith("https://w.example/t/code"):
            raise NotFound(404, "not_found", "Unknown ticket.")
        raise InvalidCode(400, "invalid_code", "This is not a ticket code of this office.")

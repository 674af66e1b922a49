"""What a ticket is and which changes it may go through; numbering per service per service day."""

from __future__ import annotations

from enum import StrEnum

from server.rules.errors import InvalidTransition


class TicketStatus(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"


class Action(StrEnum):
    CALL = "call"
    RECALL = "recall"
    START = "start"
    FINISH = "finish"
    NO_SHOW = "no-show"
    TRANSFER = "transfer"
    CANCEL = "cancel"


S = TicketStatus
# action -> (statuses it may start from, status it leads to)
TRANSITIONS: dict[Action, tuple[frozenset[TicketStatus], TicketStatus]] = {
    # A visitor marked no-show who turns up late may be called again.
    Action.CALL: (frozenset({S.WAITING, S.NO_SHOW}), S.CALLED),
    Action.RECALL: (frozenset({S.CALLED}), S.CALLED),
    Action.START: (frozenset({S.CALLED}), S.SERVING),
    Action.FINISH: (frozenset({S.CALLED, S.SERVING}), S.DONE),
    Action.NO_SHOW: (frozenset({S.CALLED}), S.NO_SHOW),
    Action.TRANSFER: (frozenset({S.WAITING, S.CALLED, S.SERVING}), S.WAITING),
    Action.CANCEL: (frozenset({S.WAITING, S.CALLED}), S.CANCELLED),
}

_STATUS_WORDS = {
    S.WAITING: "is still waiting and was never called",
    S.CALLED: "has been called",
    S.SERVING: "is being served",
    S.DONE: "is already finished",
    S.NO_SHOW: "was marked as not present",
    S.CANCELLED: "was cancelled",
}


def next_status(current: TicketStatus, action: Action, number: str) -> TicketStatus:
    allowed_from, target = TRANSITIONS[action]
    if current not in allowed_from:
        verb = action.value.replace("-", " ")
        raise InvalidTransition(f"Cannot {verb} ticket {number}: it {_STATUS_WORDS[current]}.", status=current.value)
    return target


#: status -> what staff may do to a ticket in it (API names, in the order of TRANSITIONS).
ALLOWED_ACTIONS: dict[TicketStatus, tuple[str, ...]] = {
    status: tuple(action.value for action, (allowed_from, _) in TRANSITIONS.items() if status in allowed_from)
    for status in TicketStatus
}


def format_number(prefix: str, sequence: int) -> str:
    """`N` + 17 -> `N017`; grows beyond three digits rather than wrapping (numbers never repeat)."""
    return f"{prefix}{sequence:03d}"

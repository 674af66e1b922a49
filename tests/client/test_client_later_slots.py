"""The client's later-slot calls against a real server with a fake clock: typed answers and refusals."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from client import QueueClient
from client.errors import Expired, InvalidCode, NoLaterSlots, SlotsAvailable, TooEarly
from wartemarke.api_objects import Slot, SlotStatus

SLOTS_SITE = Path(__file__).resolve().parents[1] / "server" / "site-slots.toml"
BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_10 = datetime(2026, 11, 30, 10, 0, tzinfo=BERLIN)


def test_booking_and_checking_in_through_the_client(server_factory) -> None:
    server = server_factory(config=SLOTS_SITE, clock=MONDAY_10)
    kiosk = QueueClient(server.url, server.tokens["kiosk"])
    with pytest.raises(SlotsAvailable) as still_today:
        kiosk.book_later_slot("notfall", "uk")
    assert still_today.value.service == "notfall"
    for _ in range(2):
        kiosk.issue_ticket("notfall", "de")
    slot = kiosk.book_later_slot("notfall", "uk", idempotency_key="tap-1")
    assert isinstance(slot, Slot) and slot.day.isoformat() == "2026-12-01" and slot.language == "uk"
    assert kiosk.book_later_slot("notfall", "uk", idempotency_key="tap-1") == slot  # a retry: the same slot
    missed = kiosk.book_later_slot("notfall", "ar")  # nobody will come for this one
    for _ in range(4):  # three a day, two days ahead: six in all
        kiosk.book_later_slot("notfall", "de")
    with pytest.raises(NoLaterSlots):
        kiosk.book_later_slot("notfall", "de")
    status = kiosk.code_status(slot.code.upper() + "\r\n")
    assert isinstance(status, SlotStatus) and status.language == "uk"

    server.set_clock(slot.check_in.opens - timedelta(minutes=10))
    with pytest.raises(TooEarly) as early:
        kiosk.check_in(slot.code)
    assert early.value.check_in_from == slot.check_in.opens
    assert (early.value.window_start, early.value.window_end) == (slot.window.start, slot.window.end)
    with pytest.raises(InvalidCode):
        kiosk.check_in(slot.code[:-4] + "AAAA")

    server.set_clock(slot.window.start)
    ticket = kiosk.check_in(slot.code)
    assert ticket.slot_window is not None and ticket.slot_window.start == slot.window.start
    assert kiosk.check_in(slot.code).id == ticket.id  # twice: the same ticket

    server.set_clock(missed.check_in.until + timedelta(minutes=1))
    with pytest.raises(Expired) as gone:
        kiosk.check_in(missed.code)
    assert gone.value.number is None and gone.value.day == missed.day  # a slot's paper, not a ticket's

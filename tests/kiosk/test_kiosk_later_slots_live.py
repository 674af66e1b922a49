"""A guaranteed later slot from end to end: the real kiosk (Kivy offscreen, preview printer, a serial
scanner on a pseudo-terminal) against a real queue server whose clock the test sets.

Monday 30 November 2026, 10:00: today's two `notfall` tickets are gone (tests/server/site-slots.toml),
so the card offers Tuesday's first window. Booked and printed in Ukrainian; on Tuesday before check-in
opens the scanned paper says when to come back; once it is open, the paper gives a numbered ticket.
"""

from __future__ import annotations

import os
import tty
import uuid
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
import zxingcpp
from kivy_stage import find, pump_until, shoot, staged, tap
from PIL import Image

from kiosk.config import load_kiosk_config
from kiosk.screens import KioskButton, LanguageButton
from kiosk.views import CHECK_IN, PrintState, Screen

pytestmark = pytest.mark.kivy

SLOTS_SITE = Path(__file__).resolve().parents[1] / "server" / "site-slots.toml"
BERLIN = ZoneInfo("Europe/Berlin")
MONDAY_10 = datetime(2026, 11, 30, 10, 0, tzinfo=BERLIN)


@pytest.fixture
def scanner_port():
    """A scanner on a cable: the kiosk reads the pty's slave end; the test writes what it scans."""
    master, slave = os.openpty()
    tty.setraw(master)
    tty.setraw(slave)
    yield master, os.ttyname(slave)
    os.close(master)
    os.close(slave)


def kiosk_for(server, folder: Path, port: str, now):
    from kiosk.app import KioskRuntime

    (folder / "kiosk.token").write_text(server.tokens["kiosk"] + "\n")
    (folder / "kiosk.toml").write_text(
        f'[server]\nurl = "{server.url}"\ntoken_file = "kiosk.token"\n'
        '[printer]\nurl = "preview://printed"\n'
        '[kiosk]\nstaff_pin = "2468"\nlanguages = ["de", "en", "uk", "ar"]\n'
        f'[scanner]\nkind = "serial"\nport = "{port}"\nbaudrate = 9600\n'
    )
    config = load_kiosk_config(folder / "kiosk.toml")
    return KioskRuntime(config, token=config.read_token(), now=now)


def test_full_card_books_a_printed_slot_and_the_scanned_paper_checks_in_next_day(
    server_factory, tmp_path, scanner_port
):
    server = server_factory(config=SLOTS_SITE, clock=MONDAY_10)
    for _ in range(2):  # today's quota
        drawn = requests.post(
            f"{server.url}/api/v1/tickets",
            json={"service": "notfall", "language": "de"},
            headers={**server.headers("kiosk"), "Idempotency-Key": str(uuid.uuid4())},
            timeout=10,
        )
        assert drawn.status_code == 201
    master, port = scanner_port
    clock = {"now": MONDAY_10}

    def set_time(moment: datetime) -> None:
        server.set_clock(moment)
        clock["now"] = moment  # kiosk and server agree on "today"

    runtime = kiosk_for(server, tmp_path, port, now=lambda: clock["now"])
    controller = runtime.controller
    try:
        with staged(runtime.root):
            runtime.start()
            assert pump_until(lambda: controller.services and controller.scanner_ready, timeout=10)
            tap(find(runtime.root, LanguageButton, code="uk"))

            def card():
                return next(c for c in controller.view().cards if c.service_id == "notfall")

            assert pump_until(lambda: controller.screen == Screen.CONCERNS and card().later_slot, timeout=10)
            assert card().later_slot == "Гарантований час: вівторок, 1 грудня 2026 р., 8:00–8:30"
            shoot(runtime.root, "live-full-card-offers-slot-uk")
            tap(find(runtime.root, KioskButton, choice_id="later:notfall"))
            assert pump_until(
                lambda: controller.screen == Screen.SLOT and controller.print_state != PrintState.PRINTING, timeout=15
            ), f"no slot on screen (screen {controller.screen}, notice {controller.notice!r})"
            assert controller.print_state == PrintState.PRINTED
            slot = controller.slot
            assert (slot.day.isoformat(), slot.language) == ("2026-12-01", "uk")
            shoot(runtime.root, "live-slot-uk")
            # The paper: its QR code is exactly the slot's code.
            paper = tmp_path / "printed" / f"slot-{slot.day}-{slot.id[:8]}.png"
            decoded = [code.text for code in zxingcpp.read_barcodes(Image.open(paper).convert("L"))]
            assert decoded == [slot.code]
            controller.finish_ticket()
            assert pump_until(lambda: controller.screen == Screen.START)

            # Tuesday, half an hour before check-in opens: scanned at once on the start screen.
            set_time(slot.check_in.opens - timedelta(minutes=30))
            os.write(master, slot.code.encode() + b"\r\n")
            assert pump_until(lambda: controller.screen == Screen.CHECK_IN_PROBLEM, timeout=10)
            (message,) = controller.view().messages
            assert message.language == "uk"
            assert "Поверніться, будь ласка, о 7:30." in message.text
            shoot(runtime.root, "live-check-in-too-early-uk")
            controller.finish_ticket()

            # Within the check-in time: "I have a slot", then the paper under the scanner.
            set_time(slot.window.start + timedelta(minutes=5))
            assert pump_until(lambda: controller.screen == Screen.START)
            tap(find(runtime.root, KioskButton, choice_id=CHECK_IN))
            assert controller.screen == Screen.SCAN
            os.write(master, slot.code.encode() + b"\r")
            assert pump_until(
                lambda: controller.screen == Screen.TICKET and controller.print_state != PrintState.PRINTING, timeout=15
            ), f"no ticket (screen {controller.screen})"
            ticket = controller.ticket
            assert ticket.number.startswith("N") and ticket.language == "uk"
            assert ticket.slot_window is not None and ticket.slot_window.start == slot.window.start
            assert (tmp_path / "printed" / f"{ticket.number}.png").is_file()
            shoot(runtime.root, "live-checked-in-ticket-uk")
    finally:
        runtime.stop()

    statuses = requests.get(f"{server.url}/api/v1/status/{slot.code.rsplit('/', 1)[1]}", timeout=10).json()
    assert statuses["status"] == "checked_in"

"""The whole kiosk (Kivy screens, controller, client, preview printer) against a real queue server."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests
import zxingcpp
from kiosk_fakes import FakePrinter
from kivy_stage import find, pump_until, shoot, staged, tap
from PIL import Image

from kiosk.config import load_kiosk_config
from kiosk.screens import ConcernButton, LanguageButton
from kiosk.views import PrintState, Screen
from printer.status import PrinterStatus
from wartemarke.api_objects import Ticket

pytestmark = pytest.mark.kivy

HERE = Path(__file__).resolve().parent
#: Monday 23 November 2026, 10:00 in Düsseldorf.
MONDAY_MORNING = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def kiosk_for(server, folder: Path, printer=..., now=None):
    from kiosk.app import KioskRuntime

    (folder / "kiosk.token").write_text(server.tokens["kiosk"] + "\n")
    (folder / "kiosk.toml").write_text(
        f'[server]\nurl = "{server.url}"\ntoken_file = "kiosk.token"\n'
        '[printer]\nurl = "preview://printed"\n'
        '[kiosk]\nstaff_pin = "2468"\n'
    )
    config = load_kiosk_config(folder / "kiosk.toml")
    return KioskRuntime(config, token=config.read_token(), printer=printer, now=now)


@pytest.fixture
def running(request):
    """Start a runtime inside the shared window and stop it afterwards, whatever happens."""
    started = []

    def run(runtime):
        started.append(runtime)
        return runtime

    yield run
    for runtime in started:
        runtime.stop()


def draw_ticket(runtime, language: str, service: str) -> Ticket:
    controller = runtime.controller
    assert pump_until(lambda: controller.services, timeout=10), "services never arrived"
    tap(find(runtime.root, LanguageButton, code=language))
    assert pump_until(lambda: controller.screen == Screen.CONCERNS)
    tap(find(runtime.root, ConcernButton, service_id=service))
    assert pump_until(
        lambda: controller.screen == Screen.TICKET and controller.print_state != PrintState.PRINTING, timeout=15
    ), f"no ticket on screen (screen {controller.screen}, problem {controller.problem!r})"
    return controller.ticket


def test_tap_through_issues_and_prints_a_ticket(live_server, tmp_path, running):
    runtime = running(kiosk_for(live_server, tmp_path))
    with staged(runtime.root):
        runtime.start()
        ticket = draw_ticket(runtime, "uk", "notfall")
        assert runtime.controller.print_state == PrintState.PRINTED
        picture = shoot(runtime.root, "live-ticket-uk")
        on_screen = runtime.root.current
        assert on_screen.number == ticket.number
        assert on_screen.concern == "Терміново: дозвіл скоро закінчується"
        # A phone pointed at the screen reads exactly the ticket's status link.
        decoded = [code.text for code in zxingcpp.read_barcodes(Image.open(picture).convert("L"))]
        assert decoded == [ticket.code]

    stored = requests.get(f"{live_server.url}/api/v1/tickets/{ticket.id}", headers=live_server.headers("staff"))
    assert stored.status_code == 200
    assert stored.json()["number"] == ticket.number
    assert stored.json()["language"] == "uk"
    printed = tmp_path / "printed"
    assert (printed / f"{ticket.number}.bin").stat().st_size > 0
    assert (printed / f"{ticket.number}.png").stat().st_size > 0


def test_full_and_closed_services_are_greyed_with_the_next_chance(server_factory, tmp_path, running):
    server = server_factory(config=HERE / "site-full-and-closed.toml", clock=MONDAY_MORNING)
    runtime = running(kiosk_for(server, tmp_path, now=lambda: MONDAY_MORNING))  # kiosk and server agree on "today"
    with staged(runtime.root):
        runtime.start()
        draw_ticket(runtime, "de", "notfall")  # the one slot of the day
        runtime.controller.finish_ticket()
        tap(find(runtime.root, LanguageButton, code="de"))

        def cards():
            return {card.service_id: card for card in runtime.controller.view().cards}

        assert pump_until(lambda: not cards()["notfall"].available, timeout=10)
        full, closed = cards()["notfall"], cards()["abend"]
        assert (full.reason, full.next_chance) == (
            "Für heute alle Plätze vergeben",
            "Nächste Möglichkeit: morgen, 7:30 Uhr",
        )
        assert (closed.reason, closed.next_chance) == ("Gerade geschlossen", "Nächste Möglichkeit: heute, 16:00 Uhr")
        shoot(runtime.root, "live-full-and-closed-de")
        tap(find(runtime.root, ConcernButton, service_id="notfall"))
        assert runtime.controller.screen == Screen.CONCERNS
    services = requests.get(f"{server.url}/api/v1/services", headers=server.headers("kiosk")).json()
    assert {s["id"]: s["issued"] for s in services}["notfall"] == 1


def test_server_down_shows_out_of_service_and_recovers(live_server, tmp_path, running):
    runtime = running(kiosk_for(live_server, tmp_path))
    with staged(runtime.root):
        runtime.start()
        controller = runtime.controller
        assert pump_until(lambda: controller.services, timeout=10)
        tap(find(runtime.root, LanguageButton, code="ar"))
        live_server.kill()
        assert pump_until(lambda: controller.screen == Screen.OUT_OF_SERVICE, timeout=5)
        shoot(runtime.root, "live-out-of-service")
        live_server.start()
        assert pump_until(lambda: controller.screen == Screen.START, timeout=15)
        draw_ticket(runtime, "ar", "notfall")
        assert controller.print_state == PrintState.PRINTED


def test_printer_out_of_paper_shows_ticket_and_tells_staff(live_server, tmp_path, running):
    printer = FakePrinter(PrinterStatus.PAPER_OUT)
    runtime = running(kiosk_for(live_server, tmp_path, printer=printer))
    with staged(runtime.root):
        runtime.start()
        ticket = draw_ticket(runtime, "de", "notfall")
        assert runtime.controller.print_state == PrintState.FAILED
        assert runtime.root.current.instruction.startswith("Der Drucker funktioniert nicht")
        assert runtime.root.current.ids.qr.texture is not None
        shoot(runtime.root, "live-ticket-photo-de")

        def kiosk_status():
            devices = requests.get(f"{live_server.url}/api/v1/devices", headers=live_server.headers("staff")).json()
            return [d["status"] for d in devices if d.get("role") == "kiosk"]

        assert pump_until(lambda: "paper_out" in kiosk_status(), timeout=10)
    assert printer.printed == []
    assert ticket.number.startswith("N")

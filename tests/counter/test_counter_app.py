"""The whole counter app (screen, the controller's lane, keys, event stream) against a real server.

The app's root widget is put into the shared offscreen Window instead of App.run(), so this test
can live in one process with the other apps' tests.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from client import QueueClient
from counter.config import CounterConfig

pytestmark = pytest.mark.kivy
SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" / "counter"
F2, ENTER = 283, 13


def pump(condition, timeout: float = 15.0) -> None:
    """Run Kivy's loop, a frame at a time, until `condition()` holds (the controller's lane answers later)."""
    from kivy.base import EventLoop

    EventLoop.ensure_window()
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the screen did not change in time"
        EventLoop.idle()  # waits for the next frame: the app's own pace, no sleep needed
    EventLoop.idle()


def test_clerk_calls_with_f2_scans_with_a_wedge_scanner_and_sees_new_tickets(live_server, tmp_path):
    from kivy.core.window import Window

    from counter.app import CounterApp

    token_file = tmp_path / "staff.token"
    token_file.write_text(live_server.tokens["staff"])
    config = CounterConfig.model_validate(
        {
            "server": {"url": live_server.url, "token_file": str(token_file)},
            "counter": {"id": "2", "language": "de"},
            "scanner": {"kind": "keyboard"},
        }
    )
    kiosk = QueueClient(live_server.url, live_server.tokens["kiosk"])
    first = kiosk.issue_ticket("notfall", "uk")
    second = kiosk.issue_ticket("aufenthalt", "ar")
    app = CounterApp(config, config.read_token())
    screen = app.build()
    old_size = Window.size
    Window.size = (1280, 800)
    Window.add_widget(screen)
    try:
        pump(lambda: screen.ids.stages.current == "serving" and app.events.connected)
        assert screen.ids.title.text == "Schalter 2"
        Window.dispatch("on_key_down", F2, 0, None, [])
        pump(lambda: screen.ids.current_number.text == first.number)
        assert not screen._buttons["start"].disabled and screen._buttons["call_next"].disabled
        pump(lambda: app.view.waiting[0].waiting == 0)  # N001 no longer waits

        for ch in second.code:  # a wedge scanner types the code at machine speed
            Window.dispatch("on_textinput", ch)
        Window.dispatch("on_key_down", ENTER, 0, None, [])
        pump(lambda: screen.has_scanned)
        assert screen.ids.scanned_number.text == second.number
        pump(lambda: True)
        SHOTS.mkdir(parents=True, exist_ok=True)
        screen.export_to_png(str(SHOTS / "live-de.png"))

        Window.dispatch("on_key_down", 286, 0, None, [])  # F5: finish
        pump(lambda: screen.ids.current_number.text == "")
        assert kiosk.status(first.code.rsplit("/", 1)[1]).status == "done"

        waiting = app.view.waiting[1].waiting
        kiosk.issue_ticket("aufenthalt", "fa")  # arrives as an event (no polling while connected)
        pump(lambda: app.view.waiting[1].waiting == waiting + 1)
    finally:
        Window.remove_widget(screen)
        Window.size = old_size
        app.on_stop()
        kiosk.close()
    staff = QueueClient(live_server.url, live_server.tokens["staff"])
    assert staff.counter("2").open is False  # closed on exit
    staff.close()


def test_a_serial_scanner_pulls_up_the_ticket_and_its_state_shows(live_server, tmp_path):
    import os
    import tty

    from kivy.core.window import Window

    from counter.app import CounterApp

    token_file = tmp_path / "staff.token"
    token_file.write_text(live_server.tokens["staff"])
    master, slave = os.openpty()
    tty.setraw(master)
    tty.setraw(slave)
    port = tmp_path / "scanner"
    port.symlink_to(os.ttyname(slave))
    config = CounterConfig.model_validate(
        {
            "server": {"url": live_server.url, "token_file": str(token_file)},
            "counter": {"id": "3", "language": "uk"},
            "scanner": {"kind": "serial", "port": str(port), "baudrate": 9600},
        }
    )
    with QueueClient(live_server.url, live_server.tokens["kiosk"]) as kiosk:
        ticket = kiosk.issue_ticket("ukraine", "uk")
    app = CounterApp(config, config.read_token())
    screen = app.build()
    Window.add_widget(screen)
    try:
        pump(lambda: screen.ids.stages.current == "serving" and "Сканер готовий" in screen.ids.scanner_state.text)
        os.write(master, ticket.code.encode()[:10])  # a code may arrive in pieces
        os.write(master, ticket.code.encode()[10:] + b"\r")
        pump(lambda: screen.has_scanned)
        assert screen.ids.scanned_number.text == ticket.number
        assert not screen.ids.call_scanned.disabled
        screen.ids.call_scanned.dispatch("on_release")
        pump(lambda: screen.ids.current_number.text == ticket.number)
    finally:
        Window.remove_widget(screen)
        app.on_stop()
        os.close(master)
        os.close(slave)

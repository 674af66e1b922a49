"""The display's live path against a real server: drops, missed calls, restarts — no call lost.

The display side is the real one without Kivy: LiveFeed (EventStream + board reloads, in the app's
lanes) feeding a DisplaySession whose screen records what it was told to show, and an announcer with
a fake speaker. The test's own thread is the display's UI thread: it empties the `UiThread` mailbox,
waiting for the next delivery, until the display shows what the test expects.
"""

from __future__ import annotations

import functools
import socket
import threading
import time
from collections.abc import Callable

import pytest
from display_fakes import RecordingSpeaker

from client import EventStream, QueueClient
from client.backoff import Backoff
from display.announcer import Announcer
from display.board_view import BoardView
from display.config import DisplayConfig
from display.live_feed import LiveFeed
from display.session import DisplaySession
from wartemarke.api_objects import Ticket
from wartemarke.ui_thread import Lanes, UiThread


class CuttableProxy:
    """A TCP relay in front of the server whose cable can be pulled (cut) and plugged back (restore)."""

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.open = True
        self.sockets: list[socket.socket] = []
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.open:
                client.close()
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port), timeout=5)
            except OSError:
                client.close()
                continue
            with self.lock:
                self.sockets += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def cut(self) -> None:
        self.open = False
        with self.lock:
            sockets, self.sockets = self.sockets, []
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    def restore(self) -> None:
        self.open = True

    def close(self) -> None:
        self.cut()
        self.listener.close()


class RecordingScreen:
    drift_x = 0.0
    drift_y = 0.0

    def __init__(self) -> None:
        self.views: list[BoardView] = []

    def show(self, view: BoardView) -> None:
        self.views.append(view)


class RunningDisplay:
    def __init__(self, url: str, token: str) -> None:
        config = DisplayConfig.model_validate(
            {"server": {"url": url, "token_file": "unused"}, "board": {"languages": ["de"]}}
        )
        self.speaker = RecordingSpeaker(voices={"de", "uk"}, seconds=0)
        self.announcer = Announcer(self.speaker)
        self.screen = RecordingScreen()
        self.session = DisplaySession(config, self.screen, self.announcer)
        self.ui = UiThread()
        self.lanes = Lanes(self.ui, "display")
        # Quick reconnects so the test does not wait through a real display's backoff.
        stream = functools.partial(EventStream, backoff=Backoff(initial=0.1, maximum=0.5), silence_timeout=5)
        client = QueueClient(url, token, timeout=2, retries=1)
        self.feed = LiveFeed(client, self.lanes, self.session.pump, stream_factory=stream)
        self.feed.start()

    def pump_until(self, condition: Callable[[], bool], timeout: float = 20) -> None:
        """Run what the feed delivers, as the app's UI thread does, until `condition` holds."""
        deadline = time.monotonic() + timeout
        while not condition():
            left = deadline - time.monotonic()
            if left <= 0:
                raise AssertionError(f"display did not reach the expected state in {timeout} s")
            self.ui.run_pending(timeout=left)

    def shown(self) -> list[tuple[str, str]]:
        view = self.screen.views[-1]
        lines = ([view.current] if view.current else []) + list(view.history)
        return [(line.number, line.counter) for line in lines]

    def spoken(self) -> list[str]:
        self.announcer.close(timeout=10)
        return [text for kind, text, *_ in self.speaker.played if kind == "say:de"]

    def close(self) -> None:
        self.feed.close()
        self.lanes.stop()


@pytest.fixture
def display_on(request):
    displays: list[RunningDisplay] = []

    def start(url: str, token: str) -> RunningDisplay:
        displays.append(RunningDisplay(url, token))
        return displays[-1]

    yield start
    for display in displays:
        display.close()


def issue_and_call(server, service: str, counter: str, language: str = "uk") -> Ticket:
    kiosk = QueueClient(server.url, server.tokens["kiosk"])
    staff = QueueClient(server.url, server.tokens["staff"])
    ticket = kiosk.issue_ticket(service, language)
    return staff.call(ticket.id, counter)


def test_a_call_made_while_the_display_is_cut_off_is_shown_and_spoken_after_reconnect(live_server, display_on):
    proxy = CuttableProxy(live_server.port)
    try:
        display = display_on(proxy.url, live_server.tokens["display"])
        display.pump_until(lambda: display.session.board.connected)
        first = issue_and_call(live_server, "notfall", "1")
        display.pump_until(lambda: display.shown()[:1] == [(first.number, "1")])

        proxy.cut()
        display.pump_until(lambda: not display.session.board.connected)
        assert display.screen.views[-1].connection_lost  # the mark is up, the board stays
        assert display.shown()[:1] == [(first.number, "1")]
        missed = issue_and_call(live_server, "aufenthalt", "3", language="de")
        QueueClient(live_server.url, live_server.tokens["staff"]).finish(first.id)  # finished while offline
        proxy.restore()

        display.pump_until(lambda: display.session.board.connected and display.shown()[:1] == [(missed.number, "3")])
        assert display.screen.views[-1].connection_lost == ""
        assert display.shown() == [(missed.number, "3"), (first.number, "1")]
        spoken = display.spoken()
        number = missed.number
        assert sum(f"Nummer {number[0]} {int(number[1:])}," in text for text in spoken) == 1  # once, not twice
    finally:
        proxy.close()


def test_the_display_survives_a_server_restart_and_a_kill(live_server, display_on):
    display = display_on(live_server.url, live_server.tokens["display"])
    display.pump_until(lambda: display.session.board.connected)
    before = issue_and_call(live_server, "notfall", "2")
    display.pump_until(lambda: display.shown()[:1] == [(before.number, "2")])

    live_server.stop()
    display.pump_until(lambda: not display.session.board.connected)
    assert display.shown()[:1] == [(before.number, "2")]  # last board kept while the server is away
    live_server.start()
    display.pump_until(lambda: display.session.board.connected)
    after = issue_and_call(live_server, "einbuergerung", "4")
    display.pump_until(lambda: display.shown()[:1] == [(after.number, "4")])

    live_server.kill()
    display.pump_until(lambda: not display.session.board.connected)
    live_server.start()
    recalled = QueueClient(live_server.url, live_server.tokens["staff"]).recall(before.id)
    display.pump_until(lambda: display.shown()[:1] == [(recalled.number, "2")])
    assert display.shown()[:2] == [(before.number, "2"), (after.number, "4")]
    number = before.number
    assert sum(f"Nummer {number[0]} {int(number[1:])}," in text for text in display.spoken()) == 2  # call + recall


def test_a_refused_token_is_reported_and_the_board_shows_the_connection_mark(live_server, display_on):
    display = display_on(live_server.url, "not-a-token")
    display.pump_until(lambda: display.feed.fatal is not None)
    display.pump_until(lambda: display.screen.views and display.screen.views[-1].connection_lost != "")
    assert display.feed.fatal.status == 401

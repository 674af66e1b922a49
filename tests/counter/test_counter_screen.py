"""The counter screen rendered offscreen in a Latin, a Cyrillic and a right-to-left language.

Screenshots go to artifacts/screenshots/counter/<screen>-<lang>.png for a person to look at; the
assertions check what a clerk would notice: the right buttons enabled, texts translated, shortcut
keys reaching the controller, a wedge scan pulling up the ticket.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from counter_fakes import SERVICES, FakeQueue

pytestmark = pytest.mark.kivy

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" / "counter"
NOW = datetime(2026, 11, 21, 6, 54, 2, tzinfo=UTC)
SHORTCUTS = {
    "call_next": "f2",
    "recall": "f3",
    "start": "f4",
    "finish": "f5",
    "no_show": "f6",
    "transfer": "f7",
    "cancel": "f8",
}


@pytest.fixture
def window():
    from kivy.core.window import Window

    old_size = Window.size
    Window.size = (1280, 800)
    yield Window
    Window.size = old_size


def frames(n: int = 4) -> None:
    """Advance Kivy like its main loop does (clock, layout, drawing), without App.run()."""
    from kivy.base import EventLoop

    EventLoop.ensure_window()
    for _ in range(n):
        EventLoop.idle()


def build(language: str, counter_id: str | None = "1"):
    from counter.controller import CounterController
    from counter.screen import CounterScreen
    from wartemarke.i18n import gettext_for

    _ = gettext_for("counter", language)
    queue = FakeQueue()
    controller = CounterController(queue, _, language=language, counter_id=counter_id, now=lambda: NOW)
    screen = CounterScreen(language, _, SHORTCUTS)
    return queue, controller, screen


def shoot(window, screen, name: str, language: str) -> Path:
    window.add_widget(screen)
    try:
        frames()
        SHOTS.mkdir(parents=True, exist_ok=True)
        path = SHOTS / f"{name}-{language}.png"
        screen.export_to_png(str(path))
    finally:
        window.remove_widget(screen)
    return path


@pytest.mark.parametrize("language", ["de", "uk", "ar"])
def test_serving_screen_with_a_called_and_a_scanned_ticket(window, language):
    from counter.label_text import markup
    from wartemarke.fonts import ARABIC
    from wartemarke.language_names import language_label

    queue, controller, screen = build(language)
    queue.issue("notfall", language="ar")
    queue.issue("notfall")
    scanned = queue.issue("aufenthalt", language="uk")
    controller.sign_in()
    controller.perform("call_next")
    controller.scan(scanned["code"])
    view = controller.view()
    screen.render(view, "")
    buttons = screen._buttons
    assert not buttons["start"].disabled and buttons["call_next"].disabled
    assert screen.ids.current_number.text == "N001"
    assert screen.has_scanned and screen.ids.scanned_number.text == "A003"
    # The visitor's language, in its own script and in the clerk's words, drawn by a font that has both.
    assert screen.ids.current_language.text == markup(language_label("ar", language), language)
    assert screen.ids.current_language.font_name == ARABIC
    assert screen.ids.scanned_language.text == markup(language_label("uk", language), language)
    # The counter's own name is in the clerk's language.
    assert screen.ids.title.text == markup(
        {"de": "Schalter 1", "uk": "Віконце 1", "ar": "الشباك 1"}[language], language
    )
    assert shoot(window, screen, "serving", language).stat().st_size > 0

    # A later slot's paper: its ticket says so, with the window.
    controller.scan("https://w.example/t/slot-in-time")
    screen.render(controller.view(), "")
    assert screen.ids.scanned_details.text == markup(controller.view().scanned.details, language)
    assert "8:00" in screen.ids.scanned_details.text
    shoot(window, screen, "serving-slot", language)


@pytest.mark.parametrize("language", ["de", "uk", "ar"])
def test_offline_banner_and_error_notice(window, language):
    queue, controller, screen = build(language)
    queue.issue("notfall")
    controller.sign_in()
    queue.down = True
    controller.perform("call_next")
    screen.render(controller.view(), "")
    assert screen.offline and all(b.disabled for b in screen._buttons.values())
    assert screen.notice_is_error
    shoot(window, screen, "offline", language)


@pytest.mark.parametrize("language", ["de", "ar"])
def test_picking_a_counter(window, language):
    _, controller, screen = build(language, counter_id=None)
    controller.sign_in()
    screen.render(controller.view(), "")
    chosen = []
    screen.bind(on_choose_counter=lambda _s, counter_id: chosen.append(counter_id))
    shoot(window, screen, "picking", language)
    buttons = screen.ids.counter_choices.children
    assert len(buttons) == 2
    next(b for b in buttons if "2" in b.text).dispatch("on_release")
    assert chosen == ["2"]


def test_german_texts_come_from_the_catalog():
    _, controller, screen = build("de")
    controller.sign_in()
    screen.render(controller.view(), "")
    assert screen._buttons["call_next"].text.startswith("Nächste")
    assert "F2" in screen._buttons["call_next"].text


@pytest.mark.parametrize("language", ["de", "ar"])
def test_button_and_transfer_popup_reach_the_controller(window, language):
    from counter.label_text import markup

    queue, controller, screen = build(language)
    queue.issue("notfall")
    controller.sign_in()
    screen.bind(on_action=lambda _s, action, service=None: controller.perform(action, service))
    screen.render(controller.view(), "")
    screen._buttons["call_next"].dispatch("on_release")
    screen.render(controller.view(), "")
    assert controller.view().current.number == "N001"
    ukraine = markup(SERVICES["ukraine"][1][language], language)
    window.add_widget(screen)
    try:
        screen._buttons["transfer"].dispatch("on_release")
        frames()
        popup = screen._picker
        popup.export_to_png(str(SHOTS / f"transfer-{language}.png"))
        button = next(w for w in popup.walk() if getattr(w, "text", "") == ukraine and hasattr(w, "state"))
        button.dispatch("on_release")
    finally:
        screen.close_popups()
        window.remove_widget(screen)
    assert queue.tickets["t1"]["service"] == "ukraine"


@pytest.mark.parametrize("language", ["uk", "ar"])
def test_the_demo_window_size_wraps_the_buttons_into_two_rows(window, language):
    queue, controller, screen = build(language)
    queue.issue("notfall")
    controller.sign_in()
    controller.perform("call_next")
    screen.render(controller.view(), "")
    window.size = (800, 600)
    shoot(window, screen, "serving-800x600", language)
    assert screen.ids.actions.cols == 4  # seven buttons in one row would break words apart
    assert screen.scale < 1


@pytest.mark.parametrize("language", ["de", "ar"])
def test_a_refused_staff_token_is_said_on_the_sign_in_screen(window, language, monkeypatch):
    from client.errors import Unauthorized

    queue, controller, screen = build(language)

    def refuse():
        raise Unauthorized(401, "unauthorized", "Unknown token.")

    monkeypatch.setattr(queue, "services", refuse)
    controller.sign_in()
    screen.render(controller.view(), "")
    assert screen.ids.stages.current == "signing_in"
    assert screen.ids.signing_in_notice.text  # not an empty screen: the clerk learns why
    if language == "de":
        assert "Token-Datei" in screen.ids.signing_in_notice.text
    shoot(window, screen, "token-refused", language)

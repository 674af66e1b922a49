"""Every kiosk screen drawn offscreen in German, Ukrainian and Arabic, portrait and landscape.

The screenshots land in artifacts/screenshots/kiosk/<screen>-<lang>[-landscape].png for people to
look at; the assertions catch what a visitor would notice: cut-off text, text outside the screen,
touch targets too small, Arabic drawn unshaped or left-aligned.
"""

from __future__ import annotations

import pytest
from kiosk_fakes import FakeApi, service
from kiosk_rig import make_rig
from kivy_stage import LANDSCAPE, PORTRAIT, find, frames, resize, shoot, staged, tap, tap_at

from kiosk.screens import (
    ArrowButton,
    ConcernButton,
    KioskButton,
    KioskLabel,
    KioskRoot,
    LanguageButton,
    load_layout,
)
from kiosk.views import Screen
from printer.status import PrinterStatus
from wartemarke.api_objects import Service

pytestmark = pytest.mark.kivy

LANGUAGES = ("de", "uk", "ar")


def demo_services() -> list[Service]:
    return [
        service(
            "notfall",
            remaining=7,
            names={
                "de": "Notfall: Aufenthalt läuft bald ab",
                "uk": "Терміново: дозвіл скоро закінчується",
                "ar": "حالة طارئة: الإقامة تنتهي قريباً",
            },
        ),
        service(
            "aufenthalt",
            names={"de": "Aufenthaltstitel", "uk": "Дозвіл на проживання", "ar": "تصريح الإقامة"},
            quota=None,
            remaining=None,
            wait=None,
        ),
        service(
            "einbuergerung",
            names={"de": "Einbürgerung", "uk": "Натуралізація", "ar": "التجنيس"},
            remaining=0,
            closed_reason="quota_exhausted",
            next_open="2026-11-23T07:30:00+01:00",
            # Today's tickets are gone: the card offers the next guaranteed later slot.
            next_later_slot={
                "day": "2026-11-24",
                "start": "2026-11-24T09:30:00+01:00",
                "end": "2026-11-24T10:00:00+01:00",
            },
        ),
        service(
            "ukraine",
            names={"de": "Geflüchtete aus der Ukraine", "uk": "Біженці з України", "ar": "اللاجئون من أوكرانيا"},
            open=False,
            closed_reason="outside_hours",
            next_open="2026-11-21T13:00:00+01:00",
        ),
    ]


def check_screen(root: KioskRoot, language: str) -> None:
    """No label runs past its box or off the screen; every button is big enough for a finger."""
    for widget in root.walk(restrict=True):
        if isinstance(widget, KioskLabel) and widget.source and widget.opacity:
            assert widget.texture_size[0] <= widget.width + 1, f"text cut off: {widget.source!r}"
            assert widget.x >= root.x - 1 and widget.right <= root.right + 1, f"off screen: {widget.source!r}"
            assert widget.y >= root.y - 1 and widget.top <= root.top + 1, f"off screen: {widget.source!r}"
            if language == "ar" and any("\u0600" <= ch <= "\u06ff" for ch in widget.source):
                assert widget.text != widget.source, f"Arabic not shaped: {widget.source!r}"
        if isinstance(widget, KioskButton) and not widget.disabled:  # a hidden, disabled button is no target
            assert min(widget.size) >= 48 * root.scale, f"touch target too small: {widget.label!r}"
            if widget.label:
                assert widget.texture_size[0] <= widget.width + 1, f"button text cut off: {widget.label!r}"
        if isinstance(widget, ArrowButton):
            assert not widget.shown, "the screen does not fit without scrolling (only large print may scroll)"


def shoot_both(root: KioskRoot, name: str, language: str) -> None:
    for size, suffix in ((PORTRAIT, ""), (LANDSCAPE, "-landscape")):
        resize(root, size)
        check_screen(root, language)
        shoot(root, f"{name}-{language}{suffix}")
    resize(root, PORTRAIT)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_screen_in_three_scripts(language):
    load_layout()
    rig = make_rig(api=FakeApi(services_list=demo_services()))
    root = KioskRoot(rig.controller)
    rig.controller.on_view = root.show
    with staged(root):
        rig.controller.start()
        rig.settle()
        while rig.controller.view().greeting_language != language:
            rig.scheduler.advance(3.0)
        shoot_both(root, "start", language)

        tap(find(root, LanguageButton, code=language))
        rig.settle()
        assert rig.controller.screen == Screen.CONCERNS
        frames()
        shoot_both(root, "concerns", language)
        full = find(root, ConcernButton, service_id="einbuergerung")
        assert not full.available
        tap(full)
        assert rig.controller.screen == Screen.CONCERNS  # greyed out: nothing happens

        tap(find(root, ConcernButton, service_id="notfall"))
        assert rig.controller.screen == Screen.ISSUING
        rig.scheduler.advance(0.6)  # long enough for "one moment, please"
        shoot_both(root, "issuing", language)
        rig.settle()
        assert rig.controller.screen == Screen.TICKET
        shoot_both(root, "ticket", language)

        rig.controller.finish_ticket()
        rig.printer.state = PrinterStatus.PAPER_OUT
        rig.controller.choose_language(language)
        rig.controller.choose_service("notfall")
        rig.settle()
        shoot_both(root, "ticket-photo", language)

        rig.controller.finish_ticket()
        rig.api.down = True
        rig.scheduler.advance(1.0)
        rig.settle()
        assert rig.controller.screen == Screen.OUT_OF_SERVICE
        shoot_both(root, "out-of-service", language)

        rig.api.down = False
        rig.scheduler.advance(1.0)
        rig.settle()
        for _ in range(5):
            tap_at(20, root.top - 20)
        assert rig.controller.screen == Screen.STAFF_PIN
        shoot_both(root, "staff-pin", language)
    rig.controller.stop()


def test_half_size_demo_window_works_the_same():
    """`make demo` runs the kiosk in a 540x960 window: every screen must come up at half scale too."""
    load_layout()
    rig = make_rig(api=FakeApi(services_list=demo_services()))
    root = KioskRoot(rig.controller)
    rig.controller.on_view = root.show
    with staged(root, (540, 960)):
        rig.controller.start()
        rig.settle()
        tap(find(root, LanguageButton, code="de"))
        rig.settle()
        frames()
        check_screen(root, "de")
        tap(find(root, ConcernButton, service_id="notfall"))
        rig.settle()
        frames()
        assert rig.controller.screen == Screen.TICKET
        check_screen(root, "de")
        shoot(root, "ticket-de-540x960")
    rig.controller.stop()


@pytest.mark.parametrize(
    ("size", "large_print"),
    [(PORTRAIT, False), (LANDSCAPE, False), ((540, 960), False), (PORTRAIT, True)],
    ids=["portrait", "landscape", "demo-window", "large-print"],
)
def test_no_language_button_moves_while_the_heading_cycles(size, large_print):
    """Issue 14: the heading changed between one and two lines and every button jumped ~45 px under the finger."""
    load_layout()
    rig = make_rig()
    root = KioskRoot(rig.controller)
    rig.controller.on_view = lambda view: (rig.views.append(view), root.show(view))
    with staged(root, size):
        rig.controller.start()
        rig.settle()
        if large_print:
            rig.controller.toggle_large_print()
        frames(5)
        places: dict[str, set[tuple]] = {}
        for _ in range(len(rig.controller.settings.languages) + 1):  # once round, and into the next round
            frames(3)
            for button in root.walk(restrict=True):
                if isinstance(button, LanguageButton | KioskButton) and button.choice_id:
                    places.setdefault(button.choice_id, set()).add((*button.to_window(*button.pos), *button.size))
            rig.scheduler.advance(3.0)
        shown = {view.greeting_language for view in rig.views if view.screen == Screen.START}
        assert shown == set(rig.controller.settings.languages)  # the heading went through every language
        assert len(places) == 8  # seven languages and large print
        moved = {choice: spots for choice, spots in places.items() if len(spots) > 1}
        assert not moved, f"moved while the heading cycled: {moved}"
    rig.controller.stop()

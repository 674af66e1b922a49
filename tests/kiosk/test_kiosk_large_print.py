"""Large print: every visitor screen with text at least twice its size, nothing clipped, in three scripts.

Driven by keys (so the focus ring shows in the screenshots: artifacts/screenshots/kiosk/large-*.png).
What does not fit the screen any more scrolls: the ring's choice is scrolled into view, and arrow
buttons page for a visitor who touches (no swipe needed).
"""

from __future__ import annotations

import pytest
from kiosk_fakes import FakeApi
from kiosk_rig import make_guided_rig
from kivy.core.text import Label as CoreLabel
from kivy.uix.scrollview import ScrollView
from kivy_stage import LANDSCAPE, PORTRAIT, find, frames, resize, shoot, staged, tap
from test_kiosk_screens import demo_services

from kiosk.screens import ArrowButton, KioskButton, KioskLabel, KioskRoot, LanguageButton, load_layout
from kiosk.views import Screen
from printer.status import PrinterStatus
from wartemarke.rtl import shape

pytestmark = pytest.mark.kivy


def in_scroll_area(widget) -> bool:
    parent = widget.parent
    while parent is not None and not isinstance(parent, KioskRoot):
        if isinstance(parent, ScrollView):
            return True
        parent = parent.parent
    return False


def longest_word(widget, text: str) -> float:
    measure = CoreLabel(font_name=widget.font_name, font_size=widget.font_size, bold=widget.bold)
    return max(measure.get_extents(shape(word))[0] for word in text.split())


def assert_nothing_clipped(root: KioskRoot) -> None:
    """Every text fits its box (width and height) with no word broken, and what does not scroll is on the screen."""
    for widget in root.walk(restrict=True):
        text = widget.source if isinstance(widget, KioskLabel) else getattr(widget, "label", "")
        if not isinstance(widget, KioskLabel | KioskButton) or not text or not widget.opacity:
            continue
        assert widget.texture_size[0] <= widget.width + 1, f"too wide for its box: {text!r}"
        assert widget.texture_size[1] <= widget.height + 1, f"too tall for its box: {text!r}"
        assert longest_word(widget, text) <= widget.text_size[0] + 1, f"a word broken in two: {text!r}"
        x, y = widget.to_window(*widget.pos)
        assert root.x - 1 <= x and x + widget.width <= root.right + 1, f"off the screen sideways: {text!r}"
        if not in_scroll_area(widget):
            assert root.y - 1 <= y and y + widget.height <= root.top + 1, f"off the screen: {text!r}"


def font_sizes(root: KioskRoot) -> dict[int, tuple[str, float]]:
    """Text and font size of every label and button with text, by widget."""
    sizes = {}
    for widget in root.walk(restrict=True):
        text = widget.source if isinstance(widget, KioskLabel) else getattr(widget, "label", "")
        if isinstance(widget, KioskLabel | KioskButton) and text:
            sizes[id(widget)] = (text, widget.font_size)
    return sizes


def check(root: KioskRoot, name: str, language: str) -> None:
    for size, suffix in ((PORTRAIT, ""), (LANDSCAPE, "-landscape")):
        resize(root, size)
        frames(5)
        assert_nothing_clipped(root)
        shoot(root, f"large-{name}-{language}{suffix}")
    resize(root, PORTRAIT)


@pytest.mark.parametrize("language", ["de", "uk", "ar"])
def test_every_screen_in_large_print_fits_in_three_scripts(language):
    load_layout()
    rig = make_guided_rig(api=FakeApi(services_list=demo_services()))
    root = KioskRoot(rig.controller)
    show = rig.controller.on_view

    def draw(view) -> None:
        show(view)
        root.show(view)

    rig.controller.on_view = draw
    with staged(root):
        rig.controller.choose_language(language)
        rig.settle()
        frames(5)
        normal = font_sizes(root)
        rig.press("f2")
        frames(5)
        large = font_sizes(root)
        for key, (text, size) in normal.items():
            assert large[key][1] >= 2 * size - 0.5, f"not twice its size in large print: {text!r}"
        check(root, "concerns", language)
        for _ in range(4):
            rig.press("down")  # the ring down to the last concern (past a full one's slot), far below the screen's edge
        assert rig.view.focus == "service:ukraine"
        frames(5)
        ring, area = find(root, KioskButton, choice_id="service:ukraine"), find(root, ScrollView)
        assert area.to_window(*area.pos)[1] <= ring.to_window(*ring.pos)[1]  # scrolled into view
        assert ring.to_window(ring.x, ring.top)[1] <= area.to_window(area.x, area.top)[1]
        shoot(root, f"large-concerns-ring-below-{language}")

        rig.press("backspace")
        assert rig.view.screen == Screen.START and rig.view.large_print
        while rig.view.greeting_language != language:
            rig.scheduler.advance(3.0)
        check(root, "start", language)

        while rig.view.focus != f"language:{language}":
            rig.press("down")
        rig.press("enter")
        rig.press("enter")
        rig.settle()
        assert rig.view.screen == Screen.TICKET
        check(root, "ticket", language)

        rig.controller.finish_ticket()
        rig.press("f2")
        rig.printer.state = PrinterStatus.PAPER_OUT
        rig.controller.choose_language(language)
        rig.controller.choose_service("notfall")
        rig.settle()
        check(root, "ticket-photo", language)

        rig.scheduler.advance(75)  # the photo's 90 s end in 20 s: the warning, in large print too
        assert rig.view.banner
        check(root, "warning", language)
        rig.press("f1")
        rig.press("f1")  # speech is on: the key help
        assert rig.view.banner.count("\n") == 5
        check(root, "key-help", language)

        rig.controller.finish_ticket()
        rig.press("f2")  # the next visitor asks for large print and finds the kiosk out of service
        rig.api.down = True
        rig.scheduler.advance(1.0)
        rig.settle()
        assert rig.view.screen == Screen.OUT_OF_SERVICE
        check(root, "out-of-service", language)
    rig.controller.stop()


def test_a_visitor_who_touches_pages_with_the_arrows_instead_of_swiping():
    load_layout()
    rig = make_guided_rig(api=FakeApi(services_list=demo_services()))
    root = KioskRoot(rig.controller)
    show = rig.controller.on_view
    rig.controller.on_view = lambda view: (show(view), root.show(view))
    with staged(root):
        rig.controller.activate("large_print")
        tap(find(root, LanguageButton, code="de"))
        rig.settle()
        frames(5)
        down = next(w for w in root.walk(restrict=True) if isinstance(w, ArrowButton) and w.direction > 0)
        up = next(w for w in root.walk(restrict=True) if isinstance(w, ArrowButton) and w.direction < 0)
        assert down.shown and not up.shown  # more below, nothing above
        tap(down)
        frames(3)
        assert up.shown
        last = find(root, KioskButton, choice_id="service:ukraine")
        while down.shown:
            tap(down)
            frames(3)
        tap(last)  # reached by paging, chosen by a tap: nothing happens, it is closed
        assert rig.controller.screen == Screen.CONCERNS
        tap(find(root, KioskButton, choice_id="service:notfall")) if not up.shown else None
    rig.controller.stop()

"""The board rendered offscreen, landscape and portrait, in a Latin, a Cyrillic and a right-to-left language.

Screenshots go to artifacts/screenshots/display/board-<orientation>-<lang>.png for a person to
look at; the assertions check what the waiting room would notice: a number readable across the
room, the connection-lost mark, translated and mirrored labels.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from display_fakes import T0, TUESDAY_SLOT, FakeClock, board_call, called, service, snapshot

pytestmark = pytest.mark.kivy

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" / "display"
SIZES = {"landscape": (1920, 1080), "portrait": (1080, 1920)}
NOTICE = {
    "de": "Bitte halten Sie Ihren Ausweis und Ihr Ticket bereit.",
    "uk": "Будь ласка, підготуйте документ і талон.",
    "ar": "يرجى تجهيز بطاقة الهوية والتذكرة.",
}


def frames(n: int = 3) -> None:
    """Full frames: layout, kv canvas updates (Builder.sync) and drawing, as the app's loop does."""
    from kivy.base import EventLoop

    for _ in range(n):
        EventLoop.idle()


@pytest.fixture
def window():
    from kivy.core.window import Window

    old_size = Window.size
    yield Window
    Window.size = old_size


def session_for(language: str, clock: FakeClock):
    from display.board_screen import BoardScreen
    from display.config import DisplayConfig
    from display.session import DisplaySession

    config = DisplayConfig.model_validate(
        {
            "server": {"token_file": "unused"},
            "board": {"languages": [language], "notice": NOTICE},
        }
    )
    screen = BoardScreen(history=config.board.history)
    session = DisplaySession(config, screen, None, now=clock)
    session.board.load_snapshot(
        snapshot(
            calls=[board_call(f"A{i:03d}", str(i % 5 + 1), T0 + timedelta(seconds=i)) for i in range(8)],
            services=[
                service("notfall", waiting=9, remaining=63, wait={"low_min": 20, "high_min": 35}),
                service(
                    "aufenthalt",
                    waiting=14,
                    remaining=None,
                    wait={"low_min": 45, "high_min": 80},
                    names={"de": "Aufenthaltserlaubnis", "uk": "Дозвіл на проживання", "ar": "تصريح الإقامة"},
                ),
                service(
                    "einbuergerung",
                    waiting=2,
                    remaining=0,
                    wait=None,
                    names={"de": "Einbürgerung", "uk": "Натуралізація", "ar": "التجنس"},
                    next_later_slot=TUESDAY_SLOT,
                ),
            ],
        )
    )
    return session, screen


def glyph_height(screenshot: Path, label, background: tuple[int, int, int]) -> int:
    """Height in pixels of what is drawn inside `label`'s box, measured on the screenshot."""
    from PIL import Image, ImageChops

    image = Image.open(screenshot).convert("RGB")
    top = image.height - label.top  # Kivy counts y from the bottom, images from the top
    region = image.crop((int(label.x), int(top), int(label.right), int(top + label.height)))
    diff = ImageChops.difference(region, Image.new("RGB", region.size, background)).convert("L")
    box = diff.point(lambda v: 255 if v > 80 else 0).getbbox()
    return 0 if box is None else box[3] - box[1]


@pytest.mark.parametrize("orientation", ["landscape", "portrait"])
@pytest.mark.parametrize("language", ["de", "uk", "ar"])
def test_board_with_a_fresh_call(window, language, orientation):
    from display.palette import PALETTE

    window.size = SIZES[orientation]
    clock = FakeClock(T0 + timedelta(minutes=10))
    session, screen = session_for(language, clock)
    window.add_widget(screen)
    try:
        session.board.set_connected(True)
        session.pump([called(100, "N017", "5", at=clock.now)])
        frames()
        ids = screen.ids
        assert ids.current_number.text == "N017" and ids.current_counter.text == "5"
        assert screen.highlighted and ids.connection_lost.text == ""
        assert [row.ids.number.text for row in screen._history_rows][:2] == ["A007", "A006"]
        SHOTS.mkdir(parents=True, exist_ok=True)
        shot = SHOTS / f"board-{orientation}-{language}.png"
        screen.export_to_png(str(shot))
        amber = tuple(round(c * 255) for c in PALETTE.highlight[:3])
        height = glyph_height(shot, ids.current_number, amber)
        assert height >= window.height / 8
        if language == "ar":
            assert ids.clock.x < ids.date.x  # top bar mirrored
            assert ids.current_counter.x < ids.counter_label.x  # "الشباك 5" reads right to left
        else:
            assert ids.date.x < ids.clock.x
        clock.advance(9)
        session.tick()
        frames(1)
        assert not screen.highlighted  # the highlight ends after a few seconds
    finally:
        window.remove_widget(screen)


@pytest.mark.parametrize("language", ["de", "uk", "ar"])
def test_connection_lost_keeps_the_board_and_shows_the_mark(window, language):
    window.size = SIZES["landscape"]
    clock = FakeClock(T0 + timedelta(minutes=10))
    session, screen = session_for(language, clock)
    window.add_widget(screen)
    try:
        session.board.set_connected(True)
        session.pump([called(100, "N017", "5", at=clock.now)])
        session.board.set_connected(False)
        clock.advance(187)
        session.tick()
        frames()
        assert screen.ids.current_number.text == "N017"
        assert "3:07" in screen.ids.connection_lost.text and screen.ids.connection_lost.opacity == 1
        if language == "de":
            assert screen.ids.connection_lost.text == "Keine Verbindung seit 3:07"
        screen.export_to_png(str(SHOTS / f"board-offline-{language}.png"))
    finally:
        window.remove_widget(screen)


def tiles(screen) -> dict[str, tuple]:
    """Each earlier call shown: number -> (the tile's place, number before counter on screen, rtl)."""
    return {
        row.ids.number.text: ((round(row.x), round(row.y)), row.ids.number.x < row.ids.counter.x, row.rtl)
        for row in screen._history_rows
        if row.ids.number.text
    }


def arrow_points_right(row) -> bool:
    from kivy.graphics import Triangle

    triangle = next(i for i in row.ids.arrow.canvas.children if isinstance(i, Triangle))
    back_x, _, tip_x, *_ = triangle.points
    return tip_x > back_x


def test_earlier_calls_read_right_to_left_in_arabic_and_keep_their_places(window):
    window.size = SIZES["landscape"]
    clock = FakeClock(T0 + timedelta(minutes=10))
    session, screen = session_for("de", clock)
    window.add_widget(screen)
    try:
        session.board.set_connected(True)
        session.tick(force=True)
        frames()
        german = tiles(screen)
        assert len(german) == 7 and all(before and not rtl for _, before, rtl in german.values())
        assert all(arrow_points_right(row) for row in screen._history_rows)
        session.languages = ("ar",)
        session.tick(force=True)
        frames()
        arabic = tiles(screen)
        # Same tiles in the same places; inside each the number comes first from the right, "2 ◀ A001".
        assert {n: place for n, (place, _, _) in arabic.items()} == {n: place for n, (place, _, _) in german.items()}
        assert all(not before and rtl for _, before, rtl in arabic.values())
        assert not any(arrow_points_right(row) for row in screen._history_rows)
        screen.export_to_png(str(SHOTS / "board-earlier-calls-ar.png"))
        session.languages = ("de",)
        session.tick(force=True)
        frames()
        assert tiles(screen) == german  # and back, exactly as before
    finally:
        window.remove_widget(screen)


@pytest.mark.parametrize("language", ["de", "uk", "ar"])
def test_two_calls_a_moment_apart_are_both_lit_and_both_shown_big(window, language):
    window.size = SIZES["landscape"]
    clock = FakeClock(T0 + timedelta(minutes=10))
    session, screen = session_for(language, clock)
    window.add_widget(screen)
    try:
        session.board.set_connected(True)
        session.pump([called(100, "N004", "2", at=clock.now)])
        clock.advance(0.1)
        session.pump([called(101, "N005", "5", at=clock.now)])
        frames()
        assert screen.ids.current_number.text == "N004" and screen.highlighted
        waiting = next(row for row in screen._history_rows if row.ids.number.text == "N005")
        assert waiting.highlighted  # lit among the earlier calls until its turn
        screen.export_to_png(str(SHOTS / f"board-two-calls-{language}.png"))
        clock.advance(6)
        session.tick()
        frames()
        assert screen.ids.current_number.text == "N005" and screen.highlighted
        screen.export_to_png(str(SHOTS / f"board-two-calls-turn-{language}.png"))
    finally:
        window.remove_widget(screen)


@pytest.mark.parametrize("language", ["de", "uk", "ar"])
def test_a_no_show_leaves_the_big_panel_and_stays_among_the_earlier_calls(window, language):
    from display_fakes import updated

    from display.board_view import view_board

    window.size = SIZES["landscape"]
    clock = FakeClock(T0 + timedelta(minutes=10))
    session, screen = session_for(language, clock)
    window.add_widget(screen)
    try:
        session.board.set_connected(True)
        session.pump([called(100, "N017", "5", at=clock.now)])
        clock.advance(10)
        session.pump([updated(101, "N017", "no_show", "5", at=clock.now - timedelta(seconds=10))])
        frames()
        ids = screen.ids
        # The newest ticket still called (the snapshot's A007) is big again, unlit: it had its moment.
        assert ids.current_number.text == "A007" and not screen.highlighted
        assert ids.now_calling.text == view_board(session.board, language=language, now=clock.now).now_calling
        n017 = next(row for row in screen._history_rows if row.ids.number.text == "N017")
        assert not n017.highlighted
        screen.export_to_png(str(SHOTS / f"board-after-no-show-{language}.png"))
    finally:
        window.remove_widget(screen)

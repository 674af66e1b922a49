"""What the screen says, per language: translated, shaped, never a made-up wait."""

from __future__ import annotations

from datetime import timedelta

from display_fakes import T0, TUESDAY_SLOT, FakeClock, called, service, snapshot, updated

from display.board import Board
from display.board_view import cycling_language, duration_text, view_board
from display.burn_in import burn_in_offset
from wartemarke.fonts import FAMILIES
from wartemarke.rtl import shape


def board_with_services(clock: FakeClock) -> Board:
    board = Board(now=clock)
    board.load_snapshot(
        snapshot(
            calls=[],
            services=[
                service("notfall", waiting=9, remaining=63, wait={"low_min": 20, "high_min": 35}),
                service("ukraine", waiting=0, remaining=None, wait=None, names={"de": "Ukraine", "uk": "Україна"}),
                service(
                    "einbuergerung",
                    waiting=2,
                    remaining=0,
                    wait={"low_min": 10, "high_min": 10},
                    names={"de": "Einbürgerung"},
                ),
            ],
        )
    )
    return board


def test_german_board_figures():
    clock = FakeClock()
    board = board_with_services(clock)
    board.set_connected(True)
    board.apply(called(1, "N017", "5"))
    view = view_board(board, language="de", now=clock.now, notice="Bitte Ticket bereithalten")
    assert (view.now_calling, view.current.number, view.current.counter) == ("Jetzt aufgerufen", "N017", "5")
    assert view.current.highlighted
    rows = [(s.name, s.waiting, s.wait, s.slots) for s in view.services]
    assert rows == [
        ("Notfall", "9", "20–35 Min.", "63"),
        ("Ukraine", "0", "unbekannt", "—"),
        ("Einbürgerung", "2", "10 Min.", "keine mehr"),
    ]
    assert view.connection_lost == "" and view.notice == "Bitte Ticket bereithalten"
    assert view.date == "Samstag, 21. November 2026" and view.clock == "09:00"


def test_missing_translation_of_a_service_name_falls_back_to_german():
    view = view_board(board_with_services(FakeClock()), language="uk", now=T0)
    assert [s.name for s in view.services] == ["Термінова справа", "Україна", "Einbürgerung"]
    assert view.services[1].wait == "невідомо"


def test_arabic_is_shaped_and_marked_right_to_left():
    view = view_board(
        board_with_services(FakeClock()), language="ar", now=T0, notice={"de": "Bitte warten", "ar": "يرجى الانتظار"}
    )
    assert view.rtl and FAMILIES[view.font][0].name == "WartemarkeSansArabic-Regular.ttf"
    assert view.services[0].name == shape("حالة طارئة") != "حالة طارئة"
    assert view.notice == shape("يرجى الانتظار")


def test_connection_lost_mark_says_for_how_long():
    clock = FakeClock()
    board = board_with_services(clock)
    board.set_connected(False)
    view = view_board(board, language="de", now=clock.now + timedelta(minutes=3, seconds=7))
    assert view.connection_lost == "Keine Verbindung seit 3:07"
    assert duration_text(timedelta(hours=1, minutes=2, seconds=3)) == "1:02:03"


def test_labels_cycle_through_the_site_languages():
    languages = ["de", "en", "uk", "ar"]
    assert [cycling_language(languages, 6, t) for t in (0, 5.9, 6, 13, 24)] == ["de", "de", "en", "uk", "de"]


def test_the_board_drifts_over_hours_but_stays_within_a_few_pixels():
    offsets = {burn_in_offset(T0 + timedelta(minutes=m)) for m in range(0, 10 * 60, 3)}
    assert len(offsets) > 10
    assert all(abs(dx) <= 8 and abs(dy) <= 8 for dx, dy in offsets)


RAUM = {"de": "Raum 2.14", "en": "Room 2.14", "uk": "Кімната 2.14", "ar": "الغرفة 2.14"}
SCHALTER = {"de": "Schalter 3", "en": "Counter 3", "uk": "Віконце 3", "ar": "الشباك 3"}


def test_counters_are_named_in_the_language_the_board_shows():
    clock = FakeClock()
    board = board_with_services(clock)
    board.apply(called(1, "A001", "3", at=clock.now, counter_names=SCHALTER))
    board.apply(called(2, "N017", "R", at=clock.now, counter_names=RAUM))
    for language in ("de", "uk", "ar"):
        view = view_board(board, language=language, now=clock.now)
        # "Schalter 3" is "3" after the translated "Counter" heading, in every language.
        assert view.current.number == "A001" and view.current.counter == "3"
        room = view.history[0]
        assert room.number == "N017" and room.counter == shape(RAUM[language])
        assert FAMILIES[room.counter_font][0].name == (
            "WartemarkeSansArabic-Regular.ttf" if language == "ar" else "NotoSans-Regular.ttf"
        )


def test_the_big_panel_says_so_when_nobody_is_called_right_now():
    clock = FakeClock()
    board = board_with_services(clock)
    assert view_board(board, language="de", now=clock.now).now_calling == "Noch keine Aufrufe"
    board.apply(called(1, "N017", "5", at=clock.now))
    board.apply(updated(2, "N017", "serving", "5"))
    view = view_board(board, language="de", now=clock.now)
    assert view.current is None and [line.number for line in view.history] == ["N017"]
    assert view.now_calling == "Ihre Nummer erscheint hier"


def test_a_full_service_shows_its_next_guaranteed_slot_instead_of_none_left():
    board = Board(now=FakeClock())
    full = service("notfall", remaining=0, next_later_slot=TUESDAY_SLOT)
    board.load_snapshot(snapshot(calls=[], services=[full, service("aufenthalt", remaining=0)]))
    german = view_board(board, language="de", now=T0)
    assert [s.slots for s in german.services] == ["Termin: Di., 8:00 Uhr", "keine mehr"]
    assert view_board(board, language="uk", now=T0).services[0].slots == "прийом: вт, 8:00"
    assert view_board(board, language="ar", now=T0).services[0].slots == shape("موعد: الثلاثاء، 8:00")

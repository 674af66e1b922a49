"""Who is in the big "Now calling" panel: every fresh call gets its turn, only called tickets stay.

A morning rush (five counters calling within ten seconds) and a quiet afternoon (one call now and
then) on the same rules: fresh calls take the big panel one after another, in the order they were
called — the order the announcer speaks them — each for `turn` seconds; a call waiting for its turn
is highlighted among the earlier calls at once, so nobody has to wait to see their number lit.
"""

from __future__ import annotations

from datetime import timedelta

from display_fakes import FakeClock, called, recalled, updated

from display.board import Board

TURN = 6


def make_board(clock: FakeClock) -> Board:
    return Board(now=clock, highlight=timedelta(seconds=8), turn=timedelta(seconds=TURN))


def panel_over_time(board: Board, clock: FakeClock, seconds: int) -> list[str]:
    """The numbers the big panel showed, second by second, each once, in order."""
    shown: list[str] = []
    for _ in range(seconds):
        current = board.current
        if current is not None and (not shown or shown[-1] != current.number):
            shown.append(current.number)
        clock.advance(1)
    return shown


def highlighted(board: Board) -> set[str]:
    return {call.number for call in board.calls if board.is_highlighted(call)}


def test_two_calls_a_tenth_of_a_second_apart_both_get_the_big_panel():
    clock = FakeClock()
    board = make_board(clock)
    board.apply(called(1, "N004", "2", at=clock.now))
    clock.advance(0.1)
    board.apply(called(2, "N005", "5", at=clock.now))
    assert board.current.number == "N004"  # first called, first shown (and first spoken)
    assert highlighted(board) == {"N004", "N005"}  # the second is lit among the earlier calls already
    assert [call.number for call in board.history] == ["N005"]
    clock.advance(TURN)
    assert board.current.number == "N005" and board.is_highlighted(board.current)
    assert [call.number for call in board.history] == ["N004"]


def test_a_morning_rush_shows_every_call_big_in_the_order_spoken():
    clock = FakeClock()
    board = make_board(clock)
    rush = {0: ("N001", "1"), 2: ("A001", "3"), 4: ("N002", "2"), 7: ("U001", "5"), 9: ("N003", "4")}
    spoken: list[str] = []
    shown: list[str] = []
    for second in range(45):
        if second in rush:
            number, counter = rush[second]
            spoken += [a.number for a in board.apply(called(second + 1, number, counter, at=clock.now))]
            assert number in highlighted(board)  # lit from the moment it is called
        current = board.current.number
        if not shown or shown[-1] != current:
            shown.append(current)
        clock.advance(1)
    assert shown == spoken == ["N001", "A001", "N002", "U001", "N003"]
    assert highlighted(board) == set()  # and the rush is over: nothing stays lit


def test_a_quiet_afternoon_call_is_big_and_lit_at_once():
    clock = FakeClock()
    board = make_board(clock)
    board.apply(called(1, "N001", "1", at=clock.now))
    clock.advance(300)
    board.apply(called(2, "N002", "2", at=clock.now))
    assert board.current.number == "N002" and board.is_highlighted(board.current)
    clock.advance(9)
    assert board.current.number == "N002" and not board.is_highlighted(board.current)


def test_a_call_finished_before_its_turn_is_skipped():
    clock = FakeClock()
    board = make_board(clock)
    board.apply(called(1, "N001", "1", at=clock.now))
    board.apply(called(2, "N002", "2", at=clock.now))
    board.apply(called(3, "N003", "3", at=clock.now))
    board.apply(updated(4, "N002", "serving", "2"))  # the visitor was quicker than the board
    assert panel_over_time(board, clock, 20) == ["N001", "N003"]


def test_a_recall_gets_another_turn_after_the_calls_before_it():
    clock = FakeClock()
    board = make_board(clock)
    board.apply(called(1, "N001", "1", at=clock.now))
    clock.advance(30)
    board.apply(called(2, "N002", "2", at=clock.now))
    board.apply(recalled(3, "N001", "1", at=clock.now))
    assert panel_over_time(board, clock, 20) == ["N002", "N001"]


def test_no_show_finished_cancelled_and_served_tickets_leave_the_big_panel():
    for status in ("no_show", "done", "cancelled", "serving"):
        clock = FakeClock()
        board = make_board(clock)
        board.apply(called(1, "N001", "1", at=clock.now))
        clock.advance(60)
        board.apply(called(2, "N002", "2", at=clock.now))
        clock.advance(10)
        board.apply(updated(3, "N002", status, "2"))
        # The panel falls back to the newest ticket that is still called, or shows nobody.
        assert board.current is not None and board.current.number == "N001", status
        board.apply(updated(4, "N001", status, "1"))
        assert board.current is None, status
        if status == "cancelled":
            assert board.history == []
        else:
            # Earlier calls keep them: a visitor back from the corridor learns where to go, and a
            # late no-show can still be called at that counter.
            assert [call.number for call in board.history] == ["N002", "N001"], status
            assert not highlighted(board)

"""The board model: what the waiting room sees after calls, recalls, transfers and network trouble."""

from __future__ import annotations

import json
from datetime import timedelta

from display_fakes import T0, FakeClock, board_call, called, recalled, service, snapshot, ticket, updated

from client import Event
from client.event import decode_event
from display.board import Board
from display.live_feed import Snapshot, StreamState, apply_items


def make_board(clock: FakeClock, **kw) -> Board:
    return Board(now=clock, highlight=timedelta(seconds=8), **kw)


def numbers(board: Board) -> list[str]:
    return [c.number for c in board.calls]


def test_a_call_becomes_current_highlighted_and_announced_once():
    clock = FakeClock()
    board = make_board(clock)
    said = board.apply(called(1, "N017", "5"))
    assert [(a.number, a.counter_name, a.language) for a in said] == [("N017", "5", "uk")]
    assert board.current.number == "N017" and board.current.counter_name == "5"
    assert board.is_highlighted(board.current)
    clock.advance(9)
    assert not board.is_highlighted(board.current)


def test_newer_calls_push_older_ones_into_history_limited_to_eight():
    clock = FakeClock()
    board = make_board(clock, history=8)
    for i in range(12):
        board.apply(called(i + 1, f"A{i:03d}", str(i % 5 + 1), at=T0 + timedelta(seconds=i)))
    assert numbers(board) == [f"A{i:03d}" for i in range(11, 2, -1)]


def test_recall_moves_the_call_to_the_top_and_is_announced_again():
    clock = FakeClock()
    board = make_board(clock)
    board.apply(called(1, "N001", "1", at=T0))
    board.apply(called(2, "N002", "2", at=T0 + timedelta(seconds=30)))
    clock.advance(60)
    said = board.apply(recalled(3, "N001", "1", at=T0))  # server kept the original called_at
    assert [a.number for a in said] == ["N001"] and said[0].recall
    assert numbers(board) == ["N001", "N002"]
    assert board.is_highlighted(board.current)


def test_transfer_takes_the_number_off_the_board_until_it_is_called_again():
    clock = FakeClock()
    board = make_board(clock)
    board.apply(called(1, "N001", "1"))
    board.apply(updated(2, "N001", "waiting", counter=None, at=None, service="aufenthalt"))
    assert numbers(board) == []
    clock.advance(120)
    said = board.apply(called(3, "N001", "4", at=clock.now, service="aufenthalt"))
    assert [a.counter for a in said] == ["4"]
    assert board.current.counter == "4"


def test_finished_and_no_show_calls_stay_in_the_history():
    board = make_board(FakeClock())
    board.apply(called(1, "N001", "1"))
    board.apply(updated(2, "N001", "serving", "1"))
    board.apply(updated(3, "N001", "done", "1"))
    assert numbers(board) == ["N001"]


def test_duplicate_events_change_nothing_and_say_nothing():
    board = make_board(FakeClock())
    board.apply(called(7, "N001", "1"))
    version = board.version
    assert board.apply(called(7, "N001", "1")) == []
    assert board.apply(recalled(7, "N001", "1")) == []  # same id = same event, whatever it claims
    assert board.version == version


def test_a_late_older_call_goes_below_newer_ones_without_a_highlight_war():
    clock = FakeClock(T0 + timedelta(seconds=60))
    board = make_board(clock)
    board.apply(called(10, "N002", "2", at=T0 + timedelta(seconds=50)))
    board.apply(called(9, "N001", "1", at=T0 + timedelta(seconds=40)))  # arrives out of order
    assert numbers(board) == ["N002", "N001"]


def test_a_late_event_of_a_ticket_does_not_undo_a_newer_one():
    board = make_board(FakeClock())
    board.apply(called(5, "N001", "1"))
    board.apply(updated(7, "N001", "done", "1"))
    board.apply(updated(6, "N001", "serving", "1"))  # older, delivered late
    assert board.calls[0].status == "done"


def test_a_late_call_of_a_transferred_ticket_does_not_bring_it_back():
    board = make_board(FakeClock())
    board.apply(called(5, "N001", "1"))
    board.apply(updated(7, "N001", "waiting", counter=None, at=None))
    assert board.apply(called(5 + 100, "N001", "1", at=T0)) == []  # replay of the old call, new id
    assert numbers(board) == []


def test_snapshot_after_reconnect_fills_the_gap_and_the_replay_does_not_repeat_it():
    clock = FakeClock()
    board = make_board(clock)
    board.apply(called(1, "N001", "1"))
    board.set_connected(False)
    clock.advance(30)
    # While offline: N002 was called (event 2) and N001 finished. Reconnect: snapshot, then replay.
    missed_at = T0 + timedelta(seconds=20)
    said = board.load_snapshot(
        snapshot(calls=[board_call("N002", "2", missed_at), board_call("N001", "1", T0)], services=[service()])
    )
    assert [a.number for a in said] == ["N002"]
    assert board.apply(called(2, "N002", "2", at=missed_at)) == []
    assert numbers(board) == ["N002", "N001"]


def test_replay_first_then_snapshot_is_the_same_as_the_other_order():
    clock = FakeClock(T0 + timedelta(seconds=30))
    board = make_board(clock)
    missed_at = T0 + timedelta(seconds=20)
    said = board.apply(called(2, "N002", "2", at=missed_at))
    assert board.load_snapshot(snapshot(calls=[board_call("N002", "2", missed_at)], services=[])) == []
    assert [a.number for a in said] == ["N002"] and numbers(board) == ["N002"]


def test_snapshot_removes_calls_that_ended_while_disconnected():
    board = make_board(FakeClock())
    board.apply(called(1, "N001", "1"))
    board.load_snapshot(snapshot(calls=[], services=[]))
    assert board.current is None


def test_calls_replayed_long_after_they_happened_are_shown_but_not_spoken():
    clock = FakeClock(T0 + timedelta(minutes=20))
    board = make_board(clock, announce_within=timedelta(minutes=2))
    assert board.load_snapshot(snapshot(calls=[board_call("N001", "1", T0)], services=[])) == []
    assert board.apply(called(3, "N002", "2", at=T0 + timedelta(minutes=1))) == []
    assert numbers(board) == ["N002", "N001"]


def test_replayed_call_that_was_transferred_in_the_same_replay_is_not_announced():
    clock = FakeClock()
    board = make_board(clock)
    said = apply_items(
        board,
        [
            StreamState(True),
            Snapshot(snapshot(calls=[], services=[])),
            called(4, "N003", "3"),
            updated(5, "N003", "waiting", counter=None, at=None),
            called(6, "N004", "2"),
        ],
    )
    assert [a.number for a in said] == ["N004"]


def test_connection_lost_keeps_the_board_and_remembers_since_when():
    clock = FakeClock()
    board = make_board(clock)
    board.set_connected(True)
    board.apply(called(1, "N001", "1"))
    clock.advance(5)
    board.set_connected(False)
    clock.advance(60)
    board.set_connected(False)  # the stream reports again: the time since stays the first one
    assert numbers(board) == ["N001"]
    assert board.disconnected_since == T0 + timedelta(seconds=5)
    board.set_connected(True)
    assert board.disconnected_since is None


def test_service_updates_replace_figures_and_late_ones_are_ignored():
    board = make_board(FakeClock(), services=["notfall", "ukraine"])
    board.load_snapshot(
        snapshot(calls=[], services=[service("ukraine", remaining=None), service(waiting=3), service("aufenthalt")])
    )
    assert [s.id for s in board.services] == ["notfall", "ukraine"]  # configured order and choice
    board.apply(Event(10, "service.updated", service(waiting=5)))
    board.apply(Event(9, "service.updated", service(waiting=4)))
    assert board.services[0].waiting == 5


def test_counters_not_shown_here_are_ignored():
    board = make_board(FakeClock(), counters=["1", "2"])
    assert board.apply(called(1, "N001", "5")) == []
    board.apply(called(2, "N002", "2"))
    assert numbers(board) == ["N002"]
    board.apply(called(3, "N002", "5", at=T0 + timedelta(seconds=5)))  # re-called elsewhere: gone from here
    assert numbers(board) == []


def test_malformed_times_do_not_break_the_board(caplog):
    # The client's stream reads every event as it arrives (`decode_event`): one with a garbled or
    # zone-less time is logged and skipped there, so the board never sees it and the next one shows.
    board = make_board(FakeClock())
    for garbled in ("yesterday-ish", "2026-11-21T09:00:00"):
        data = json.dumps({**ticket("N001", "1"), "called_at": garbled})
        assert decode_event(1, "ticket.called", data) is None
    assert "skipped event 1 (ticket.called)" in caplog.text
    event = decode_event(2, "ticket.called", json.dumps(ticket("N001", "1")))
    assert [a.number for a in board.apply(event)] == ["N001"]
    assert board.current.number == "N001"


def test_memory_stays_flat_over_a_long_day():
    clock = FakeClock()
    board = make_board(clock, history=8)
    for i in range(5000):
        clock.advance(1)
        board.apply(called(2 * i + 1, f"A{i:04d}", "1", at=clock.now))
        board.apply(updated(2 * i + 2, f"A{i:04d}", "done", "1", at=clock.now))
    assert len(board.calls) == 9
    assert len(board._seen_set) <= 2048 and len(board._gone) <= 4096


def test_a_recall_missed_while_offline_is_said_once_whether_snapshot_or_replay_comes_first():
    recall_at = T0 + timedelta(seconds=50)
    for order in ("snapshot first", "replay first"):
        clock = FakeClock(T0 + timedelta(seconds=55))
        board = make_board(clock)
        board.apply(called(1, "N001", "1", at=T0))
        reload = Snapshot(snapshot(calls=[board_call("N001", "1", recall_at)], services=[]))
        replay = recalled(2, "N001", "1", at=recall_at)  # the server moves called_at on a recall
        items = [reload, replay] if order == "snapshot first" else [replay, reload]
        said = apply_items(board, [StreamState(True), *items])
        assert [a.number for a in said] == ["N001"], order


def test_a_recall_that_keeps_called_at_is_still_said_again():
    board = make_board(FakeClock())
    board.apply(called(1, "N001", "1", at=T0))
    assert [a.recall for a in board.apply(recalled(2, "N001", "1", at=T0))] == [True]

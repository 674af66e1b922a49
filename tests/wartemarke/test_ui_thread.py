"""The bridge from background work to the UI thread, without Kivy: this test's thread is the UI thread."""

from __future__ import annotations

import threading
import time

from wartemarke.ui_thread import Batches, Lanes, Outcome, UiThread

WAIT = 10.0


def run_until(ui: UiThread, condition, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "nothing arrived in time"
        ui.run_pending(timeout=deadline - time.monotonic())


def test_outcomes_come_back_on_the_ui_thread_in_lane_order():
    ui = UiThread()
    lanes = Lanes(ui, "test")
    seen: list[tuple[str, object, str]] = []

    def record(label: str):
        return lambda outcome: seen.append((label, outcome.value, threading.current_thread().name))

    for n in range(3):
        lanes.run("printer", lambda n=n: (time.sleep(0.01 * (3 - n)), n)[1], record("printer"))
    run_until(ui, lambda: len(seen) == 3)
    assert [value for _, value, _ in seen] == [0, 1, 2]  # one after another, even when later ones are quicker
    assert {thread for _, _, thread in seen} == {threading.current_thread().name}
    lanes.stop()


def test_a_hanging_lane_does_not_hold_up_another():
    ui = UiThread()
    lanes = Lanes(ui)
    release = threading.Event()
    done: list[str] = []
    lanes.run("issue", lambda: release.wait(WAIT), lambda _o: done.append("issue"))
    lanes.run("probe", lambda: "ok", lambda _o: done.append("probe"))
    run_until(ui, lambda: done == ["probe"])
    release.set()
    run_until(ui, lambda: done == ["probe", "issue"])
    lanes.stop()


def test_a_failing_job_is_an_outcome_or_a_log_line_never_a_crash(caplog):
    ui = UiThread()
    lanes = Lanes(ui, "test")
    outcomes: list[Outcome] = []

    def fail() -> None:
        raise OSError("printer unplugged")

    lanes.run("printer", fail, outcomes.append)
    lanes.run("printer", fail)  # nobody asks: logged
    lanes.run("printer", lambda: "after", outcomes.append)
    run_until(ui, lambda: len(outcomes) == 2)
    assert not outcomes[0].ok and isinstance(outcomes[0].error, OSError)
    assert outcomes[1].ok and outcomes[1].value == "after"
    assert "lane 'printer' failed" in caplog.text
    lanes.stop()


def test_nothing_is_delivered_after_stop():
    ui = UiThread()
    lanes = Lanes(ui)
    started, release = threading.Event(), threading.Event()
    lanes.run("slow", lambda: (started.set(), release.wait(WAIT)), lambda _o: (_ for _ in ()).throw(AssertionError))
    started.wait(WAIT)
    lanes.stop()
    release.set()
    lanes.run("slow", lambda: None, lambda _o: (_ for _ in ()).throw(AssertionError))
    assert ui.run_pending(timeout=0.2) == 0


def test_posting_wakes_the_ui_thread_and_a_failing_callback_spares_the_rest(caplog):
    woken = threading.Event()
    ui = UiThread(wake=woken.set)
    ran: list[int] = []
    threading.Thread(target=ui.call_soon, args=(lambda: ran.append(1),)).start()
    assert woken.wait(WAIT)
    ui.call_soon(lambda: 1 / 0)
    ui.call_soon(lambda: ran.append(2))
    run_until(ui, lambda: ran == [1, 2])
    assert "callback on the UI thread failed" in caplog.text


def test_batches_hand_over_everything_that_arrived_since_the_last_delivery():
    ui = UiThread()
    delivered: list[list[int]] = []
    batches = Batches(ui, delivered.append)
    for item in (1, 2, 3):
        batches.put(item)
    ui.run_pending()
    batches.put(4)
    ui.run_pending()
    assert delivered == [[1, 2, 3], [4]]

"""The wait estimate as plain functions: what a visitor reading it would notice. No database, no timing."""

from __future__ import annotations

import math
import random
from datetime import UTC, date, datetime, timedelta

import pytest

from server.rules.pace import (
    CounterCall,
    History,
    Pace,
    Taken,
    call_minutes,
    day_calls,
    learn_pace,
    remembered,
    residual_minutes,
)
from server.rules.wait_estimate import OpenCounter, WaitModel, counter_shares, estimate_wait

OPENING = datetime(2026, 3, 2, 7, 30, tzinfo=UTC)
PACE = Pace(minutes=18.0, cv=0.8, doubt=0.1)
FOUR_BUSY = [OpenCounter(1.0, 9.0)] * 4


def midpoint(estimate) -> float:
    return (estimate.low_min + estimate.high_min) / 2


def minutes(value: float) -> timedelta:
    return timedelta(minutes=value)


class TestTheRange:
    def test_an_open_counter_gives_an_estimate_and_none_gives_unknown_never_zero(self):
        assert estimate_wait(5, PACE, FOUR_BUSY) is not None
        assert estimate_wait(5, PACE, []) is None
        assert estimate_wait(5, PACE, [OpenCounter(0.0, 0.0)]) is None

    def test_it_grows_with_the_people_ahead(self):
        estimates = [estimate_wait(ahead, PACE, FOUR_BUSY) for ahead in range(0, 60, 3)]
        mids = [midpoint(e) for e in estimates]
        assert mids == sorted(mids) and mids[-1] > mids[0]
        assert all(later.high_min >= earlier.high_min for earlier, later in zip(estimates, estimates[1:], strict=False))

    def test_it_is_about_people_ahead_times_pace_over_counters(self):
        far_back = estimate_wait(39, PACE, FOUR_BUSY)
        assert far_back.low_min <= 40 * 18 / 4 <= far_back.high_min

    def test_more_counters_mean_a_shorter_wait(self):
        one, three = (
            estimate_wait(9, PACE, [OpenCounter(1.0, 9.0)]),
            estimate_wait(9, PACE, [OpenCounter(1.0, 9.0)] * 3),
        )
        assert three.high_min < one.high_min and midpoint(three) < midpoint(one)

    def test_the_range_widens_with_the_people_ahead_but_less_than_in_proportion(self):
        near, far = estimate_wait(4, PACE, FOUR_BUSY), estimate_wait(40, PACE, FOUR_BUSY)
        near_width, far_width = near.high_min - near.low_min, far.high_min - far.low_min
        assert far_width > near_width
        assert far_width / midpoint(far) < near_width / midpoint(near)  # relatively narrower far back

    def test_the_range_widens_when_the_pace_is_less_certain(self):
        sure, unsure = Pace(18.0, 0.8, 0.05), Pace(18.0, 0.8, 0.3)
        a, b = estimate_wait(20, sure, FOUR_BUSY), estimate_wait(20, unsure, FOUR_BUSY)
        assert b.high_min - b.low_min > a.high_min - a.low_min

    def test_next_in_line_is_told_less_than_one_visit_not_a_long_range(self):
        # Four counters, each halfway through a visit: the next person goes to the first one free.
        next_up = estimate_wait(0, PACE, FOUR_BUSY)
        assert next_up.high_min <= PACE.minutes
        assert next_up.low_min <= 9

    def test_a_free_counter_means_now_or_almost(self):
        now = estimate_wait(0, PACE, [OpenCounter(1.0, 0.0), OpenCounter(1.0, 12.0)])
        assert now.low_min == 0 and now.high_min <= 2

    def test_never_a_range_of_nothing(self):
        for ahead in range(5):
            estimate = estimate_wait(ahead, PACE, [OpenCounter(1.0, 0.0)] * 4)
            assert estimate.high_min >= 1 and estimate.high_min > estimate.low_min

    def test_a_counter_about_to_finish_calls_the_next_person_sooner(self):
        just_started = estimate_wait(0, PACE, [OpenCounter(1.0, residual_minutes(0, 18, 0.8))])
        long_under_way = estimate_wait(0, PACE, [OpenCounter(1.0, residual_minutes(15, 18, 0.8))])
        assert midpoint(long_under_way) < midpoint(just_started)


def morning_calls(pace: float, counters: int, until: float, seed: int = 1) -> list[CounterCall]:
    """Counters calling one after another from opening, visits of mean `pace` (some very short)."""
    rng = random.Random(seed)
    visit_mean = (pace - 0.1 * 2.0) / 0.9  # a tenth are no-shows of two minutes
    calls = []
    for counter in range(1, counters + 1):
        moment = 0.0
        while moment < until:
            no_show = rng.random() < 0.1
            length = 2.0 if no_show else rng.lognormvariate(math.log(visit_mean) - 0.18, 0.6)
            ends = moment + length
            finished = OPENING + minutes(ends) if ends <= until else None
            calls.append(
                CounterCall("n", str(counter), OPENING + minutes(moment), finished, no_show and bool(finished))
            )
            moment = ends
    return calls


class TestLearningThePace:
    def test_without_calls_the_configured_visit_length_is_the_visit(self):
        pace = learn_pace(15.0, None, None, [])
        # A call is a visit or, about one time in ten, a couple of minutes waiting for nobody.
        visit = (pace.minutes - pace.no_show_share * pace.no_show_minutes) / (1 - pace.no_show_share)
        assert visit == pytest.approx(15.0)
        assert pace.minutes < 15.0

    def test_one_long_visit_does_not_swing_it(self):
        assert 15 < learn_pace(15.0, None, Taken(visits=[60.0]), []).minutes < 25

    @pytest.mark.parametrize("configured", [12.0, 25.0])
    def test_a_wrong_configured_length_is_learned_within_the_morning(self, configured):
        calls = morning_calls(pace=18.0, counters=4, until=180)
        taken = call_minutes(calls)["n"]
        finished = taken.visits + taken.no_shows
        true_pace = sum(finished) / len(finished)
        elapsed = [180 - (c.called_at - OPENING).total_seconds() / 60 for c in calls if c.finished_at is None]
        learned = learn_pace(configured, None, taken, elapsed).minutes
        assert abs(learned - true_pace) < abs(configured - true_pace) / 3

    def test_visits_under_way_keep_the_early_morning_from_looking_fast(self):
        # Half an hour in: two short visits ended, four have been going on for 25 minutes.
        with_under_way = learn_pace(20.0, None, Taken(visits=[4.0, 6.0]), [25.0] * 4).minutes
        finished_only = learn_pace(20.0, None, Taken(visits=[4.0, 6.0]), []).minutes
        assert finished_only < 17 < with_under_way

    def test_todays_no_shows_make_the_pace_quicker(self):
        came = learn_pace(20.0, None, Taken(visits=[20.0] * 10), []).minutes
        many_missed = learn_pace(20.0, None, Taken(visits=[20.0] * 10, no_shows=[2.0] * 10), []).minutes
        assert many_missed < came - 3

    def test_a_long_history_outweighs_the_configuration_and_today_moves_it_slowly(self):
        history = History(visit=18.0, visit_cv=0.7, visits=500, no_show_share=0.0, no_show_minutes=2.0, calls=500)
        assert learn_pace(30.0, history, None, []).minutes == pytest.approx(18.0)
        assert 18 < learn_pace(30.0, history, Taken(visits=[25.0] * 10), []).minutes < 21

    def test_more_calls_make_the_pace_more_certain(self):
        many, few = Taken(visits=[18.0] * 50), Taken(visits=[18.0] * 5)
        assert learn_pace(18.0, None, many, []).doubt < learn_pace(18.0, None, few, []).doubt

    def test_a_call_under_way_for_long_is_a_visit_not_a_no_show(self):
        pace = learn_pace(20.0, None, None, [])
        # Just called: it may yet be a no-show, which ends soon; ten minutes in, it is a visit.
        assert pace.residual(0.5) < pace.residual(10.0) + 10.0


class TestWhatACallTook:
    def test_a_call_lasts_until_the_next_call_when_that_came_promptly(self):
        calls = [
            CounterCall("n", "1", OPENING, OPENING + minutes(10)),
            CounterCall("n", "1", OPENING + minutes(11), OPENING + minutes(30)),
        ]
        assert call_minutes(calls)["n"].visits == [pytest.approx(11.0), pytest.approx(19.0)]

    def test_a_break_between_calls_is_not_part_of_the_pace(self):
        calls = [
            CounterCall("n", "1", OPENING, OPENING + minutes(10)),
            CounterCall("n", "1", OPENING + minutes(70), OPENING + minutes(80)),
        ]
        assert call_minutes(calls)["n"].visits == [pytest.approx(10.0), pytest.approx(10.0)]

    def test_no_shows_are_counted_apart_from_visits(self):
        calls = [
            CounterCall("n", "1", OPENING, OPENING + minutes(2), no_show=True),
            CounterCall("n", "1", OPENING + minutes(2), OPENING + minutes(20)),
        ]
        taken = call_minutes(calls)["n"]
        assert taken.no_shows == [pytest.approx(2.0)] and taken.visits == [pytest.approx(18.0)]

    def test_a_visit_under_way_has_no_length_yet_but_marks_its_counter_busy(self):
        today = day_calls([CounterCall("n", "2", OPENING, None)])
        assert today.taken == {} and today.busy == {"2": ("n", OPENING)}


class TestRemembering:
    def taken(self, pace: float, count: int) -> dict[str, Taken]:
        return {"n": Taken(visits=[pace] * (count - 1) + [pace * 1.5])}

    def test_the_same_weekday_is_preferred_when_it_holds_enough_calls(self):
        today = date(2026, 3, 16)  # a Monday
        days = {
            date(2026, 3, 9): self.taken(30.0, 200),  # Monday
            date(2026, 3, 10): self.taken(10.0, 200),  # Tuesday
            date(2026, 3, 13): self.taken(10.0, 200),  # Friday
        }
        assert remembered(days, today)["n"].visit == pytest.approx(30.0, rel=0.01)

    def test_otherwise_every_recent_day_counts(self):
        today = date(2026, 3, 16)
        days = {date(2026, 3, 9): self.taken(30.0, 20), date(2026, 3, 10): self.taken(10.0, 20)}
        assert 15 < remembered(days, today)["n"].visit < 25

    def test_earlier_days_no_shows_are_remembered_as_a_share(self):
        today = date(2026, 3, 16)
        days = {date(2026, 3, 9): {"n": Taken(visits=[20.0] * 80, no_shows=[3.0] * 20)}}
        history = remembered(days, today)["n"]
        assert history.no_show_share == pytest.approx(0.2) and history.no_show_minutes == pytest.approx(3.0)

    def test_today_and_long_ago_are_not_history(self):
        today = date(2026, 3, 16)
        days = {today: self.taken(30.0, 100), date(2025, 1, 6): self.taken(30.0, 100)}
        assert remembered(days, today) == {}


class TestSharedCounters:
    def test_a_counter_serving_one_queue_alone_gives_it_all_its_time(self):
        shares = counter_shares({"1": ["n"], "3": ["n", "u"]}, {"n": 100.0, "u": 0.0})
        assert shares["1"]["n"] == 1.0 and shares["3"]["n"] == 1.0 and shares["3"]["u"] == 0.0

    def test_work_spreads_so_that_the_queues_end_together(self):
        # Two counters for the long queue only, two shared with a short one served nowhere else.
        services = {"1": ["n"], "2": ["n"], "3": ["n", "u"], "4": ["n", "u"]}
        shares = counter_shares(services, {"n": 900.0, "u": 300.0})
        # 1200 minutes over 4 counters: 300 each; the short queue's 300 go to counters 3 and 4.
        assert shares["3"]["u"] == pytest.approx(0.5, abs=0.02)
        assert shares["1"]["n"] == 1.0

    def test_a_ticket_whose_only_counters_are_shared_waits_for_the_older_tickets_there(self):
        counters = {"1": ["n"], "2": ["n"], "3": ["n", "u"], "4": ["n", "u"]}
        model = WaitModel({"n": 20.0, "u": 10.0}, counters, day_calls([]), {}, OPENING)
        open_counters = {"1", "2", "3", "4"}
        alone = model.wait("u", 0, {"n": 0, "u": 0}, open_counters)
        behind_long_queue = model.wait("u", 0, {"n": 40, "u": 0}, open_counters)
        assert midpoint(behind_long_queue) > midpoint(alone) + 60
        assert model.wait("u", 0, {"n": 40}, {"1", "2"}) is None  # no counter for it is open


class TestOneMomentsModel:
    def test_every_part_reads_the_same_estimate_for_the_same_moment(self):
        calls = morning_calls(pace=18.0, counters=4, until=60)
        model = WaitModel(
            {"n": 20.0}, {str(c): ["n"] for c in range(1, 5)}, day_calls(calls), {}, OPENING + minutes(60)
        )
        again = WaitModel(
            {"n": 20.0}, {str(c): ["n"] for c in range(1, 5)}, day_calls(calls), {}, OPENING + minutes(60)
        )
        open_counters = {"1", "2", "3", "4"}
        assert model.wait("n", 12, {"n": 30}, open_counters) == again.wait("n", 12, {"n": 30}, open_counters)

    def test_a_closed_counter_no_longer_counts(self):
        model = WaitModel({"n": 20.0}, {str(c): ["n"] for c in range(1, 5)}, day_calls([]), {}, OPENING)
        four = model.wait("n", 20, {"n": 21}, {"1", "2", "3", "4"})
        three = model.wait("n", 20, {"n": 21}, {"1", "2", "3"})
        assert midpoint(three) > midpoint(four)

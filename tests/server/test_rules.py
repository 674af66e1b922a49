"""The queue's rules as plain functions: no database, no HTTP."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from launcher.live_server import ROOT
from server.config import SiteInfo, load_site_config
from server.rules.calling import QueuedTicket, choose_next
from server.rules.errors import InvalidCode, InvalidTransition
from server.rules.service_day import ClosedReason, availability, next_opening, service_day
from server.rules.ticket_codes import new_token, verify_token
from server.rules.ticket_rules import Action, TicketStatus, format_number, next_status

BERLIN = ZoneInfo("Europe/Berlin")
SITE = load_site_config(ROOT / "config" / "site.toml")


def berlin(*args: int) -> datetime:
    return datetime(*args, tzinfo=BERLIN)


class TestServiceDay:
    def test_a_ticket_after_local_midnight_belongs_to_the_new_day_even_though_utc_is_still_yesterday(self):
        # 00:30 in Berlin in winter is 23:30 UTC of the previous date.
        moment = berlin(2026, 11, 24, 0, 30)
        assert moment.astimezone(UTC).date() == date(2026, 11, 23)
        assert service_day(moment, SITE.site) == date(2026, 11, 24)

    def test_the_last_minute_before_midnight_is_still_the_old_day(self):
        assert service_day(berlin(2026, 11, 23, 23, 59), SITE.site) == date(2026, 11, 23)

    @pytest.mark.parametrize(
        "utc_moment, expected",
        [
            # Spring forward (29 March 2026, 02:00 -> 03:00): the day has 23 hours.
            (datetime(2026, 3, 28, 22, 59, tzinfo=UTC), date(2026, 3, 28)),
            (datetime(2026, 3, 28, 23, 0, tzinfo=UTC), date(2026, 3, 29)),
            (datetime(2026, 3, 29, 21, 59, tzinfo=UTC), date(2026, 3, 29)),
            (datetime(2026, 3, 29, 22, 0, tzinfo=UTC), date(2026, 3, 30)),
            # Fall back (25 October 2026, 03:00 -> 02:00): the day has 25 hours.
            (datetime(2026, 10, 24, 21, 59, tzinfo=UTC), date(2026, 10, 24)),
            (datetime(2026, 10, 24, 22, 0, tzinfo=UTC), date(2026, 10, 25)),
            (datetime(2026, 10, 25, 22, 59, tzinfo=UTC), date(2026, 10, 25)),
            (datetime(2026, 10, 25, 23, 0, tzinfo=UTC), date(2026, 10, 26)),
        ],
    )
    def test_dst_days_change_at_local_midnight(self, utc_moment, expected):
        assert service_day(utc_moment, SITE.site) == expected

    def test_a_night_office_keeps_one_service_day_across_midnight(self):
        night = SiteInfo.model_validate({**SITE.site.model_dump(), "day_starts": time(4, 0)})
        assert service_day(berlin(2026, 11, 24, 1, 30), night) == date(2026, 11, 23)
        assert service_day(berlin(2026, 11, 24, 4, 0), night) == date(2026, 11, 24)


class TestOpeningHours:
    emergency = SITE.service("notfall")

    def test_open_within_hours_closed_before(self):
        assert emergency_open(berlin(2026, 11, 23, 7, 30), remaining=75)  # Monday
        state = availability(self.emergency, berlin(2026, 11, 23, 7, 29), SITE.site, enabled=True, remaining=75)
        assert state.reason is ClosedReason.OUTSIDE_HOURS
        assert state.next_open == berlin(2026, 11, 23, 7, 30)

    def test_after_friday_closing_the_next_chance_is_monday_morning(self):
        state = availability(self.emergency, berlin(2026, 11, 27, 12, 0), SITE.site, enabled=True, remaining=5)
        assert state.reason is ClosedReason.OUTSIDE_HOURS
        assert state.next_open == berlin(2026, 11, 30, 7, 30)

    def test_quota_gone_means_next_chance_is_the_next_service_day_not_this_afternoon(self):
        # Thursday has an afternoon session, but today's quota is gone: tomorrow 07:30.
        state = availability(self.emergency, berlin(2026, 11, 26, 9, 0), SITE.site, enabled=True, remaining=0)
        assert state.reason is ClosedReason.QUOTA_EXHAUSTED
        assert state.next_open == berlin(2026, 11, 27, 7, 30)

    def test_switched_off_has_no_promised_time(self):
        state = availability(self.emergency, berlin(2026, 11, 23, 9, 0), SITE.site, enabled=False, remaining=5)
        assert (state.open, state.reason, state.next_open) == (False, ClosedReason.SWITCHED_OFF, None)

    def test_next_opening_across_the_spring_dst_change_is_local_time(self):
        # Saturday 28 March 2026 -> Monday 30 March 07:30 local (UTC+2 by then).
        moment = next_opening(self.emergency, berlin(2026, 3, 28, 10, 0), SITE.site)
        assert moment == berlin(2026, 3, 30, 7, 30)
        assert moment.utcoffset() == timedelta(hours=2)


def emergency_open(moment: datetime, remaining: int) -> bool:
    return availability(SITE.service("notfall"), moment, SITE.site, enabled=True, remaining=remaining).open


class TestTicketRules:
    def test_numbers_are_prefixed_and_padded_and_grow_past_999(self):
        assert format_number("N", 17) == "N017"
        assert format_number("N", 1000) == "N1000"

    @pytest.mark.parametrize(
        "status, action, expected",
        [
            (TicketStatus.WAITING, Action.CALL, TicketStatus.CALLED),
            (TicketStatus.CALLED, Action.START, TicketStatus.SERVING),
            (TicketStatus.SERVING, Action.FINISH, TicketStatus.DONE),
            (TicketStatus.CALLED, Action.NO_SHOW, TicketStatus.NO_SHOW),
            (TicketStatus.NO_SHOW, Action.CALL, TicketStatus.CALLED),
            (TicketStatus.SERVING, Action.TRANSFER, TicketStatus.WAITING),
            (TicketStatus.WAITING, Action.CANCEL, TicketStatus.CANCELLED),
        ],
    )
    def test_allowed_changes(self, status, action, expected):
        assert next_status(status, action, "N001") == expected

    @pytest.mark.parametrize(
        "status, action",
        [
            (TicketStatus.WAITING, Action.FINISH),
            (TicketStatus.WAITING, Action.START),
            (TicketStatus.DONE, Action.CALL),
            (TicketStatus.CANCELLED, Action.RECALL),
            (TicketStatus.SERVING, Action.NO_SHOW),
        ],
    )
    def test_refused_changes_name_the_ticket_and_why(self, status, action):
        with pytest.raises(InvalidTransition, match="N001") as refused:
            next_status(status, action, "N001")
        assert refused.value.status == status.value


class TestCallingOrder:
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

    def ticket(self, id_: str, service: str, waited_min: float, seq: int = 1) -> QueuedTicket:
        return QueuedTicket(id_, service, self.now - timedelta(minutes=waited_min), seq)

    def test_oldest_first_with_equal_priorities(self):
        chosen = choose_next([self.ticket("a", "x", 5), self.ticket("b", "y", 12)], self.now, {"x": 1, "y": 1})
        assert chosen.id == "b"

    def test_priority_weight_lets_a_younger_emergency_go_first_but_not_forever(self):
        priorities = {"notfall": 3.0, "aufenthalt": 1.0}
        young_emergency = self.ticket("n", "notfall", 10)
        assert choose_next([young_emergency, self.ticket("a", "aufenthalt", 25)], self.now, priorities).id == "n"
        assert choose_next([young_emergency, self.ticket("a", "aufenthalt", 40)], self.now, priorities).id == "a"

    def test_same_instant_goes_by_sequence(self):
        first, second = self.ticket("1", "x", 0, seq=1), self.ticket("2", "x", 0, seq=2)
        assert choose_next([second, first], self.now, {"x": 1}).id == "1"

    def test_nobody_waiting(self):
        assert choose_next([], self.now, {}) is None


class TestTicketCodes:
    key = b"k" * 32

    def test_genuine_token_verifies_in_any_case_as_url_or_bare_with_scanner_line_endings(self):
        token, lookup = new_token(self.key, "ddf")
        url = f"https://wartemarke.example.de/t/{token}"
        for text in (token, token.upper(), url, url.upper(), f"  {url}\r\n", f"{token}\n"):
            assert verify_token(self.key, ["ddf"], text) == ("ddf", lookup)

    def test_tokens_are_unguessable_and_unique(self):
        tokens = {new_token(self.key, "ddf")[0] for _ in range(1000)}
        assert len(tokens) == 1000

    @pytest.mark.parametrize("mangle", ["flip", "truncate", "other_key", "other_site", "garbage", "empty"])
    def test_forged_truncated_and_foreign_codes_are_refused(self, mangle):
        token, _ = new_token(self.key, "ddf")
        text = {
            "flip": token[:-1] + ("a" if token[-1] != "a" else "b"),
            "truncate": token[:-3],
            "other_key": new_token(b"x" * 32, "ddf")[0],
            "other_site": new_token(self.key, "koeln")[0],
            "garbage": "https://example.org/?q=hello world",
            "empty": "   \r\n",
        }[mangle]
        with pytest.raises(InvalidCode):
            verify_token(self.key, ["ddf"], text)

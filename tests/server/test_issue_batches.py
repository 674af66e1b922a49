"""Tickets issued together: kiosks pressing at the same moment share one transaction (group commit).

What a visitor would notice if this went wrong: two people with the same number, a place in the
queue that does not match the number, a quota that lets one extra person in, a double tap that
prints two tickets, or one kiosk's trouble refusing another kiosk's ticket.
"""

from __future__ import annotations

import asyncio
import json
import threading
import uuid
from pathlib import Path

import pytest

from server.api.errors import answer_of
from server.clock import system_clock
from server.config import load_site_config
from server.device_tokens import Role
from server.group_commit import GroupCommitter
from server.office import IssueRequest, Office
from server.rules.errors import IdempotencyKeyReused, QuotaExhausted, RateLimited, ServiceClosed
from server.storage.bootstrap import ensure_sites, signing_key
from server.storage.engine import create_engines
from server.storage.migrate import upgrade
from server.storage.token_store import create_token, find_device
from tests.server.conftest import site_variant


@pytest.fixture
def office(tmp_path: Path):
    """An office on the demo site (open around the clock) with an emergency quota of 3, kiosk limit 4."""
    config = load_site_config(site_variant(tmp_path, quota=3, rate=4))
    engines = create_engines(f"sqlite:///{tmp_path}/batches.db")
    upgrade(engines.write)
    ensure_sites(engines.write, [config])
    office = Office(config, engines, system_clock, signing_key(engines.write))
    yield office
    office.close()
    engines.dispose()


def kiosk(office: Office, name: str) -> str:
    token = create_token(office.engines.write, office.site.id, Role.KIOSK, name, system_clock())[1]
    device = find_device(office.engines.read, token)
    assert device is not None
    return device.token_id


def request(office: Office, device: str, service: str = "notfall", key: str | None = None) -> IssueRequest:
    return office.issuing.validate(service, "uk", device, key or str(uuid.uuid4()))


def figures(office: Office) -> dict[str, dict]:
    return {s["id"]: s for s in office.reading.services()}


def events_named(office: Office, name: str) -> list[dict]:
    return [json.loads(data) for _, event, data in office.events.after(0) if event == name]


def test_tickets_written_together_get_consecutive_numbers_and_their_own_places(office):
    a, b = kiosk(office, "Kiosk A"), kiosk(office, "Kiosk B")
    batch = [
        request(office, a, "aufenthalt"),
        request(office, b, "aufenthalt"),
        request(office, a, "ukraine"),
        request(office, b, "aufenthalt"),
    ]
    outcomes = office.issuing.issue_batch(batch)
    tickets = [ticket for ticket, created in outcomes if created]
    assert [t["number"] for t in tickets] == ["A001", "A002", "U001", "A003"]
    assert [t["position"] for t in tickets] == [0, 1, 0, 2]
    # The next ticket, issued alone, queues behind all of them.
    (later, _), *_ = office.issuing.issue_batch([request(office, a, "aufenthalt")])
    assert later["number"] == "A004" and later["position"] == 3
    # Displays and kiosks hear of every ticket, and of each service's figures after the batch.
    announced = sorted(e["number"] for e in events_named(office, "ticket.issued"))
    assert announced == ["A001", "A002", "A003", "A004", "U001"]
    updates = events_named(office, "service.updated")
    assert [(u["id"], u["waiting"]) for u in updates[:2]] == [("aufenthalt", 3), ("ukraine", 1)]


def test_a_batch_larger_than_the_remaining_quota_serves_the_earliest_and_refuses_the_rest(office):
    devices = [kiosk(office, f"Kiosk {n}") for n in range(5)]
    outcomes = office.issuing.issue_batch([request(office, d) for d in devices])
    assert [o[0]["number"] for o in outcomes[:3]] == ["N001", "N002", "N003"]
    for refused in outcomes[3:]:
        assert isinstance(refused, QuotaExhausted) and refused.service == "notfall"
        status, body, _ = answer_of(refused)
        assert status == 409 and body["error"] == "quota_exhausted"
        assert "next_open" in body
    assert figures(office)["notfall"]["issued"] == 3
    assert figures(office)["notfall"]["remaining"] == 0


def test_a_double_tap_that_lands_in_one_batch_makes_one_ticket(office):
    device = kiosk(office, "Kiosk A")
    key = str(uuid.uuid4())
    first, again = office.issuing.issue_batch([request(office, device, key=key), request(office, device, key=key)])
    assert first[1] is True and again[1] is False
    assert again[0]["id"] == first[0]["id"]
    assert figures(office)["notfall"]["issued"] == 1
    # And a retry in a later batch still finds it.
    (retry, created), *_ = office.issuing.issue_batch([request(office, device, key=key)])
    assert retry["id"] == first[0]["id"] and created is False


def test_one_key_with_another_concern_in_the_same_batch_is_refused_not_answered_with_the_first(office):
    device = kiosk(office, "Kiosk A")
    key = str(uuid.uuid4())
    first, other = office.issuing.issue_batch(
        [request(office, device, "notfall", key=key), request(office, device, "aufenthalt", key=key)]
    )
    assert first[1] is True and first[0]["service"] == "notfall"
    assert isinstance(other, IdempotencyKeyReused)
    status, body, _ = answer_of(other)
    assert (status, body["error"]) == (422, "idempotency_key_reused") and key in body["message"]
    assert figures(office)["aufenthalt"]["issued"] == 0


def test_the_kiosk_limit_counts_the_batch_itself_and_spares_other_kiosks(office):
    busy, other = kiosk(office, "Kiosk A"), kiosk(office, "Kiosk B")
    office.issuing.issue_batch([request(office, busy, "aufenthalt") for _ in range(2)])
    outcomes = office.issuing.issue_batch(
        [request(office, busy, "aufenthalt") for _ in range(3)] + [request(office, other)]
    )
    assert [isinstance(o, tuple) for o in outcomes] == [True, True, False, True]
    limited = outcomes[2]
    assert isinstance(limited, RateLimited)
    status, body, headers = answer_of(limited)
    assert status == 429 and body["error"] == "rate_limited"
    assert 1 <= int(headers["Retry-After"]) <= 61
    assert figures(office)["aufenthalt"]["issued"] == 4


def test_a_switched_off_service_refuses_only_its_own_requests(office):
    device = kiosk(office, "Kiosk A")
    office.settings.set_service_enabled("ukraine", False)
    outcomes = office.issuing.issue_batch([request(office, device, "ukraine"), request(office, device, "aufenthalt")])
    assert isinstance(outcomes[0], ServiceClosed) and answer_of(outcomes[0])[1]["error"] == "service_closed"
    assert outcomes[1][0]["number"] == "A001"
    assert figures(office)["ukraine"]["issued"] == 0


def test_concurrent_callers_of_one_office_share_commits_and_each_get_their_ticket(office):
    devices = [kiosk(office, f"Kiosk {n}") for n in range(4)]

    async def many() -> list:
        calls = [office.issuing.issue_ticket("aufenthalt", "de", devices[n % 4], str(uuid.uuid4())) for n in range(16)]
        return await asyncio.gather(*calls, return_exceptions=True)

    results = asyncio.run(many())
    assert all(created for _, created in results)
    assert sorted(t["number"] for t, _ in results) == [f"A{n:03d}" for n in range(1, 17)]
    assert sorted(t["position"] for t, _ in results) == list(range(16))


class TestGroupCommitter:
    def test_requests_that_arrive_while_a_batch_is_written_share_the_next_one(self):
        sizes: list[int] = []
        first_started = threading.Event()
        release = threading.Event()

        def run(batch):
            sizes.append(len(batch))
            first_started.set()
            release.wait(5)
            return [f"done {n}" for n in batch]

        committer = GroupCommitter(run, name="test")

        async def scenario() -> list[str]:
            first = asyncio.ensure_future(committer.submit(0))
            await asyncio.get_running_loop().run_in_executor(None, first_started.wait, 5)
            rest = [asyncio.ensure_future(committer.submit(n)) for n in range(1, 6)]
            async with asyncio.timeout(5):
                while committer.waiting < 5:  # all five queued behind the batch being written
                    await asyncio.sleep(0.001)
            release.set()
            return await asyncio.gather(first, *rest)

        try:
            assert asyncio.run(scenario()) == [f"done {n}" for n in range(6)]
        finally:
            committer.stop()
        assert sizes == [1, 5]

    def test_each_caller_gets_its_own_outcome_and_a_failed_batch_fails_only_its_callers(self):
        def run(batch):
            if "explode" in batch:
                raise RuntimeError("the database went away")
            return [ValueError(item) if item.startswith("bad") else item.upper() for item in batch]

        committer = GroupCommitter(run, name="test")

        async def one(item: str):
            try:
                return await committer.submit(item)
            except Exception as exc:  # noqa: BLE001
                return exc

        async def scenario():
            return [await one("good"), await one("bad one"), await one("explode"), await one("after")]

        try:
            good, bad, exploded, after = asyncio.run(scenario())
        finally:
            committer.stop()
        assert good == "GOOD" and after == "AFTER"
        assert isinstance(bad, ValueError) and str(bad) == "bad one"
        assert isinstance(exploded, RuntimeError) and "went away" in str(exploded)

    def test_after_stop_new_requests_are_refused_with_a_reason(self):
        committer = GroupCommitter(lambda batch: list(batch), name="issue-demo")
        committer.stop()

        async def late():
            await committer.submit("x")

        with pytest.raises(RuntimeError, match="shutting down"):
            asyncio.run(late())

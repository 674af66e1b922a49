"""Many clients spread over three server processes race for the same things; the rules still hold."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import requests
from kiosk_requests import call_next, issue, numbers, service_figures

CLIENTS = 36
QUOTA = 20  # notfall in site-race.toml


def test_clients_racing_over_three_processes_get_exactly_the_quota(office):
    servers = office
    start = threading.Barrier(CLIENTS)

    def kiosk(index: int) -> tuple[list[dict], dict]:
        server = servers[index % len(servers)]
        tickets: list[dict] = []
        with requests.Session() as session:
            start.wait()
            while True:
                response = issue(session, server, "notfall", str(uuid.uuid4()))
                if response.status_code != 201:
                    return tickets, response.json() | {"status": response.status_code}
                tickets.append(response.json())

    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(kiosk, range(CLIENTS)))

    issued = [ticket for tickets, _ in results for ticket in tickets]
    assert sorted(t["number"] for t in issued) == numbers("N", QUOTA)
    assert len({t["id"] for t in issued}) == QUOTA
    refusals = [refusal for _, refusal in results]
    assert all(r["status"] == 409 and r["error"] == "quota_exhausted" for r in refusals), refusals
    for server in servers:
        figures = service_figures(server, "notfall")
        assert (figures["issued"], figures["remaining"], figures["waiting"]) == (QUOTA, 0, QUOTA)
        assert figures["closed_reason"] == "quota_exhausted"


def test_one_idempotency_key_sent_to_every_process_at_once_makes_one_ticket(office):
    servers = office
    keys = [str(uuid.uuid4()) for _ in range(8)]

    def same_key_everywhere(key: str) -> list[tuple[int, str]]:
        start = threading.Barrier(len(servers))

        def send(server) -> tuple[int, str]:
            start.wait()
            response = issue(requests, server, "aufenthalt", key)  # type: ignore[arg-type]
            return response.status_code, response.json()["id"]

        with ThreadPoolExecutor(len(servers)) as pool:
            return list(pool.map(send, servers))

    for key in keys:
        answers = same_key_everywhere(key)
        assert {status for status, _ in answers} <= {200, 201}, answers
        assert len({ticket_id for _, ticket_id in answers}) == 1, answers
    assert service_figures(servers[2], "aufenthalt")["issued"] == len(keys)


def test_counters_on_different_processes_never_call_the_same_ticket(office):
    servers = office
    with requests.Session() as session:
        waiting = [
            issue(session, servers[i % len(servers)], "einbuergerung", str(uuid.uuid4())).json() for i in range(30)
        ]
    counters = ["1", "2", "3", "4", "5", "6"]
    start = threading.Barrier(len(counters))

    def counter(index: int) -> list[str]:
        server = servers[index % len(servers)]
        called: list[str] = []
        with requests.Session() as session:
            start.wait()
            while (response := call_next(session, server, counters[index])).status_code == 200:
                assert response.json()["counter"] == counters[index]
                called.append(response.json()["id"])
            assert response.status_code == 204, response.text
        return called

    with ThreadPoolExecutor(len(counters)) as pool:
        called = [ticket_id for calls in pool.map(counter, range(len(counters))) for ticket_id in calls]

    assert sorted(called) == sorted(t["id"] for t in waiting), "a ticket was called twice or never"
    current = requests.get(f"{servers[1].url}/api/v1/counters", headers=servers[1].headers("staff"), timeout=10).json()
    at_counters = [c["current"]["id"] for c in current if c["current"] is not None]
    assert len(at_counters) == len(set(at_counters)), "one visitor sent to two counters"

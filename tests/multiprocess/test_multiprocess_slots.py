"""Kiosks spread over three server processes race for the last later slots: each window and each day
holds exactly its capacity, on PostgreSQL and on one SQLite file."""

from __future__ import annotations

import threading
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import requests
from kiosk_requests import issue, service_figures

CLIENTS = 36
QUOTA = 20  # notfall in site-race.toml
PER_DAY, PER_WINDOW, DAYS = 12, 5, 2


def book(session: requests.Session, server, key: str) -> requests.Response:
    return session.post(
        f"{server.url}/api/v1/later-slots",
        json={"service": "notfall", "language": "de"},
        headers={**server.headers("kiosk"), "Idempotency-Key": key},
        timeout=30,
    )


def test_kiosks_racing_over_three_processes_book_exactly_the_capacity(office):
    servers = office
    with requests.Session() as session:
        while issue(session, servers[0], "notfall", str(uuid.uuid4())).status_code == 201:
            pass
    assert service_figures(servers[1], "notfall")["issued"] == QUOTA
    start = threading.Barrier(CLIENTS)

    def kiosk(index: int) -> tuple[list[dict], dict]:
        server = servers[index % len(servers)]
        slots: list[dict] = []
        with requests.Session() as session:
            start.wait()
            while True:
                response = book(session, server, str(uuid.uuid4()))
                if response.status_code != 201:
                    return slots, response.json() | {"status": response.status_code}
                slots.append(response.json())

    with ThreadPoolExecutor(CLIENTS) as pool:
        results = list(pool.map(kiosk, range(CLIENTS)))

    booked = [slot for slots, _ in results for slot in slots]
    refusals = [refusal for _, refusal in results]
    assert all(r["status"] == 409 and r["error"] == "no_later_slots" for r in refusals), refusals
    assert len(booked) == PER_DAY * DAYS
    assert len({s["id"] for s in booked}) == len({s["code"] for s in booked}) == len(booked)
    per_day = Counter(s["day"] for s in booked)
    per_window = Counter(s["window"]["start"] for s in booked)
    assert list(per_day.values()) == [PER_DAY] * DAYS
    # Earliest windows first: 5 + 5 + 2 each day, whichever process booked them.
    assert sorted(per_window.values(), reverse=True) == [PER_WINDOW] * 4 + [PER_DAY - 2 * PER_WINDOW] * 2
    for server in servers:
        figures = service_figures(server, "notfall")
        # Every kiosk's last refusal, and the ticket refused when the quota ran out.
        assert figures["next_later_slot"] is None and figures["turned_away_today"] == CLIENTS + 1

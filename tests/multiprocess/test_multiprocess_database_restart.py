"""PostgreSQL restarts under two running server processes: they say so, then carry on by themselves."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import requests
from kiosk_requests import issue

from launcher.pg_cluster import PostgresCluster
from tests.server.sse import SseSubscriber
from tests.server.test_openapi_conformance import Conformance

RACE_SITE = Path(__file__).resolve().parent / "site-race.toml"


def test_server_processes_ride_out_a_database_restart(server_factory):
    cluster = PostgresCluster().start()  # its own: the session's cluster keeps serving the other tests
    try:
        url = cluster.create_database()
        kiosk_side = server_factory(config=RACE_SITE, db_url=url)
        display_side = server_factory(config=RACE_SITE, db_url=url, tokens=kiosk_side.tokens)
        screen = SseSubscriber(display_side.url, display_side.tokens["display"]).start()
        published = Conformance(kiosk_side)
        session = requests.Session()
        assert issue(session, kiosk_side, "aufenthalt", str(uuid.uuid4())).status_code == 201

        cluster.halt()
        health = requests.get(f"{kiosk_side.url}/api/v1/health", timeout=10)
        assert health.status_code == 503
        published.check("GET", "/api/v1/health", health)
        key = str(uuid.uuid4())
        refused = issue(session, kiosk_side, "aufenthalt", key)
        assert refused.status_code == 503 and "Retry-After" in refused.headers, refused.text
        published.check("POST", "/api/v1/tickets", refused)

        cluster.restart()
        # The kiosk retries the same key after a pause, as its client does, until the server has its database back.
        for _ in range(20):
            answer = issue(session, kiosk_side, "aufenthalt", key)
            if answer.status_code != 503:
                break
            time.sleep(0.5)
        assert answer.status_code == 201, answer.text
        ticket = answer.json()
        assert ticket["number"] == "A002"

        # The other process's subscribers hear it: its LISTEN connection and event hub came back too.
        screen.wait_for(lambda events: any(e.data.get("id") == ticket["id"] for e in events))
        screen.close()
    finally:
        cluster.stop()

"""Two offices on one PostgreSQL database, each served by its own process, stay apart."""

from __future__ import annotations

import uuid
from pathlib import Path

import requests
from kiosk_requests import issue, service_figures

from tests.server.sse import SseSubscriber

HERE = Path(__file__).resolve().parent


def test_two_sites_on_one_database_share_nothing_but_the_database(server_factory, postgres_url):
    race = server_factory(config=HERE / "site-race.toml", db_url=postgres_url)
    nord = server_factory(config=HERE / "site-nord.toml", db_url=postgres_url)
    nord_screen = SseSubscriber(nord.url, nord.tokens["display"]).start()
    try:
        session = requests.Session()
        race_ticket = issue(session, race, "notfall", str(uuid.uuid4())).json()
        nord_ticket = issue(session, nord, "notfall", str(uuid.uuid4())).json()
        # Numbers and quotas are per office.
        assert race_ticket["number"] == nord_ticket["number"] == "N001"
        assert race_ticket["id"] != nord_ticket["id"]
        assert service_figures(race, "notfall")["issued"] == service_figures(nord, "notfall")["issued"] == 1

        # A display hears its own office only: nord's call arrives, race's (committed earlier) never.
        heard = nord_screen.wait_for(lambda events: any(e.data.get("id") == nord_ticket["id"] for e in events))
        assert race_ticket["id"] not in {e.data.get("id") for e in heard}
    finally:
        nord_screen.close()

    # A token works only at its own office.
    foreign_kiosk = race.headers("kiosk")
    refused = requests.post(
        f"{nord.url}/api/v1/tickets",
        json={"service": "notfall", "language": "de"},
        headers={**foreign_kiosk, "Idempotency-Key": str(uuid.uuid4())},
        timeout=10,
    )
    assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
    assert service_figures(nord, "notfall")["issued"] == 1

    # A ticket of one office is not accepted at the other's counter, nor shown on its phone page.
    scanned = requests.post(
        f"{nord.url}/api/v1/scan",
        json={"code": race_ticket["code"], "counter": "1"},
        headers=nord.headers("staff"),
        timeout=10,
    )
    assert scanned.status_code == 400 and scanned.json()["error"] == "invalid_code"
    token = race_ticket["code"].rsplit("/", 1)[1]
    assert requests.get(f"{nord.url}/api/v1/status/{token}", timeout=10).status_code == 400

"""kill -9 of the server while kiosks are issuing: nothing a kiosk was told about is lost."""

from __future__ import annotations

import threading
import uuid

import requests

from tests.server.conftest import site_variant
from tests.server.test_api import V1, call


def test_every_acknowledged_ticket_survives_kill_9(server_factory, tmp_path):
    server = server_factory(config=site_variant(tmp_path))
    acknowledged: dict[str, dict] = {}  # idempotency key -> ticket the kiosk was told about
    unanswered: list[str] = []
    stop = threading.Event()
    enough = threading.Event()  # 150 tickets acknowledged: time to pull the plug

    def kiosk() -> None:
        session = requests.Session()
        headers = {"Authorization": f"Bearer {server.tokens['kiosk']}"}
        while not stop.is_set():
            key = str(uuid.uuid4())
            try:
                response = session.post(
                    f"{server.url}{V1}/tickets",
                    json={"service": "aufenthalt", "language": "de"},
                    headers={**headers, "Idempotency-Key": key},
                    timeout=5,
                )
            except requests.RequestException:
                unanswered.append(key)
                return
            if response.status_code == 201:
                acknowledged[key] = response.json()
                if len(acknowledged) >= 150:
                    enough.set()

    kiosks = [threading.Thread(target=kiosk) for _ in range(4)]
    for thread in kiosks:
        thread.start()
    enough.wait(30)
    server.kill()
    stop.set()
    for thread in kiosks:
        thread.join(10)
    assert len(acknowledged) >= 150

    server.start()
    for ticket in acknowledged.values():
        stored = call(server, "GET", f"{V1}/tickets/{ticket['id']}", "staff")
        assert stored.status_code == 200, f"ticket {ticket['number']} was acknowledged but lost"
        assert stored.json()["number"] == ticket["number"]
    # A kiosk whose request was cut off retries with the same key: it gets one ticket, never two.
    for key in unanswered:
        retry = requests.post(
            f"{server.url}{V1}/tickets",
            json={"service": "aufenthalt", "language": "de"},
            timeout=10,
            headers={"Authorization": f"Bearer {server.tokens['kiosk']}", "Idempotency-Key": key},
        )
        assert retry.status_code in (200, 201)
    issued = {s["id"]: s for s in call(server, "GET", f"{V1}/services", "staff").json()}["aufenthalt"]["issued"]
    numbers = {t["number"] for t in acknowledged.values()}
    assert len(numbers) == len(acknowledged)
    # Each cut-off request made at most one ticket, and its retry returned exactly that one.
    assert issued == len(acknowledged) + len(unanswered)

"""Three processes behave as one office: one signing key, one event stream."""

from __future__ import annotations

import uuid

import requests
from kiosk_requests import call_next, issue

from tests.server.sse import SseSubscriber


def test_a_code_issued_by_one_process_scans_at_every_other(office):
    issuer, *others = office
    ticket = issue(requests.Session(), issuer, "aufenthalt", str(uuid.uuid4())).json()
    token = ticket["code"].rsplit("/", 1)[1]
    for server in others:
        scanned = requests.post(
            f"{server.url}/api/v1/scan",
            json={"code": f"  {ticket['code'].upper()}\r\n", "counter": "1"},
            headers=server.headers("staff"),
            timeout=10,
        )
        assert scanned.status_code == 200, scanned.text
        assert (scanned.json()["id"], scanned.json()["number"]) == (ticket["id"], ticket["number"])
        status = requests.get(f"{server.url}/api/v1/status/{token}", timeout=10)
        assert status.status_code == 200, status.text
        assert status.json()["number"] == ticket["number"]


def test_every_event_reaches_the_subscribers_of_every_process(office):
    subscribers = [SseSubscriber(server.url, server.tokens["display"]).start() for server in office]
    try:
        kiosk_process, counter_process = office[0], office[1]
        ticket = issue(requests.Session(), kiosk_process, "einbuergerung", str(uuid.uuid4())).json()
        called = call_next(requests.Session(), counter_process, "4")
        assert called.status_code == 200, called.text
        assert called.json()["id"] == ticket["id"]

        def has_call(events) -> bool:
            return any(e.name == "ticket.called" and e.data["id"] == ticket["id"] for e in events)

        streams = [subscriber.wait_for(has_call) for subscriber in subscribers]
    finally:
        for subscriber in subscribers:
            subscriber.close()

    for events in streams:
        names = {(e.name, e.data.get("id")) for e in events}
        assert ("ticket.issued", ticket["id"]) in names
        call = next(e for e in events if e.name == "ticket.called" and e.data["id"] == ticket["id"])
        assert (call.data["number"], call.data["counter"]) == (ticket["number"], "4")
    # One log, one order: every process tells the same story with the same ids.
    upto = min(max(e.id for e in events) for events in streams)
    told = [[(e.id, e.name, e.data.get("id")) for e in events if e.id <= upto] for events in streams]
    assert told[0] == told[1] == told[2]
    ids = [event_id for event_id, _, _ in told[0]]
    assert ids == sorted(set(ids)), "event ids must strictly increase"

"""The per-ticket status stream (`GET /api/v1/status/{token}/events`) and the page's answers to crafted
paths, against real server processes on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import re
import uuid
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import requests
from jsonschema import Draft202012Validator

from launcher.live_server import LiveServer
from tests.server.conftest import site_variant
from wartemarke.api_objects import TicketStatus

MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))


def issue(server: LiveServer, language: str = "uk", service: str = "notfall") -> dict:
    answer = requests.post(
        f"{server.url}/api/v1/tickets",
        json={"service": service, "language": language},
        headers={**server.headers("kiosk"), "Idempotency-Key": str(uuid.uuid4())},
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def staff(server: LiveServer, path: str, **body: str) -> None:
    answer = requests.post(f"{server.url}/api/v1{path}", json=body or None, headers=server.headers("staff"), timeout=10)
    assert answer.ok, answer.text


def token_of(ticket: dict) -> str:
    return ticket["code"].rsplit("/", 1)[1]


class TicketStream:
    """One page's stream: (event name, data) as they come."""

    def __init__(self, server: LiveServer, token: str, last_event_id: int | None = None) -> None:
        headers = {"Accept": "text/event-stream"}
        if last_event_id is not None:
            headers["Last-Event-ID"] = str(last_event_id)
        self.response = requests.get(
            f"{server.url}/api/v1/status/{token}/events", headers=headers, stream=True, timeout=(5, 30)
        )
        self.last_id: int | None = None
        self.retry: int | None = None
        self._lines = self.response.iter_lines(chunk_size=None, decode_unicode=True)

    def events(self) -> Iterator[tuple[str, dict]]:
        fields: dict[str, str] = {}
        for line in self._lines:
            if line == "":
                if "data" in fields and fields.get("event") != "ping":
                    yield fields.get("event", "message"), json.loads(fields["data"])
                fields = {}
            elif not line.startswith(":"):
                key, _, value = line.partition(":")
                fields[key] = value.removeprefix(" ")
                if key == "id":
                    self.last_id = int(fields["id"])
                if key == "retry":
                    self.retry = int(fields["retry"])

    def next(self) -> tuple[str, dict]:
        return next(self.events())

    def close(self) -> None:
        self.response.close()


STATUS_SCHEMA = TicketStatus.model_json_schema(mode="serialization")
STATUS_SCHEMA["additionalProperties"] = False


def test_a_page_hears_its_place_its_call_a_recall_and_the_end(api_server: LiveServer):
    server = api_server
    first, mine = issue(server), issue(server)
    stream = TicketStream(server, token_of(mine))
    assert stream.response.headers["content-type"].startswith("text/event-stream")
    assert stream.response.headers["cache-control"] == "no-store"
    name, status = stream.next()
    assert (name, status["status"], status["position"]) == ("status", "waiting", 1)
    # Only what the public status carries, and all of it.
    assert list(Draft202012Validator(STATUS_SCHEMA).iter_errors(status)) == []
    assert status == requests.get(f"{server.url}/api/v1/status/{token_of(mine)}", timeout=10).json()

    staff(server, "/counters/1/call-next")
    name, status = stream.next()
    assert (name, status["status"], status["position"]) == ("status", "waiting", 0)
    staff(server, "/counters/1/call-next")
    name, status = stream.next()
    assert (name, status["status"], status["counter_names"]["uk"]) == ("call", "called", "Віконце 1")
    staff(server, f"/tickets/{mine['id']}/recall")
    assert stream.next()[0] == "recall"
    staff(server, f"/tickets/{mine['id']}/finish")
    name, status = stream.next()
    assert (name, status["status"]) == ("status", "done")
    # After the visit: the stream ends, and a browser that still reconnects waits a day first.
    assert list(stream.events()) == []
    assert stream.retry is not None and stream.retry >= 3600 * 1000
    stream.close()
    assert first["number"] == "N001"


def test_a_reconnecting_page_gets_the_status_as_it_is_now(api_server: LiveServer):
    server = api_server
    first, mine = issue(server, "ar"), issue(server, "ar")
    stream = TicketStream(server, token_of(mine))
    stream.next()
    seen = stream.last_id
    stream.close()
    # Meanwhile: the one ahead is called, then this ticket is called.
    staff(server, "/counters/2/call-next")
    staff(server, "/counters/2/call-next")
    again = TicketStream(server, token_of(mine), last_event_id=seen)
    name, status = again.next()
    assert (name, status["status"], status["counter_names"]["ar"]) == ("status", "called", "الشباك 2")
    assert status["called_at"] is not None and again.last_id is not None and again.last_id > seen
    again.close()
    assert first["status"] == "waiting"


def test_a_transferred_ticket_says_where_it_came_from(api_server: LiveServer):
    server = api_server
    mine = issue(server, "de", service="aufenthalt")
    stream = TicketStream(server, token_of(mine))
    assert stream.next()[1]["transferred_from_names"] == {}
    staff(server, f"/tickets/{mine['id']}/transfer", service="ukraine")
    name, status = stream.next()
    assert status["service_names"]["de"] == "Geflüchtete aus der Ukraine"
    assert status["transferred_from_names"]["de"] == "Aufenthaltstitel mit Termin"
    stream.close()
    page = requests.get(f"{server.url}/t/{token_of(mine)}", timeout=10).text
    assert "Aufenthaltstitel mit Termin" in page and "Geflüchtete aus der Ukraine" in page


def test_codes_that_lead_nowhere_get_no_stream(server_factory, db_url, tmp_path):
    server = server_factory(config=site_variant(tmp_path), db_url=db_url, clock=MONDAY)
    mine = issue(server)
    assert requests.get(f"{server.url}/api/v1/status/hello/events", timeout=10).json()["error"] == "invalid_code"
    forged = token_of(mine)[:-1] + ("a" if token_of(mine)[-1] != "a" else "b")
    assert requests.get(f"{server.url}/api/v1/status/{forged}/events", timeout=10).status_code == 400
    server.set_clock(MONDAY + timedelta(days=1))
    expired = requests.get(f"{server.url}/api/v1/status/{token_of(mine)}/events", timeout=10)
    assert (expired.status_code, expired.json()["error"]) == (410, "expired")


# Each lands in the path segment after a valid token, percent-encoded as a crafted link would carry it.
CRAFTED = [
    "%3F%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "%3Fx%27%3Balert(1)%2F%2F",
    "%23%22onmouseover%3D%22alert(1)",
    "%3F%3C%2Fscript%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E",
    "%22%20onload%3D%22alert(1)",
]


@pytest.mark.parametrize("tail", CRAFTED)
def test_a_crafted_path_after_a_valid_token_reaches_neither_script_nor_page(live_server: LiveServer, tail: str):
    server = live_server
    token = token_of(issue(server))
    answer = requests.get(f"{server.url}/t/{token}{tail}", timeout=10)
    page = answer.text
    decoded = requests.utils.unquote(tail)
    for piece in ("alert(1)", "<script>alert", "onmouseover=", "onload=", decoded):
        assert piece not in page, f"{piece!r} reached the page"
    # The page's only script is the server's own file; the addresses it uses are the canonical token's.
    own_script = f'<script src="/static/phone.js?v={_version(page)}" defer>'
    assert re.findall(r"<script[^>]*>", page) in ([], [own_script])
    if answer.status_code == 200:
        assert f'data-stream="/api/v1/status/{token}/events"' in page
    else:
        assert answer.status_code in (400, 404)


def _version(page: str) -> str:
    found = re.search(r"/static/phone\.js\?v=([0-9a-f]+)", page)
    return found.group(1) if found else ""

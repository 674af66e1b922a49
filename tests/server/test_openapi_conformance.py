"""Every route's live answers, held to what the server publishes for that route and status in /openapi.json.

A real server process on each backend is driven through every route, including its error answers
(401, 403, 404, 409, 410, 422, 429, 204). Each answer's status must be declared for its route, its
content type must be one declared for that status, and a JSON body must validate against the
declared schema (with `$ref`s into the components), read strictly: every documented field present
(the published response schemas mark them required) and no undocumented one. Events are checked
against the typed objects of wartemarke/api_objects.py, the HTML page and /metrics by content type.
"""

from __future__ import annotations

import copy
import subprocess
import sys
import uuid
from collections import defaultdict
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import requests
from jsonschema import Draft202012Validator, FormatChecker

from launcher.live_server import ROOT, LiveServer, create_tokens
from tests.server.conftest import site_variant
from tests.server.sse import SseStream
from wartemarke.api_objects import EVENT_PAYLOADS

BERLIN = ZoneInfo("Europe/Berlin")
MONDAY = datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)
KIOSK_LIMIT = 12
MUST_BE_SEEN = {"200", "201", "204", "400", "401", "403", "404", "409", "410", "422", "429"}

FORMATS = FormatChecker(formats=())


@FORMATS.checks("date-time", raises=ValueError)
def _moment(value: object) -> bool:
    # API.md: ISO 8601 with offset.
    return not isinstance(value, str) or datetime.fromisoformat(value).tzinfo is not None


@FORMATS.checks("date", raises=ValueError)
def _day(value: object) -> bool:
    return not isinstance(value, str) or bool(date.fromisoformat(value))


def _close(schemas: Any) -> None:
    """Objects that do not declare extra fields are closed to them."""
    for schema in schemas:
        if "properties" in schema and "additionalProperties" not in schema:
            schema["additionalProperties"] = False


def _strict(components: dict[str, Any]) -> dict[str, Any]:
    strict = copy.deepcopy(components)
    _close(strict.get("schemas", {}).values())
    return strict


def _event_validator(name: str) -> Draft202012Validator:
    """The schema of an event's data: its object in wartemarke/api_objects.py, as the server sends it."""
    schema = EVENT_PAYLOADS[name].model_json_schema(mode="serialization")
    _close([schema, *schema.get("$defs", {}).values()])
    return Draft202012Validator(schema, format_checker=FORMATS)


class Conformance:
    """Sends requests to one server and checks every answer against its /openapi.json."""

    def __init__(self, server: LiveServer) -> None:
        self.server = server
        self.spec = requests.get(f"{server.url}/openapi.json", timeout=10).json()
        self.components = _strict(self.spec["components"])
        self.seen: dict[tuple[str, str], set[str]] = defaultdict(set)

    def request(
        self,
        method: str,
        template: str,
        role: str | None = None,
        bearer: str | None = None,
        stream: bool = False,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> requests.Response:
        """`template` is the path as /openapi.json names it; `kwargs` fill its {placeholders} and the request."""
        placeholders = {name: kwargs.pop(name) for name in list(kwargs) if "{" + name + "}" in template}
        sent = dict(headers or {})
        if role is not None:
            bearer = self.server.tokens[role]
        if bearer is not None:
            sent["Authorization"] = f"Bearer {bearer}"
        response = requests.request(
            method,
            self.server.url + template.format(**placeholders),
            headers=sent,
            stream=stream,
            timeout=10,
            **kwargs,
        )
        self.check(method, template, response)
        if stream:
            response.close()
        return response

    def check(self, method: str, template: str, response: requests.Response) -> None:
        operation = self.spec["paths"][template][method.lower()]
        status = str(response.status_code)
        where = f"{method} {template} answered {status}"
        declared = operation["responses"]
        assert status in declared, f"{where}, which it does not declare ({sorted(declared)}): {response.text[:300]}"
        for header, spec in declared[status].get("headers", {}).items():
            assert not spec.get("required") or header in response.headers, f"{where} without its {header} header"
        content = declared[status].get("content")
        if not content:
            assert response.content == b"", f"{where} with a body it does not declare"
        else:
            media = response.headers.get("content-type", "").split(";")[0].strip()
            assert media in content, f"{where} as {media!r}; declared: {sorted(content)}"
            if media == "application/json":
                schema = {**content[media]["schema"], "components": self.components}
                errors = sorted(
                    Draft202012Validator(schema, format_checker=FORMATS).iter_errors(response.json()), key=str
                )
                assert not errors, f"{where}: {response.text[:500]}\n" + "\n".join(
                    f"  at {list(e.absolute_path)}: {e.message}" for e in errors[:5]
                )
        self.seen[(method, template)].add(status)

    def issue(self, service: str, bearer: str | None = None, key: str | None = None, **body: Any) -> requests.Response:
        return self.request(
            "POST",
            "/api/v1/tickets",
            role=None if bearer else "kiosk",
            bearer=bearer,
            json={"service": service, "language": "uk", **body},
            headers={"Idempotency-Key": key or str(uuid.uuid4())},
        )


@pytest.fixture
def api(server_factory, db_url, tmp_path) -> Conformance:
    server = server_factory(config=site_variant(tmp_path, quota=3, rate=KIOSK_LIMIT), db_url=db_url, clock=MONDAY)
    return Conformance(server)


# Every authenticated route: (method, path, a role it refuses (None: every role may), example arguments).
AUTHENTICATED = [
    ("GET", "/api/v1/site", None, {}),
    ("GET", "/api/v1/services", None, {}),
    ("POST", "/api/v1/tickets", "display", {"json": {"service": "aufenthalt", "language": "de"}}),
    ("GET", "/api/v1/tickets/{ticket_id}", "kiosk", {"ticket_id": "x"}),
    ("POST", "/api/v1/counters/{counter_id}/call-next", "display", {"counter_id": "3"}),
    ("POST", "/api/v1/tickets/{ticket_id}/call", "kiosk", {"ticket_id": "x", "json": {"counter": "1"}}),
    ("POST", "/api/v1/tickets/{ticket_id}/recall", "display", {"ticket_id": "x"}),
    ("POST", "/api/v1/tickets/{ticket_id}/start", "kiosk", {"ticket_id": "x"}),
    ("POST", "/api/v1/tickets/{ticket_id}/finish", "display", {"ticket_id": "x"}),
    ("POST", "/api/v1/tickets/{ticket_id}/no-show", "kiosk", {"ticket_id": "x"}),
    ("POST", "/api/v1/tickets/{ticket_id}/transfer", "display", {"ticket_id": "x", "json": {"service": "ukraine"}}),
    ("POST", "/api/v1/tickets/{ticket_id}/cancel", "kiosk", {"ticket_id": "x"}),
    ("POST", "/api/v1/scan", "display", {"json": {"code": "x", "counter": "1"}}),
    ("GET", "/api/v1/counters", None, {}),
    ("GET", "/api/v1/counters/{counter_id}", None, {"counter_id": "1"}),
    ("POST", "/api/v1/counters/{counter_id}/open", "kiosk", {"counter_id": "1"}),
    ("POST", "/api/v1/counters/{counter_id}/close", "display", {"counter_id": "1"}),
    ("POST", "/api/v1/devices/status", None, {"json": {"status": "ok"}}),
    ("GET", "/api/v1/devices", "kiosk", {}),
    ("GET", "/api/v1/board", None, {}),
    ("GET", "/api/v1/events", None, {"stream": True}),
    ("GET", "/metrics", "staff", {}),
    ("POST", "/api/v1/later-slots", "display", {"json": {"service": "notfall", "language": "uk"}}),
    ("POST", "/api/v1/check-in", "display", {"json": {"code": "x"}}),
    ("GET", "/api/v1/partner", "kiosk", {}),
    ("GET", "/api/v1/partner/availability", "staff", {}),
    ("POST", "/api/v1/partner/slots", "kiosk", {"json": {"service": "notfall", "language": "uk", "day": "2026-11-24"}}),
    ("GET", "/api/v1/partner/slots", "display", {}),
    ("GET", "/api/v1/partner/slots/{slot_id}", "admin", {"slot_id": "x"}),
    ("POST", "/api/v1/partner/slots/{slot_id}/cancel", "admin", {"slot_id": "x"}),
]


def test_every_route_answers_as_its_openapi_says(api: Conformance) -> None:
    server = api.server
    # Authentication and roles, on every route that needs a token.
    for method, template, refused_role, example in AUTHENTICATED:
        assert api.request(method, template, **example).status_code == 401
        assert api.request(method, template, bearer="wm_not-a-real-token", **example).status_code == 401
        if refused_role is not None:
            assert api.request(method, template, role=refused_role, **example).status_code == 403

    # Reading, and what needs no token.
    assert api.request("GET", "/api/v1/health").json() == {"status": "ok"}
    api.request("GET", "/api/v1/site", role="display")
    api.request("GET", "/api/v1/services", role="kiosk")

    # Issuing: 201, the same key again 200, then what a kiosk can get wrong.
    key = str(uuid.uuid4())
    first = api.issue("aufenthalt", key=key).json()
    assert api.issue("aufenthalt", key=key).status_code == 200
    assert api.issue("visa").status_code == 404
    assert api.issue("aufenthalt", language="fr").status_code == 422
    assert api.issue("aufenthalt", name="Olena").status_code == 422
    assert api.issue("aufenthalt", key="two words").status_code == 422
    assert api.request("POST", "/api/v1/tickets", role="kiosk", data=b"\xff{{").status_code == 422
    assert api.request("POST", "/api/v1/tickets", role="kiosk", data=b" " * 70000).status_code == 413
    emergencies = [api.issue("notfall").json() for _ in range(3)]
    assert api.issue("notfall").json()["error"] == "quota_exhausted"
    _admin(server, "service", "close", "einbuergerung")
    assert api.issue("einbuergerung").json()["error"] == "service_closed"

    # A ticket's life at a counter.
    ticket_id = first["id"]
    api.request("GET", "/api/v1/tickets/{ticket_id}", role="staff", ticket_id=ticket_id)
    assert api.request("GET", "/api/v1/tickets/{ticket_id}", role="staff", ticket_id="nope").status_code == 404
    api.request("POST", "/api/v1/counters/{counter_id}/open", role="staff", counter_id="3")
    assert api.request("POST", "/api/v1/counters/{counter_id}/call-next", role="staff", counter_id="3").ok
    api.request("GET", "/api/v1/counters/{counter_id}", role="display", counter_id="3")
    api.request("GET", "/api/v1/counters", role="kiosk")
    for action in ("recall", "start", "finish"):
        api.request("POST", f"/api/v1/tickets/{{ticket_id}}/{action}", role="staff", ticket_id=ticket_id)
    refused = api.request("POST", "/api/v1/tickets/{ticket_id}/finish", role="staff", ticket_id=ticket_id)
    assert refused.json()["error"] == "invalid_transition"
    nobody = api.request("POST", "/api/v1/counters/{counter_id}/call-next", role="staff", counter_id="3")
    assert nobody.status_code == 204
    assert (
        api.request("POST", "/api/v1/counters/{counter_id}/call-next", role="staff", counter_id="9").status_code == 404
    )
    api.request("POST", "/api/v1/counters/{counter_id}/close", role="staff", counter_id="3")
    assert api.request("POST", "/api/v1/counters/{counter_id}/open", role="staff", counter_id="9").status_code == 404

    late, moved, gone = (t["id"] for t in emergencies)
    api.request("POST", "/api/v1/tickets/{ticket_id}/call", role="staff", ticket_id=late, json={"counter": "1"})
    api.request("POST", "/api/v1/tickets/{ticket_id}/no-show", role="staff", ticket_id=late)
    bad_call = api.request("POST", "/api/v1/tickets/{ticket_id}/call", role="staff", ticket_id=late, json={})
    assert bad_call.status_code == 422
    transfer = "/api/v1/tickets/{ticket_id}/transfer"
    api.request("POST", transfer, role="staff", ticket_id=moved, json={"service": "ukraine"})
    assert api.request("POST", transfer, role="staff", ticket_id=moved, json={"service": "visa"}).status_code == 404
    api.request("POST", "/api/v1/tickets/{ticket_id}/cancel", role="staff", ticket_id=gone)
    for action in ("start", "no-show", "recall"):
        refused = api.request("POST", f"/api/v1/tickets/{{ticket_id}}/{action}", role="staff", ticket_id=gone)
        assert refused.status_code == 409

    # Codes: scanned at a counter, opened on a phone.
    code = emergencies[1]["code"]
    token = code.rsplit("/", 1)[1]
    api.request("POST", "/api/v1/scan", role="staff", json={"code": f" {code.upper()}\r\n", "counter": "1"})
    assert (
        api.request("POST", "/api/v1/scan", role="staff", json={"code": "]C1garbage", "counter": "1"}).status_code
        == 400
    )
    assert api.request("POST", "/api/v1/scan", role="staff", json={"code": code, "counter": "99"}).status_code == 404
    assert api.request("POST", "/api/v1/scan", role="staff", json={"code": code}).status_code == 422
    api.request("GET", "/api/v1/status/{token}", token=token)
    assert api.request("GET", "/api/v1/status/{token}", token="hello").status_code == 400
    assert api.request("GET", "/t/{token}", token=token).status_code == 200
    assert api.request("GET", "/t/{token}", token="hello").status_code == 400
    assert api.request("GET", "/api/v1/status/{token}/events", token=token, stream=True).status_code == 200
    assert api.request("GET", "/api/v1/status/{token}/events", token="hello").status_code == 400

    # The board, devices, metrics, events.
    assert api.request("GET", "/api/v1/board", role="display").json()["calls"]
    api.request("POST", "/api/v1/devices/status", role="kiosk", json={"status": "paper_out", "detail": "TM-T20III"})
    assert api.request("POST", "/api/v1/devices/status", role="kiosk", json={"status": "on fire"}).status_code == 422
    api.request("GET", "/api/v1/devices", role="staff")
    api.request("GET", "/metrics", role="admin")
    api.request("GET", "/api/v1/events", role="display", stream=True)
    bad_position = api.request("GET", "/api/v1/events", role="display", headers={"Last-Event-ID": "-1"})
    assert bad_position.status_code == 422
    _later_slots(api)
    _partners(api)
    _events_are_their_typed_objects(server)

    # The next day: yesterday's ticket is expired wherever it turns up.
    server.set_clock(MONDAY + timedelta(days=1))
    expired = api.request("POST", "/api/v1/scan", role="staff", json={"code": code, "counter": "1"}).json()
    assert (expired["error"], expired["number"], expired["day"]) == ("expired", "N002", "2026-11-23")
    assert api.request("GET", "/api/v1/status/{token}", token=token).status_code == 410
    assert api.request("GET", "/t/{token}", token=token).status_code == 410
    assert api.request("GET", "/api/v1/status/{token}/events", token=token).status_code == 410
    stale = api.request(
        "POST", "/api/v1/tickets/{ticket_id}/call", role="staff", ticket_id=moved, json={"counter": "1"}
    )
    assert stale.status_code == 410

    # A kiosk issuing faster than the office allows.
    hasty = create_tokens(server.db_url, server.config_path, ("kiosk",), label="hasty")["kiosk"]
    answers = [api.issue("aufenthalt", bearer=hasty).status_code for _ in range(KIOSK_LIMIT + 1)]
    assert answers == [201] * KIOSK_LIMIT + [429]

    published = {(method.upper(), path) for path, operations in api.spec["paths"].items() for method in operations}
    assert published == set(api.seen), f"routes never driven: {sorted(published - set(api.seen))}"
    statuses = set().union(*api.seen.values())
    assert statuses >= MUST_BE_SEEN, f"never answered: {sorted(MUST_BE_SEEN - statuses)}"


def _later_slots(api: Conformance) -> None:
    """Booking, check-in, the slot's status, page and calendar entry (the emergency quota is gone by now)."""
    server = api.server
    book = "/api/v1/later-slots"

    def booking(service: str, key: str, language: str = "uk") -> requests.Response:
        body = {"service": service, "language": language}
        return api.request("POST", book, role="kiosk", json=body, headers={"Idempotency-Key": key})

    first, second = booking("notfall", "slot-1").json(), booking("notfall", "slot-2").json()
    assert booking("notfall", "slot-1").status_code == 200
    assert booking("notfall", "slot-1", language="ar").json()["error"] == "idempotency_key_reused"
    assert api.request("POST", book, role="kiosk", json={"service": "notfall", "language": "uk"}).status_code == 422
    assert booking("aufenthalt", "slot-3").json()["error"] == "slots_available"
    assert booking("einbuergerung", "slot-4").json()["error"] == "no_later_slots"  # switched off, no later slots
    assert booking("visa", "slot-5").status_code == 404

    check_in = "/api/v1/check-in"
    assert api.request("POST", check_in, role="kiosk", json={"code": first["code"]}).json()["error"] == "too_early"
    assert api.request("POST", check_in, role="staff", json={"code": "]C1garbage"}).status_code == 400
    assert api.request("POST", check_in, role="kiosk", json={}).status_code == 422
    token = first["code"].rsplit("/", 1)[1]
    assert api.request("GET", "/api/v1/status/{token}", token=token).json()["kind"] == "slot"
    assert api.request("GET", "/t/{token}", token=token).status_code == 200
    assert api.request("GET", "/t/{token}/calendar.ics", token=token).status_code == 200
    assert api.request("GET", "/t/{token}/calendar.ics", token="hello").status_code == 400
    window = datetime.fromisoformat(first["window"]["start"])
    server.set_clock(window + timedelta(minutes=10))
    assert api.request("POST", check_in, role="kiosk", json={"code": first["code"]}).status_code == 201
    assert api.request("POST", check_in, role="staff", json={"code": first["code"]}).status_code == 200
    assert api.request("GET", "/api/v1/status/{token}", token=token).json()["ticket"]["status"] == "waiting"
    server.set_clock(window + timedelta(hours=1))
    assert api.request("POST", check_in, role="kiosk", json={"code": second["code"]}).status_code == 410


def _partners(api: Conformance) -> None:
    """A counselling partner: itself, where it may book, booking within and beyond its allotment, its own
    slots, cancelling; what a partner token may not reach."""
    me = api.request("GET", "/api/v1/partner", role="partner").json()
    assert (me["id"], me["slots_per_day"]) == ("caritas", 4)
    assert api.request("GET", "/api/v1/services", role="partner").status_code == 403
    days = api.request("GET", "/api/v1/partner/availability", role="partner").json()["days"]
    assert api.request("GET", "/api/v1/partner/availability", role="partner", params={"service": "notfall"}).ok
    for service, status in (("aufenthalt", 403), ("visa", 404), ("Not an id", 422)):
        answer = api.request("GET", "/api/v1/partner/availability", role="partner", params={"service": service})
        assert answer.status_code == status

    book = "/api/v1/partner/slots"
    day = days[-1]["day"]

    def booking(key: str | None, service: str = "notfall", on: str = day, **more: Any) -> requests.Response:
        headers = {"Idempotency-Key": key} if key else {}
        body = {"service": service, "language": "uk", "day": on, **more}
        return api.request("POST", book, role="partner", json=body, headers=headers)

    slots = [booking(f"partner-{n}").json() for n in range(4)]
    assert booking("partner-0").status_code == 200
    assert booking("partner-0", language="ar").json()["error"] == "idempotency_key_reused"
    assert booking("partner-5").json()["error"] == "partner_allotment_exhausted"
    assert booking("partner-6", service="aufenthalt").status_code == 403
    assert booking("partner-7", service="visa").status_code == 404
    assert booking("partner-8", on="2026-11-23").json()["error"] == "validation_error"  # today is the walk-ins'
    assert booking(None).status_code == 422
    by_admin = api.request("POST", book, role="admin", json={"service": "notfall", "language": "uk", "day": day})
    assert by_admin.json()["error"] == "forbidden"  # an admin token acts for no partner

    listed = api.request("GET", book, role="partner", params={"from": day, "until": day}).json()
    assert [s["id"] for s in listed] == [s["id"] for s in slots]
    backwards = {"from": day, "until": "2026-11-01"}
    assert api.request("GET", book, role="partner", params=backwards).status_code == 422
    one = "/api/v1/partner/slots/{slot_id}"
    assert api.request("GET", one, role="partner", slot_id=slots[0]["id"]).json()["status"] == "booked"
    assert api.request("GET", one, role="partner", slot_id="nope").status_code == 404
    cancel = "/api/v1/partner/slots/{slot_id}/cancel"
    assert api.request("POST", cancel, role="partner", slot_id=slots[0]["id"]).json()["status"] == "cancelled"
    assert api.request("POST", cancel, role="partner", slot_id=slots[0]["id"]).json()["error"] == "slot_not_booked"
    assert api.request("POST", cancel, role="partner", slot_id="nope").status_code == 404


def _events_are_their_typed_objects(server: LiveServer) -> None:
    """Every event so far carries exactly the fields of its object in wartemarke/api_objects.py."""
    with SseStream(server.url, server.tokens["display"]) as stream:
        newest = int(next(line for line in stream.opening if line.startswith("id:")).split(":")[1])
    names = set()
    validators = {name: _event_validator(name) for name in EVENT_PAYLOADS}
    with SseStream(server.url, server.tokens["display"], last_event_id=0) as stream:
        for event in stream.events():
            errors = [
                f"at {list(e.absolute_path)}: {e.message}" for e in validators[event.name].iter_errors(event.data)
            ]
            assert not errors, f"event {event.id} {event.name}: {event.data}\n{errors}"
            names.add(event.name)
            if event.id >= newest:
                break
    assert names == set(EVENT_PAYLOADS)


def _admin(server: LiveServer, *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "launcher", "admin", *args, "--db", server.db_url, "--config", str(server.config_path)],
        check=True,
        capture_output=True,
        cwd=ROOT,
        env=server.env,
    )

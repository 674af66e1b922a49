"""Counselling partners book later slots through the HTTP API of a real server, on SQLite and PostgreSQL.

The office is tests/server/site-slots.toml on Monday 30 November 2026 at 10:00: `notfall` has two
same-day tickets (not drawn yet), two later slots a window, three a day, and the bookable days
Tuesday 1 and Thursday 3 December (Wednesday is closed). Partner `caritas` may book `notfall` only,
two slots a day; `kim` may book `notfall` and `nacht`, three a day.
"""

from __future__ import annotations

import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import requests

from launcher.live_server import create_tokens
from tests.server.conftest import BERLIN
from tests.server.test_admin import admin, report_table
from tests.server.test_api import V1, assert_error, call
from tests.server.test_later_slots import at, book, check_in, exhaust, service

TUESDAY, THURSDAY = "2026-12-01", "2026-12-03"


def partner_token(server, partner: str, label: str = "test") -> str:
    return create_tokens(server.db_url, server.config_path, ("partner",), label=label, partner=partner)["partner"]


def as_partner(server, token: str, method: str, path: str, **kwargs) -> requests.Response:
    headers = {"Authorization": f"Bearer {token}", **kwargs.pop("headers", {})}
    return requests.request(method, f"{server.url}{V1}/partner{path}", headers=headers, timeout=10, **kwargs)


def partner_book(
    server, token: str, day: str, service: str = "notfall", key: str | None = None, **more
) -> requests.Response:
    return as_partner(
        server,
        token,
        "POST",
        "/slots",
        json={"service": service, "language": "uk", "day": day, **more},
        headers={"Idempotency-Key": key or str(uuid.uuid4())},
    )


def day_of(availability: dict, day: str) -> dict:
    return next(d for d in availability["days"] if d["day"] == day)


def test_a_partner_books_a_chosen_day_while_walk_in_tickets_remain_until_its_allotment_is_used(office):
    caritas = office.tokens["partner"]
    assert_error(book(office), 409, "slots_available")  # the kiosk may not: today's tickets remain
    offer = as_partner(office, caritas, "GET", "/availability").json()
    assert [d["day"] for d in offer["days"]] == [TUESDAY, THURSDAY]
    thursday = day_of(offer, THURSDAY)
    assert (thursday["held"], thursday["allotment_left"], thursday["services"][0]["free"]) == (0, 2, 2)

    first = partner_book(office, caritas, THURSDAY)
    assert first.status_code == 201, first.text
    slot = first.json()
    assert (slot["day"], slot["window"]["start"], slot["partner"], slot["status"], slot["language"]) == (
        THURSDAY,
        "2026-12-03T08:00:00+01:00",
        "caritas",
        "booked",
        "uk",
    )
    assert "/t/" in slot["code"] and slot["check_in"]["from"] == "2026-12-03T07:30:00+01:00"
    # A chosen window (Thursday afternoon) rather than the day's earliest.
    chosen = partner_book(office, caritas, THURSDAY, window_start="2026-12-03T13:30:00+01:00").json()
    assert chosen["window"] == {"start": "2026-12-03T13:30:00+01:00", "end": "2026-12-03T14:00:00+01:00"}

    refused = assert_error(partner_book(office, caritas, THURSDAY), 409, "partner_allotment_exhausted")
    assert (refused["day"], refused["slots_per_day"]) == (THURSDAY, 2)
    assert "Caritas migration counselling" in refused["message"]
    thursday = day_of(as_partner(office, caritas, "GET", "/availability").json(), THURSDAY)
    assert (thursday["held"], thursday["allotment_left"], thursday["services"][0]["free"]) == (2, 0, 0)
    # The allotment is per day: Tuesday is untouched, and another partner has its own.
    assert partner_book(office, caritas, TUESDAY).status_code == 201
    kim = partner_token(office, "kim")
    assert partner_book(office, kim, THURSDAY).json()["window"]["start"] == "2026-12-03T08:00:00+01:00"
    # The day's three places are now taken, by partners: a kiosk that books once today's tickets are
    # gone gets what is left, from the same windows.
    exhaust(office)
    assert [book(office).json()["day"] for _ in range(2)] == [TUESDAY, TUESDAY]
    assert_error(book(office), 409, "no_later_slots")
    assert service(office)["next_later_slot"] is None


def test_what_a_partner_may_not_book_is_refused_with_a_reason(office):
    caritas = office.tokens["partner"]
    other = assert_error(partner_book(office, caritas, TUESDAY, service="nacht"), 403, "forbidden")
    assert "Emergency only" in other["message"] and "Night service" in other["message"]
    assert_error(partner_book(office, caritas, TUESDAY, service="aufenthalt"), 403, "forbidden")
    assert_error(as_partner(office, caritas, "GET", "/availability", params={"service": "nacht"}), 403, "forbidden")
    assert_error(partner_book(office, caritas, TUESDAY, service="visa"), 404, "not_found")
    for day in ("2026-11-30", "2026-12-02", "2026-12-04", "2026-11-27"):  # today, closed, beyond, past
        named = assert_error(partner_book(office, caritas, day), 422, "validation_error")
        assert "bookable days are 2026-12-01, 2026-12-03" in named["message"]
    odd_window = partner_book(office, caritas, TUESDAY, window_start="2026-12-01T08:10:00+01:00")
    assert "not the start of a window" in assert_error(odd_window, 422, "validation_error")["message"]
    assert_error(partner_book(office, caritas, TUESDAY, name="Olena K."), 422, "validation_error")
    assert_error(partner_book(office, caritas, TUESDAY, language="fr"), 422, "validation_error")
    assert_error(partner_book(office, caritas, 0), 422, "validation_error")  # a day is written out, not a number
    assert_error(as_partner(office, caritas, "GET", "/slots", params={"from": "0"}), 422, "validation_error")
    no_key = as_partner(
        office, caritas, "POST", "/slots", json={"service": "notfall", "language": "uk", "day": TUESDAY}
    )
    assert_error(no_key, 422, "validation_error")
    # Nothing was booked by any of it.
    assert day_of(as_partner(office, caritas, "GET", "/availability").json(), TUESDAY)["held"] == 0
    # A partner token reaches nothing of the office's day; other roles do not reach the partner routes.
    assert_error(call(office, "GET", f"{V1}/board", "partner"), 403, "forbidden")
    assert_error(call(office, "POST", f"{V1}/later-slots", "partner", json={}), 403, "forbidden")
    assert_error(call(office, "GET", f"{V1}/partner/slots", "kiosk"), 403, "forbidden")
    assert_error(call(office, "GET", f"{V1}/partner/slots", "admin"), 403, "forbidden")


def test_a_retry_with_the_same_key_gets_the_same_slot_and_takes_no_place(office):
    caritas = office.tokens["partner"]
    first = partner_book(office, caritas, TUESDAY, key="visit-17")
    again = partner_book(office, caritas, TUESDAY, key="visit-17")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"] and again.json()["code"] == first.json()["code"]
    assert day_of(as_partner(office, caritas, "GET", "/availability").json(), TUESDAY)["held"] == 1
    reused = assert_error(partner_book(office, caritas, THURSDAY, key="visit-17"), 422, "idempotency_key_reused")
    assert "visit-17" in reused["message"]
    # Another token of the same organisation has keys of its own (and shares the allotment).
    second_desk = partner_token(office, "caritas", label="second desk")
    assert partner_book(office, second_desk, TUESDAY, key="visit-17").status_code == 201
    assert_error(partner_book(office, second_desk, TUESDAY), 409, "partner_allotment_exhausted")


def test_partners_racing_for_the_last_places_get_exactly_the_capacity(office):
    """Four desks of each partner, two requests each, all at once, for Tuesday's three places."""
    desks = [(name, partner_token(office, name, label=f"desk {n}")) for name in ("caritas", "kim") for n in range(4)]
    requests_ = [(name, token) for name, token in desks for _ in range(2)]
    with ThreadPoolExecutor(len(requests_)) as pool:
        answers = list(pool.map(lambda desk: (desk[0], partner_book(office, desk[1], TUESDAY)), requests_))
    booked = [(name, a.json()) for name, a in answers if a.status_code == 201]
    assert len(booked) == 3, [a.text for _, a in answers]
    assert {a.json()["error"] for _, a in answers if a.status_code != 201} <= {
        "no_later_slots",
        "partner_allotment_exhausted",
    }
    assert sum(name == "caritas" for name, _ in booked) <= 2
    windows = [slot["window"]["start"][11:16] for _, slot in booked]
    assert sorted(windows) == ["08:00", "08:00", "08:30"]
    # One organisation's desks racing for its own allotment: exactly two of six.
    caritas_desks = [token for name, token in desks if name == "caritas"] + [office.tokens["partner"]] * 2
    with ThreadPoolExecutor(len(caritas_desks)) as pool:
        statuses = list(pool.map(lambda token: partner_book(office, token, THURSDAY).status_code, caritas_desks))
    assert sorted(statuses) == [201, 201, 409, 409, 409, 409]


def test_a_cancelled_slot_returns_its_place_to_the_day_and_to_the_allotment(office):
    caritas, kim = office.tokens["partner"], partner_token(office, "kim")
    mine = [partner_book(office, caritas, TUESDAY).json() for _ in range(2)]
    assert partner_book(office, kim, TUESDAY).status_code == 201
    assert_error(partner_book(office, kim, TUESDAY), 409, "no_later_slots")  # the day's three are taken

    cancelled = as_partner(office, caritas, "POST", f"/slots/{mine[0]['id']}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    token = mine[0]["code"].rsplit("/", 1)[1]
    assert call(office, "GET", f"{V1}/status/{token}").json()["status"] == "cancelled"
    assert_error(as_partner(office, caritas, "POST", f"/slots/{mine[0]['id']}/cancel"), 409, "slot_not_booked")
    assert partner_book(office, kim, TUESDAY).json()["window"] == mine[0]["window"]  # its place, to the next
    assert_error(partner_book(office, caritas, TUESDAY), 409, "no_later_slots")
    # The allotment came back too: on Thursday caritas books two, cancels one, books again.
    thursday = [partner_book(office, caritas, THURSDAY).json() for _ in range(2)]
    as_partner(office, caritas, "POST", f"/slots/{thursday[1]['id']}/cancel")
    assert partner_book(office, caritas, THURSDAY).status_code == 201


def test_a_partner_sees_only_its_own_slots_and_whether_they_were_kept(office):
    caritas, kim = office.tokens["partner"], partner_token(office, "kim")
    kept, missed = (partner_book(office, caritas, TUESDAY).json() for _ in range(2))
    theirs = partner_book(office, kim, THURSDAY).json()
    exhaust(office)
    kiosks = book(office).json()
    listed = as_partner(office, caritas, "GET", "/slots").json()
    assert sorted(s["id"] for s in listed) == sorted([kept["id"], missed["id"]])
    for stranger in (theirs["id"], kiosks["id"], "no-such-slot"):
        assert_error(as_partner(office, caritas, "GET", f"/slots/{stranger}"), 404, "not_found")
        assert_error(as_partner(office, caritas, "POST", f"/slots/{stranger}/cancel"), 404, "not_found")
    assert call(office, "GET", f"{V1}/status/{theirs['code'].rsplit('/', 1)[1]}").json()["status"] == "booked"

    at(office, 2026, 12, 1, 8, 5)  # Tuesday: one holder comes, the other does not
    assert check_in(office, kept["code"]).status_code == 201
    at(office, 2026, 12, 1, 12, 0)
    statuses = {s["id"]: s["status"] for s in as_partner(office, caritas, "GET", "/slots").json()}
    assert statuses == {kept["id"]: "checked_in", missed["id"]: "missed"}
    assert as_partner(office, caritas, "GET", f"/slots/{kept['id']}").json()["ticket"]["number"].startswith("N")
    assert_error(as_partner(office, caritas, "POST", f"/slots/{missed['id']}/cancel"), 409, "slot_not_booked")
    window = {"from": "2026-12-02", "until": "2026-12-31"}
    assert as_partner(office, caritas, "GET", "/slots", params=window).json() == []

    # The office's figures: Tuesday's report says what became of each partner's slots; Monday's how
    # many were booked by partners; /metrics counts them per partner.
    tuesday = admin(office, "report", "--day", TUESDAY)
    assert tuesday.returncode == 0, tuesday.stderr
    partners = tuesday.stdout.split("Counselling partners' later slots for this day:")[1]
    assert re.search(r"Caritas Migrationsberatung\s+2\s+1\s+1\s+0\s+0", partners), partners
    assert re.search(r"Kommunales Integrationsmanagement\s+0\s+0\s+0\s+0\s+0", partners), partners
    monday = report_table(admin(office, "report", "--day", "2026-11-30").stdout)
    assert (monday["Notfall"]["slots-booked"], monday["Notfall"]["by-partners"]) == ("4", "3")
    ranged = admin(office, "partners", "--from", "2026-11-30", "--until", "2026-12-06")
    assert re.search(r"Caritas Migrationsberatung\s+2\s+1\s+1\s+0\s+0", ranged.stdout), ranged.stdout
    assert re.search(r"Kommunales Integrationsmanagement\s+1\s+0\s+0\s+0\s+1", ranged.stdout), ranged.stdout
    metrics = call(office, "GET", "/metrics", "admin").text
    assert 'wartemarke_partner_slots_booked_total{partner="caritas",service="notfall",site="slots"} 2.0' in metrics
    assert 'wartemarke_partner_slots_booked_total{partner="kim",service="nacht",site="slots"} 0.0' in metrics
    assert 'wartemarke_later_slots_booked_total{service="notfall",site="slots"} 4.0' in metrics


def test_a_closed_date_moves_a_partners_slot_and_its_place_in_the_allotment(office):
    caritas = office.tokens["partner"]
    moved = partner_book(office, caritas, THURSDAY).json()
    assert admin(office, "closed-dates", "add", THURSDAY, "--move-slots").returncode == 0
    now = as_partner(office, caritas, "GET", f"/slots/{moved['id']}").json()
    assert (now["day"], now["moved_from"]["start"]) == ("2026-12-04", "2026-12-03T08:00:00+01:00")
    offer = as_partner(office, caritas, "GET", "/availability").json()
    assert [d["day"] for d in offer["days"]] == [TUESDAY, "2026-12-04"]
    assert (day_of(offer, "2026-12-04")["held"], day_of(offer, "2026-12-04")["allotment_left"]) == (1, 1)


def test_partner_tokens_are_made_for_a_configured_partner(office):
    made = admin(office, "token", "create", "--role", "partner", "--partner", "kim", "--name", "KIM Beratung")
    assert made.returncode == 0, made.stderr
    token = made.stdout.splitlines()[-1]
    assert as_partner(office, token, "GET", "").json()["id"] == "kim"
    assert "(partner kim)" in admin(office, "token", "list").stdout
    for args, expected in (
        (("--role", "partner"), "a partner token needs the partner it acts for (configured: caritas, kim)"),
        (("--role", "partner", "--partner", "awo"), "'awo' is not in the site config's [[partners]]"),
        (("--role", "kiosk", "--partner", "kim"), "only a partner token acts for a partner"),
    ):
        refused = admin(office, "token", "create", *args, "--name", "x")
        assert refused.returncode == 1 and expected in refused.stderr and "Traceback" not in refused.stderr


def test_a_partner_the_office_no_longer_lists_is_refused(office, server_factory, tmp_path):
    token = partner_token(office, "kim")
    office.stop()
    without_kim = tmp_path / "site-without-kim.toml"
    text = office.config_path.read_text(encoding="utf-8")
    without_kim.write_text(text[: text.index('[[partners]]\nid = "kim"')], encoding="utf-8")
    server = server_factory(
        config=without_kim, db_url=office.db_url, tokens=office.tokens, clock=datetime(2026, 11, 30, 10, tzinfo=BERLIN)
    )
    refused = assert_error(as_partner(server, token, "GET", "/slots"), 403, "forbidden")
    assert "'kim'" in refused["message"] and "no longer lists" in refused["message"]

"""The console's pages over HTTP, on SQLite and PostgreSQL: results that count the tickets made, CSV
that names bad input, steering that only an admin may do and that is logged with who did it."""

from __future__ import annotations

import csv
import io
from datetime import datetime

from tests.server.conftest import BERLIN
from tests.server.office_web import csrf_of, signed_in
from tests.server.test_api import act, call, issue

MORNING = datetime(2026, 11, 30, 9, 0, tzinfo=BERLIN)


def rows(answer) -> list[dict[str, str]]:
    assert answer.status_code == 200, answer.text
    return list(csv.DictReader(io.StringIO(answer.text)))


def test_the_results_count_the_days_tickets(server_factory, db_url):
    server = server_factory(db_url=db_url, clock=MORNING)
    call(server, "POST", "/api/v1/counters/1/open", "staff")
    made = [issue(server, "notfall", "de").json() for _ in range(3)]
    server.set_clock(MORNING.replace(minute=20))
    called = call(server, "POST", "/api/v1/counters/1/call-next", "staff").json()
    act(server, called["id"], "start")
    server.set_clock(MORNING.replace(minute=35))
    act(server, called["id"], "finish")
    assert called["id"] == made[0]["id"]
    browser = signed_in(server, "manager")
    query = "period=day&from=2026-11-30"
    services = {r["service"]: r for r in rows(browser.get(f"{server.url}/console/results/services.csv?{query}"))}
    notfall = services["notfall"]
    assert (notfall["issued"], notfall["served"], notfall["wait_median_min"]) == ("3", "1", "20.0")
    assert (notfall["target_min"], notfall["service_level_pct"], notfall["visit_median_min"]) == ("30", "100.0", "15.0")
    hours = rows(browser.get(f"{server.url}/console/results/arrivals.csv?{query}"))
    assert [(r["hour"], r["issued"], r["called"]) for r in hours if r["issued"] != "0"] == [("9", "3", "1")]
    page = browser.get(f"{server.url}/console/results?{query}")
    assert "Service days 2026-11-30 to 2026-11-30" in page.text


def test_bad_ranges_are_named_not_failed(api_server):
    browser = signed_in(api_server, "manager")
    page = browser.get(f"{api_server.url}/console/results?period=custom&from=2026-12-01&to=2026-11-01")
    assert page.status_code == 422 and "is before from" in page.text
    answer = browser.get(f"{api_server.url}/console/results/waits.csv?from=30.11.2026")
    assert answer.status_code == 422 and "from: expected a date" in answer.json()["message"]
    assert browser.get(f"{api_server.url}/console/results/nothing.svg").status_code == 404


def test_only_an_admin_steers_and_each_change_is_logged(api_server):
    manager = signed_in(api_server, "manager")
    page = manager.get(f"{api_server.url}/console/steering")
    assert "/console/steering/service" not in page.text
    refused = manager.post(
        f"{api_server.url}/console/steering/counter", data={"csrf": csrf_of(page), "counter": "1", "state": "open"}
    )
    assert refused.status_code == 403
    admin = signed_in(api_server, "admin")
    page = admin.get(f"{api_server.url}/console/steering")
    opened = admin.post(
        f"{api_server.url}/console/steering/counter", data={"csrf": csrf_of(page), "counter": "1", "state": "open"}
    )
    assert opened.status_code == 200 and "Done: Counter opened" in opened.text
    assert "test admin (admin)" in opened.text
    assert call(api_server, "GET", "/api/v1/counters/1", "display").json()["open"] is True
    too_low = admin.post(
        f"{api_server.url}/console/steering/quota", data={"csrf": csrf_of(page), "service": "notfall", "quota": "-1"}
    )
    assert too_low.status_code == 422 and "Nothing was changed" in too_low.text

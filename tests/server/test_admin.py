"""`wartemarke admin`: what an office manager types, checked against a real server."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import requests

from launcher.live_server import ROOT
from tests.server.test_api import V1, act, call, issue

BERLIN = ZoneInfo("Europe/Berlin")


def admin(server, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "launcher",
            "admin",
            *args,
            "--db",
            server.db_url,
            "--config",
            str(server.config_path),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        env=server.env,
    )


def test_token_create_prints_only_the_token_last_and_stores_only_its_hash(live_server):
    result = admin(live_server, "token", "create", "--role", "kiosk", "--name", "Kiosk Eingang")
    assert result.returncode == 0, result.stderr
    token = result.stdout.strip().splitlines()[-1]
    assert " " not in token and len(token) > 30
    response = requests.post(
        f"{live_server.url}{V1}/tickets",
        json={"service": "aufenthalt", "language": "tr"},
        timeout=10,
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "k-1"},
    )
    assert response.status_code == 201
    database = live_server.db_url.removeprefix("sqlite:///")
    dump = "\n".join(sqlite3.connect(database).iterdump())
    assert token not in dump
    listing = admin(live_server, "token", "list").stdout
    assert "Kiosk Eingang" in listing and token not in listing


def test_a_revoked_token_is_refused(live_server):
    token = admin(live_server, "token", "create", "--role", "staff", "--name", "Schalter 9").stdout.splitlines()[-1]
    assert admin(live_server, "token", "revoke", "Schalter 9").returncode == 0
    live_server.stop()
    live_server.start()  # a fresh process has no cached lookups
    response = requests.get(f"{live_server.url}{V1}/devices", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert response.status_code == 401
    assert admin(live_server, "token", "revoke", "nobody").returncode == 1


def test_quota_change_and_day_report(live_server):
    issue(live_server)
    result = admin(live_server, "service", "quota", "notfall", "1")
    assert result.returncode == 0 and "remaining 0" in result.stdout
    assert issue(live_server).status_code == 409
    too_low = admin(live_server, "service", "quota", "notfall", "zero")
    assert too_low.returncode == 1 and "quota" in too_low.stderr and "Traceback" not in too_low.stderr
    report = report_table(admin(live_server, "report").stdout)
    assert report["Notfall: Aufenthalt läuft bald ab"]["issued"] == "1"


def test_a_bad_database_url_is_named(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "launcher", "admin", "db", "upgrade", "--db", "mysql://x/y"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 2 and "mysql" in result.stderr and "Traceback" not in result.stderr


def report_table(output: str) -> dict[str, dict[str, str]]:
    """The report's table as {service name: {column heading: figure}}."""
    lines = output.splitlines()
    header = next(index for index, line in enumerate(lines) if line.startswith("service "))
    headings = lines[header].split()[1:]
    name_width = len(lines[header]) - len(lines[header][len("service") :].lstrip())
    rows = lines[header + 1 :]
    rows = rows[: rows.index("")] if "" in rows else rows  # the partners' table may follow a blank line
    return {line[:name_width].strip(): dict(zip(headings, line[name_width:].split(), strict=True)) for line in rows}


def test_the_report_names_services_and_counts_a_transferred_ticket_where_it_ended(server_factory):
    monday = datetime(2026, 11, 23, 10, 0, tzinfo=BERLIN)
    server = server_factory(clock=monday)
    moved = issue(server, "notfall").json()
    issue(server, "notfall")
    act(server, moved["id"], "transfer", service="einbuergerung")
    call(server, "POST", f"{V1}/counters/4/call-next", "staff")
    act(server, moved["id"], "finish")
    server.set_clock(monday + timedelta(days=1))
    issue(server, "aufenthalt")

    yesterday = admin(server, "report", "--day", "yesterday")
    assert yesterday.returncode == 0, yesterday.stderr
    assert "service day 2026-11-23" in yesterday.stdout
    # What each column counts is said above the table.
    assert "transferred by staff to another service" in yesterday.stdout
    table = report_table(yesterday.stdout)
    # Names in the office's language (the site's first, German), not ids.
    emergency, naturalisation = table["Notfall: Aufenthalt läuft bald ab"], table["Einbürgerung"]
    assert (emergency["issued"], emergency["moved-out"], emergency["done"], emergency["waiting"]) == (
        "2",
        "1",
        "0",
        "1",
    )
    assert (naturalisation["issued"], naturalisation["moved-in"], naturalisation["done"]) == ("0", "1", "1")
    assert admin(server, "report", "--day", "2026-11-23").stdout == yesterday.stdout

    today = admin(server, "report", "--day", "today")
    assert "service day 2026-11-24" in today.stdout
    assert report_table(today.stdout)["Aufenthaltstitel mit Termin"]["issued"] == "1"
    assert admin(server, "report").stdout == today.stdout


def test_a_report_day_that_is_no_day_is_named_without_a_traceback(live_server):
    for day in ("gestern", "2026-02-30", "23.11.2026"):
        result = admin(live_server, "report", "--day", day)
        assert result.returncode == 2
        assert f"--day: expected today, yesterday or a date like 2026-11-23, got {day!r}" in result.stderr
        assert "Traceback" not in result.stderr

"""`wartemarke admin`: what an office manager types, checked against a real server."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

import requests

from launcher.live_server import ROOT
from tests.server.test_api import V1, issue


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
    report = admin(live_server, "report").stdout
    assert any(line.split()[:2] == ["notfall", "1"] for line in report.splitlines())


def test_a_bad_database_url_is_named(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "launcher", "admin", "db", "upgrade", "--db", "mysql://x/y"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 2 and "mysql" in result.stderr and "Traceback" not in result.stderr

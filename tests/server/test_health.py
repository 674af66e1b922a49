"""/health tells a load balancer whether the server can take tickets: not only whether the database
answers, but whether it accepts writes.

A full disk: the SQLite database lives on a small tmpfs of its own (mounting needs root, as CI and
`make test` have), filled to the last byte by a file that the test then removes. /health says 503
with the reason, bad input still gets its 4xx, no acknowledged ticket is lost, and everything works
again once there is space. A read-only PostgreSQL (a standby, or one an operator set read-only): the
same 503, and ok again when it takes writes.
"""

from __future__ import annotations

import errno
import os
import subprocess
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
import requests
from sqlalchemy.engine import make_url

from tests.server.conftest import site_variant
from tests.server.test_api import V1, call, issue


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 16 MiB filesystem of its own, unmounted after the test (after its server has stopped)."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount_point)], capture_output=True, text=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small filesystem here (needs root): {mounted.stderr.strip()}")
    yield mount_point
    subprocess.run(["umount", "--lazy", str(mount_point)], check=False)


def fill(disk: Path) -> Path:
    """Write until the filesystem refuses another byte."""
    filler = disk / "filler"
    chunk = b"\0" * 65536
    with open(filler, "wb", buffering=0) as out:
        try:
            while True:
                out.write(chunk)
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
        try:
            while True:
                out.write(b"\0")
        except OSError as exc:
            assert exc.errno == errno.ENOSPC
    return filler


def wait_for_health(server, status: int, seconds: float = 20) -> requests.Response:
    deadline = time.monotonic() + seconds
    while True:
        answer = requests.get(f"{server.url}{V1}/health", timeout=10)
        if answer.status_code == status or time.monotonic() > deadline:
            return answer
        time.sleep(0.2)


def test_a_full_disk_is_reported_by_health_and_loses_no_ticket(small_disk, server_factory, tmp_path):
    server = server_factory(
        config=site_variant(tmp_path, quota=3, rate=100000), db_url=f"sqlite:///{small_disk}/wartemarke.db"
    )
    acknowledged: dict[str, dict] = {}
    for _ in range(10):
        ticket = issue(server, "aufenthalt").json()
        acknowledged[ticket["id"]] = ticket

    filler = fill(small_disk)
    # The database's journal may still have room for some tickets; issue until a commit fails.
    refused = None
    for _ in range(3000):
        answer = issue(server, "aufenthalt")
        assert answer.status_code in (201, 503), answer.text
        if answer.status_code == 503:
            refused = answer
            break
        acknowledged[answer.json()["id"]] = answer.json()
    assert refused is not None, "3000 tickets fitted on a full disk"
    assert refused.json()["error"] == "unavailable" and "Retry-After" in refused.headers

    sick = wait_for_health(server, 503)
    assert sick.status_code == 503
    assert sick.json()["error"] == "unavailable"
    assert "database or disk is full" in sick.json()["message"]
    assert "Retry-After" in sick.headers

    # Bad input still gets its own answer, never a 5xx.
    kiosk = {"Authorization": f"Bearer {server.tokens['kiosk']}", "Idempotency-Key": str(uuid.uuid4())}
    assert requests.post(f"{server.url}{V1}/tickets", data=b"{", headers=kiosk, timeout=10).status_code == 422
    assert issue(server, "visa").status_code == 404
    assert call(server, "GET", f"{V1}/tickets/nope", "staff").status_code == 404
    assert call(server, "POST", f"{V1}/scan", "staff", json={"code": "garbage", "counter": "1"}).status_code == 400
    assert requests.get(f"{server.url}{V1}/services", timeout=10).status_code == 401

    os.remove(filler)
    assert wait_for_health(server, 200).json() == {"status": "ok"}
    again = issue(server, "aufenthalt")
    assert again.status_code == 201
    acknowledged[again.json()["id"]] = again.json()

    # Every ticket a kiosk was told about is there, also after a crash.
    server.kill()
    server.start()
    for ticket in acknowledged.values():
        stored = call(server, "GET", f"{V1}/tickets/{ticket['id']}", "staff")
        assert stored.status_code == 200, f"ticket {ticket['number']} was acknowledged but lost"
        assert stored.json()["number"] == ticket["number"]
    numbers = sorted(int(t["number"][1:]) for t in acknowledged.values())
    assert numbers == list(range(1, len(numbers) + 1))


def test_a_read_only_postgresql_is_reported_by_health(server_factory, postgres_cluster, postgres_url):
    server = server_factory(db_url=postgres_url)
    database = make_url(postgres_url).database

    def read_only(on: bool) -> None:
        """Switch the database, and end the server's sessions so that its new ones see the switch."""
        with psycopg.connect(postgres_cluster.url(), autocommit=True) as admin:
            admin.execute(f'ALTER DATABASE "{database}" SET default_transaction_read_only = {"on" if on else "off"}')
            admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", (database,))

    assert issue(server, "aufenthalt").status_code == 201
    read_only(True)
    sick = wait_for_health(server, 503)
    assert sick.status_code == 503
    assert "read-only transaction" in sick.json()["message"]
    refused = issue(server, "aufenthalt")
    assert refused.status_code == 503 and refused.json()["error"] == "unavailable", refused.text
    assert call(server, "GET", f"{V1}/services", "display").status_code == 200  # reading still works

    read_only(False)
    assert wait_for_health(server, 200).json() == {"status": "ok"}
    assert issue(server, "aufenthalt").json()["number"] == "A002"

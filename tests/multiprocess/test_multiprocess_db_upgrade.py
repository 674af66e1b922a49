"""`wartemarke admin db upgrade` on both backends, also when several processes run it at once."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, text

from launcher.live_server import ROOT, free_port
from server.storage.engine import normalise_url
from server.storage.migrate import alembic_config

RACE_SITE = Path(__file__).resolve().parent / "site-race.toml"


def admin(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "launcher", "admin", *args], cwd=ROOT, capture_output=True, text=True, timeout=60
    )


def schema_version(db_url: str) -> tuple[str, set[str]]:
    engine = create_engine(normalise_url(db_url))
    try:
        with engine.connect() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar_one()
        return version, set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_db_upgrade_run_by_three_processes_at_once_brings_an_empty_database_to_head(empty_db_url):
    command = [sys.executable, "-m", "launcher", "admin", "db", "upgrade", "--db", empty_db_url]
    runs = [
        subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)
    ]
    for run in runs:
        out, err = run.communicate(timeout=60)
        assert run.returncode == 0, err
        assert "is up to date" in out

    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    version, tables = schema_version(empty_db_url)
    assert version == head
    assert {"sites", "service_days", "tickets", "events", "device_tokens", "server_secrets"} <= tables

    again = admin("db", "upgrade", "--db", empty_db_url)
    assert again.returncode == 0, again.stderr
    assert schema_version(empty_db_url)[0] == head


def test_admin_token_commands_work_on_a_fresh_database(empty_db_url):
    created = admin(
        "token",
        "create",
        "--role",
        "kiosk",
        "--name",
        "Kiosk Eingang",
        "--db",
        empty_db_url,
        "--config",
        str(RACE_SITE),
    )
    assert created.returncode == 0, created.stderr
    assert len(created.stdout.strip().splitlines()[-1]) >= 20
    listed = admin("token", "list", "--db", empty_db_url, "--config", str(RACE_SITE))
    assert listed.returncode == 0 and "Kiosk Eingang" in listed.stdout and "kiosk" in listed.stdout


def test_db_upgrade_against_a_database_that_does_not_answer_says_so_in_one_line():
    url = f"postgresql://wartemarke@127.0.0.1:{free_port()}/wartemarke"
    result = admin("db", "upgrade", "--db", url)
    assert result.returncode == 2
    assert "cannot connect to" in result.stderr and "127.0.0.1" in result.stderr
    assert "Traceback" not in result.stderr

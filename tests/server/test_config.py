"""A broken site config stops the server with one message naming the file, the key and the expectation."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from launcher.live_server import ROOT
from server.config import load_site_config
from wartemarke.config_file import ConfigError

GOOD = (ROOT / "config" / "site.toml").read_text(encoding="utf-8")


def broken(tmp_path: Path, old: str, new: str) -> Path:
    assert old in GOOD
    path = tmp_path / "site.toml"
    path.write_text(GOOD.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "old, new, expected",
    [
        ('timezone = "Europe/Berlin"', 'timezone = "Europe/Düsseldorf"', "site.timezone: unknown time zone"),
        ("quota = 75", "quota = -3", "services[0].quota"),
        ("quota = 75", 'quota = "many"', "services[0].quota"),
        ('mon = ["07:30-12:00"]', 'mon = ["7:30 to 12"]', "services[0].hours"),
        ('mon = ["07:30-12:00"]', 'monday = ["07:30-12:00"]', "unknown weekday 'monday'"),
        ('prefix = "A"', 'prefix = "N"', "prefix: 'N' is used twice"),
        ('services = ["einbuergerung"]', 'services = ["einbürgerung"]', "unknown service 'einbürgerung'"),
        ("kiosk_tickets_per_minute", "kiosk_ticket_per_minute", "limits.kiosk_ticket_per_minute: unknown key"),
        ('tr = "Acil', 'xx_tr = "Acil', "services[0].names"),
        ("per_window = 3 ", "per_window = 0 ", "services[0].later_slots.per_window"),
        ("days_ahead = 5 ", "days_ahead = 5\nper_week = 9 ", "services[0].later_slots.per_week: unknown key"),
        ("window_minutes = 30 ", "window_minutes = 300 ", "later_slots.window_minutes: no opening interval"),
        ('"2026-12-25", "2026-12-26"', '"2026-12-25", "26.12.2026"', "site.closed_dates: '26.12.2026' is not a date"),
        ("service_level_minutes = 30", "service_level_minutes = 0", "services[0].service_level_minutes"),
        ("service_level_minutes = 30", 'service_level_minutes = "30"', "services[0].service_level_minutes"),
        ("idle_minutes = 480", "idle_minutes = 1", "web_sessions.idle_minutes"),
        ("longest_hours = 12", "longest_hour = 12", "web_sessions.longest_hour: unknown key"),
        ("address = ", "adress = ", "site.adress: unknown key"),
        (
            'services = ["notfall"]\nslots_per_day = 4',
            'services = ["aufenthalt"]\nslots_per_day = 4',
            "partners[0].services: 'aufenthalt' has no [services.later_slots]",
        ),
        (
            'services = ["notfall"]\nslots_per_day = 4',
            'services = ["visa"]\nslots_per_day = 4',
            "unknown service 'visa'",
        ),
        ("slots_per_day = 4", "slots_per_day = 0", "partners[0].slots_per_day"),
        ("slots_per_day = 4", 'slots_per_day = "4"', "partners[0].slots_per_day: expected a whole number"),
        ("slots_per_day = 4", 'slots_per_day = 4\nphone = "0211 123"', "partners[0].phone: unknown key"),
        ('id = "kim"', 'id = "caritas"', "partners[1].id: 'caritas' is used twice"),
        ('names = { de = "Caritas Migrationsberatung", ', "names = { ", "partners[0].names: no name for de"),
        ('counselling" }', 'counselling", fr = "Caritas" }', "partners[0].names: fr is not a language of the site"),
    ],
)
def test_each_mistake_is_named(tmp_path, old, new, expected):
    path = broken(tmp_path, old, new)
    with pytest.raises(ConfigError) as error:
        load_site_config(path)
    message = str(error.value)
    assert message.startswith(str(path))
    assert expected in message


def test_not_toml_at_all(tmp_path):
    path = tmp_path / "site.toml"
    path.write_text("[site\nid = ", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_site_config(path)


def test_the_server_refuses_to_start_and_says_why(tmp_path):
    path = broken(tmp_path, "quota = 75", "quota = 0")
    result = subprocess.run(
        [sys.executable, "-m", "launcher", "server", "--config", str(path), "--db", f"sqlite:///{tmp_path}/x.db"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 2
    assert f"{path}: services[0].quota" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_counter_without_a_name_in_a_site_language_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_text(GOOD.replace('names = { de = "Schalter 3", ', "names = { ", 1), encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_site_config(path)
    assert str(refused.value) == f"{path}: counters[2].names: no name for de"

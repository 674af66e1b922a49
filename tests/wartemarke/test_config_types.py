"""Every number and flag in every config file has its own TOML type: `quota = true` is not a quota of 1.

Each case changes one line of a shipped example config and expects the one-line message an office
manager would read: the file, the key, what belongs there and what the file says, spelled as in TOML.
Values TOML can only write as text (times of day, paths) keep working as text.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import time
from pathlib import Path
from typing import Any

import pytest

from counter.config import load_counter_config
from display.config import load_display_config
from kiosk.config import load_kiosk_config
from launcher.live_server import ROOT
from server.config import load_site_config
from wartemarke.config_file import ConfigError

LOADERS: dict[str, Callable[[Path], Any]] = {
    "site.toml": load_site_config,
    "kiosk.toml": load_kiosk_config,
    "display.toml": load_display_config,
    "counter.toml": load_counter_config,
}


def changed(tmp_path: Path, name: str, old: str, new: str) -> Path:
    text = (ROOT / "config" / name).read_text(encoding="utf-8")
    assert old in text, f"{old!r} is not in config/{name}"
    path = tmp_path / name
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "name, old, new, expected",
    [
        # whole numbers
        ("site.toml", "quota = 75", "quota = true", "services[0].quota: expected a whole number, got true"),
        ("site.toml", "quota = 75", 'quota = "75"', 'services[0].quota: expected a whole number, got "75"'),
        ("site.toml", "quota = 75", "quota = 75.0", "services[0].quota: expected a whole number, got 75.0"),
        (
            "site.toml",
            "kiosk_tickets_per_minute = 10",
            "kiosk_tickets_per_minute = false",
            "limits.kiosk_tickets_per_minute: expected a whole number, got false",
        ),
        ("display.toml", "history = 8", 'history = "8"', 'board.history: expected a whole number, got "8"'),
        ("display.toml", "rate = 140", "rate = true", "sound.rate: expected a whole number, got true"),
        (
            "counter.toml",
            "min_length = 8",
            "min_length = true",
            "scanner.min_length: expected a whole number, got true",
        ),
        # numbers (a whole number is a number too)
        (
            "site.toml",
            "service_minutes = 15",
            'service_minutes = "15"',
            'services[0].service_minutes: expected a number, got "15"',
        ),
        ("site.toml", "priority = 3.0", "priority = true", "services[0].priority: expected a number, got true"),
        ("kiosk.toml", "idle_seconds = 45", 'idle_seconds = "45"', 'kiosk.idle_seconds: expected a number, got "45"'),
        (
            "display.toml",
            "label_seconds = 6",
            "label_seconds = true",
            "board.label_seconds: expected a number, got true",
        ),
        (
            "counter.toml",
            "max_key_gap_ms = 50",
            'max_key_gap_ms = "50"',
            'scanner.max_key_gap_ms: expected a number, got "50"',
        ),
        # flags
        ("display.toml", "enabled = true", 'enabled = "yes"', 'sound.enabled: expected true or false, got "yes"'),
        ("display.toml", "enabled = true", "enabled = 1", "sound.enabled: expected true or false, got 1"),
        (
            "display.toml",
            "ticket_language = true",
            'ticket_language = "false"',
            'sound.ticket_language: expected true or false, got "false"',
        ),
        # choices among numbers
        (
            "counter.toml",
            'kind = "keyboard"',
            'kind = "keyboard"\nbaudrate = "9600"',
            'scanner.baudrate: expected 1200, 2400, 4800, 9600, 19200, 38400, 57600 or 115200, got "9600"',
        ),
        # text
        ("kiosk.toml", 'staff_pin = "2468"', "staff_pin = 2468", "kiosk.staff_pin: expected text in quotes, got 2468"),
        ("kiosk.toml", 'profile = "TM-T20III"', "profile = 20", "printer.profile: expected text in quotes, got 20"),
        # paths and times are text in TOML; anything else is named
        (
            "kiosk.toml",
            'token_file = "../var/demo/kiosk.token"',
            "token_file = 7",
            "server.token_file: expected a path in quotes, got 7",
        ),
        (
            "site.toml",
            'day_starts = "00:00"',
            "day_starts = 4",
            'site.day_starts: expected a time of day like "07:30", got 4',
        ),
        (
            "site.toml",
            'day_starts = "00:00"',
            'day_starts = "4 Uhr"',
            'site.day_starts: expected a time of day like "07:30", got "4 Uhr"',
        ),
    ],
)
def test_a_value_of_the_wrong_type_is_named(tmp_path: Path, name: str, old: str, new: str, expected: str) -> None:
    path = changed(tmp_path, name, old, new)
    with pytest.raises(ConfigError) as refused:
        LOADERS[name](path)
    assert str(refused.value) == f"{path}: {expected}"


def test_values_written_as_text_or_as_toml_times_still_load(tmp_path: Path) -> None:
    night = load_site_config(changed(tmp_path, "site.toml", 'day_starts = "00:00"', 'day_starts = "04:30"'))
    assert night.site.day_starts == time(4, 30)
    native = load_site_config(changed(tmp_path, "site.toml", 'day_starts = "00:00"', "day_starts = 04:30:00"))
    assert native.site.day_starts == time(4, 30)
    kiosk = load_kiosk_config(ROOT / "config" / "kiosk.toml")
    assert kiosk.server.token_file == (ROOT / "var" / "demo" / "kiosk.token").resolve()
    assert kiosk.kiosk.idle_seconds == 45.0  # a whole number where a number is expected

"""`wartemarke kiosk`: a wrong config or token stops it with one clear line, before any window opens."""

from __future__ import annotations

from pathlib import Path

from kiosk.main import main

GOOD = """
[server]
url = "http://127.0.0.1:8000"
token_file = "kiosk.token"
[printer]
url = "preview://printed"
[kiosk]
staff_pin = "2468"
"""


def test_wrong_key_is_named_and_nothing_starts(tmp_path: Path, capsys):
    (tmp_path / "kiosk.toml").write_text(GOOD.replace("staff_pin", "staf_pin"))
    assert main(["--config", str(tmp_path / "kiosk.toml")]) == 2
    error = capsys.readouterr().err
    assert "kiosk.staf_pin: unknown key" in error
    assert "kiosk.staff_pin: required key is missing" in error


def test_missing_token_file_is_named(tmp_path: Path, capsys):
    (tmp_path / "kiosk.toml").write_text(GOOD)
    assert main(["--config", str(tmp_path / "kiosk.toml"), "--windowed"]) == 2
    assert "server.token_file" in capsys.readouterr().err


def test_missing_config_file_is_named(tmp_path: Path, capsys):
    assert main(["--config", str(tmp_path / "nope.toml")]) == 2
    assert "nope.toml: file not found" in capsys.readouterr().err

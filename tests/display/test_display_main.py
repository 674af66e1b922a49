"""`wartemarke display`: bad configs and options stop with a clear message before any window opens."""

from __future__ import annotations

import pytest

from display.main import START, main
from wartemarke.kivy_shell.startup import parse_args


def test_a_broken_config_is_named_and_no_window_opens(tmp_path, capsys):
    path = tmp_path / "display.toml"
    path.write_text('[server]\nurl = "ftp://example"\ntoken_file = "t"\n')
    assert main(["--config", str(path)]) == 2
    assert "display.toml: server.url: " in capsys.readouterr().err


def test_a_missing_token_file_is_named(tmp_path, capsys):
    path = tmp_path / "display.toml"
    path.write_text('[server]\ntoken_file = "display.token"\n')
    assert main(["--config", str(path)]) == 2
    assert "display.token does not exist" in capsys.readouterr().err


def test_window_size_option():
    assert parse_args(START, ["--config", "x", "--size", "1080x1920"]).size == (1080, 1920)
    with pytest.raises(SystemExit):
        parse_args(START, ["--config", "x", "--size", "big"])

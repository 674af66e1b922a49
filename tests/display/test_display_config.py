"""config/display.toml: the shipped example loads; mistakes name file and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from display.config import load_display_config
from wartemarke.config_file import ConfigError

REPO = Path(__file__).resolve().parents[2]


def test_the_shipped_config_loads_and_its_token_file_is_relative_to_it():
    config = load_display_config(REPO / "config" / "display.toml")
    assert config.server.token_file == (REPO / "var" / "demo" / "display.token").resolve()
    assert config.sound.voice == "de"


def test_a_typo_names_the_file_and_key(tmp_path):
    path = tmp_path / "display.toml"
    path.write_text('[server]\ntoken_file = "t"\n[board]\nhistroy = 8\n')
    with pytest.raises(ConfigError, match=r"display\.toml: board\.histroy: unknown key"):
        load_display_config(path)


def test_an_unknown_language_is_refused(tmp_path):
    path = tmp_path / "display.toml"
    path.write_text('[server]\ntoken_file = "t"\n[board]\nlanguages = ["de", "klingon"]\n')
    with pytest.raises(ConfigError, match="board.languages: .*'klingon'"):
        load_display_config(path)


def test_a_missing_token_file_is_said_plainly(tmp_path):
    path = tmp_path / "display.toml"
    path.write_text('[server]\ntoken_file = "nowhere.token"\n')
    with pytest.raises(ConfigError, match=r"server\.token_file: .*nowhere\.token does not exist"):
        load_display_config(path).server.read_token("display")

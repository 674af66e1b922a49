"""kiosk.toml: the shipped example loads, and mistakes are named by key."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import load_kiosk_config
from wartemarke.config_file import ConfigError

REPO = Path(__file__).resolve().parents[2]

GOOD = """
[server]
url = "http://127.0.0.1:8000"
token_file = "kiosk.token"
[printer]
url = "preview://printed"
[kiosk]
staff_pin = "2468"
"""


def test_shipped_config_loads_with_paths_relative_to_its_folder():
    config = load_kiosk_config(REPO / "config" / "kiosk.toml")
    assert config.server.token_file == (REPO / "var" / "demo" / "kiosk.token").resolve()
    assert config.printer.url == f"preview://{(REPO / 'var' / 'demo' / 'printed').resolve()}"
    assert config.kiosk.languages == ["de", "en", "uk", "ru", "tr", "ar", "fa"]


def test_token_is_read_from_the_token_file(tmp_path):
    (tmp_path / "kiosk.toml").write_text(GOOD)
    (tmp_path / "kiosk.token").write_text("secret-token\n")
    assert load_kiosk_config(tmp_path / "kiosk.toml").read_token() == "secret-token"


def test_missing_token_file_names_the_key(tmp_path):
    (tmp_path / "kiosk.toml").write_text(GOOD)
    with pytest.raises(ConfigError, match=r"server\.token_file: .*kiosk\.token does not exist"):
        load_kiosk_config(tmp_path / "kiosk.toml").read_token()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (('staff_pin = "2468"', 'staff_pin = "24"'), r"kiosk\.staff_pin"),
        (
            ('staff_pin = "2468"', 'staff_pin = "2468"\nlanguages = ["de", "xx"]'),
            r"kiosk\.languages: unknown language 'xx'",
        ),
        (('staff_pin = "2468"', 'staff_pin = "2468"\nidel_seconds = 30'), r"kiosk\.idel_seconds: unknown key"),
        (('staff_pin = "2468"', 'staff_pin = "2468"\norientation = "sideways"'), r"kiosk\.orientation"),
        (('url = "http://127.0.0.1:8000"', 'url = "127.0.0.1:8000"'), r"server\.url"),
    ],
)
def test_a_wrong_value_is_named_by_file_and_key(tmp_path, change, expected):
    path = tmp_path / "kiosk.toml"
    path.write_text(GOOD.replace(*change))
    with pytest.raises(ConfigError, match=expected) as error:
        load_kiosk_config(path)
    assert str(path) in str(error.value)


@pytest.mark.parametrize(
    ("section", "expected"),
    [
        ('[keys]\nnext = ["down", "nmpad2"]\n', r"keys\.next: 'nmpad2' is not a key; use e\.g\."),
        ('[keys]\nback = ["enter"]\n', r"keys: key 'enter' is given to both choose and back"),
        ("[keys]\nchoose = []\n", r"keys\.choose: Value should have at least 1 item"),
        ('[keys]\nrepeat = "r"\n', r"keys\.repeat: expected a list like \[\.\.\.\], got \"r\""),
        ('[keys]\nhelp = ["f1"]\n', r"keys\.help: unknown key"),
        ('[accessibility]\nspeech = "sometimes"\n', r"accessibility\.speech"),
        ('[accessibility]\noutput = "speakers"\n', r"accessibility\.output"),
        ("[accessibility]\nwarning_seconds = 60\n", r"warning_seconds must be shorter than idle_seconds"),
        ('[accessibility]\nvoices = { xx = "de" }\n', r"accessibility\.voices\.xx.*unknown language 'xx'"),
        ("[accessibility]\nrate = 1000\n", r"accessibility\.rate"),
    ],
)
def test_keys_and_accessibility_mistakes_are_named_by_key(tmp_path, section, expected):
    path = tmp_path / "kiosk.toml"
    path.write_text(GOOD + section)
    with pytest.raises(ConfigError, match=expected):
        load_kiosk_config(path)


def test_a_wav_folder_for_speech_is_relative_to_the_config(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text(GOOD + '[accessibility]\noutput = "wav://spoken"\nspeech = "always"\n')
    config = load_kiosk_config(path)
    assert config.accessibility.output == f"wav://{(tmp_path / 'spoken').resolve()}"
    assert config.keys.choose == ["enter", "numpad_enter", "numpad5"]  # the keys default to a numeric keypad


def test_a_serial_scanner_needs_a_port_and_a_keyboard_scanner_takes_the_letters(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text(GOOD + '[scanner]\nkind = "serial"\n')
    with pytest.raises(ConfigError, match="port"):
        load_kiosk_config(path)
    path.write_text(GOOD + '[scanner]\nkind = "keyboard"\n[keys]\nspeech = ["h", "f1"]\n')
    with pytest.raises(ConfigError, match=r"keys\.speech: 'h' is typed by the keyboard scanner"):
        load_kiosk_config(path)
    path.write_text(GOOD + '[scanner]\nkind = "keyboard"\n')
    keys = load_kiosk_config(path).keys
    # The default letter keys are left out; the keypad's stay.
    assert (keys.speech, keys.repeat, keys.large_print) == (
        ["f1", "numpad_multiply"],
        ["numpad0"],
        ["f2", "numpad_divide"],
    )
    path.write_text(GOOD)
    assert load_kiosk_config(path).scanner is None

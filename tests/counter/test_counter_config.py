"""counter.toml: the shipped file loads; mistakes are named by file and key; the token file is checked."""

from pathlib import Path

import pytest

from counter.config import load_counter_config
from counter.main import main
from wartemarke.config_file import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "counter.toml"
    path.write_text(text, encoding="utf-8")
    return path


BASE = '[server]\nurl = "http://127.0.0.1:8000"\ntoken_file = "staff.token"\n'


def test_the_shipped_config_loads():
    config = load_counter_config(ROOT / "config" / "counter.toml")
    assert config.counter.id == "2" and config.scanner.kind == "keyboard"
    assert config.server.token_file == (ROOT / "var" / "demo" / "counter.token").resolve()


def test_counter_may_be_left_out_to_pick_it_at_start(tmp_path):
    config = load_counter_config(write(tmp_path, BASE))
    assert config.counter.id is None and config.counter.language == "de"


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ('[scanner]\nkind = "serial"\n', 'scanner: kind = "serial" needs port'),
        ('[scanner]\nkind = "laser"\n', "scanner.kind"),
        ('[scanner]\nkind = "serial"\nport = "/dev/ttyACM0"\nbaudrate = 9601\n', "scanner.baudrate"),
        ('[shortcuts]\ncall_next = "f5"\n', "key 'f5' is given to two actions"),
        ('[shortcuts]\nrecall = "hyper+q"\n', "shortcuts.recall"),
        ('[counter]\nlanguage = "xx"\n', "counter.language"),
        ('[counter]\nid = "1"\nlangauge = "de"\n', "counter.langauge: unknown key"),
    ],
)
def test_mistakes_name_the_key(tmp_path, extra, named):
    with pytest.raises(ConfigError) as error:
        load_counter_config(write(tmp_path, BASE + extra))
    assert "counter.toml" in str(error.value) and named in str(error.value)


def test_token_file_problems_are_explained(tmp_path):
    config = load_counter_config(write(tmp_path, BASE))
    with pytest.raises(ConfigError, match="does not exist"):
        config.read_token()
    (tmp_path / "staff.token").write_text("two words\n")
    with pytest.raises(ConfigError, match="token alone"):
        config.read_token()
    (tmp_path / "staff.token").write_text("s3cr3t-token\n")
    assert config.read_token() == "s3cr3t-token"


def test_main_stops_with_a_clear_message_before_opening_a_window(tmp_path, capsys):
    path = write(tmp_path, BASE + '[scanner]\nkind = "serial"\n')
    assert main(["--config", str(path)]) == 2
    assert "needs port" in capsys.readouterr().err
    assert main(["--config", str(tmp_path / "missing.toml")]) == 2
    assert "file not found" in capsys.readouterr().err

"""`wartemarke printer test|status` as an installer uses it."""

from __future__ import annotations

from pathlib import Path

import pytest
from fake_serial_printer import COVER_OPEN, OK, FakeSerialPrinter

from printer.cli import main


def test_test_print_to_a_preview_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["test", "--printer", f"preview://{tmp_path}", "--profile", "TM-T88V", "--language", "fa"])
    assert code == 0
    assert (tmp_path / "N017.bin").stat().st_size > 0
    assert (tmp_path / "N017.png").stat().st_size > 0
    assert "printed sample ticket N017" in capsys.readouterr().out


def test_test_print_over_serial_sends_the_ticket(capsys: pytest.CaptureFixture[str]) -> None:
    with FakeSerialPrinter(OK) as fake:
        code = main(["test", "--printer", fake.url(), "--language", "de"])
    assert code == 0
    assert b"\x1d(k" in fake.received and fake.received.endswith(b"\x1dV\x00")


def test_status_ok_exits_zero(capsys: pytest.CaptureFixture[str]) -> None:
    with FakeSerialPrinter(OK) as fake:
        code = main(["status", "--printer", fake.url()])
    assert code == 0
    assert capsys.readouterr().out.splitlines() == ["ok"]


def test_status_fault_prints_its_name_first_and_exits_nonzero(capsys: pytest.CaptureFixture[str]) -> None:
    with FakeSerialPrinter(COVER_OPEN) as fake:
        code = main(["status", "--printer", fake.url(), "--profile", "TM-T88V"])
    lines = capsys.readouterr().out.splitlines()
    assert code != 0
    assert lines[0] == "cover open"
    assert len(lines) > 1  # what to do about it


def test_status_of_a_missing_printer_is_offline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["status", "--printer", f"serial://{tmp_path}/ttyUSB0"])
    assert code != 0
    assert capsys.readouterr().out.splitlines()[0] == "offline"


def test_bad_profile_is_a_clear_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["status", "--printer", f"preview://{tmp_path}", "--profile", "TM-T99"])
    assert code == 2
    assert "unknown printer profile 'TM-T99'" in capsys.readouterr().err

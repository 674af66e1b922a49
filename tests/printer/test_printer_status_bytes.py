"""Decoding DLE EOT answers that the pty tests do not cover: printer errors and odd combinations."""

from __future__ import annotations

from printer.status import PrinterStatus, read_status


def _printer(answers: dict[int, int]):
    return lambda n: answers.get(n)


def test_autocutter_error_is_offline_with_the_cause() -> None:
    report = read_status(_printer({1: 0x1A, 2: 0x12 | 0x40, 3: 0x12 | 0x08, 4: 0x12}))
    assert report.status is PrinterStatus.OFFLINE
    assert "autocutter" in report.detail


def test_paper_end_sensor_wins_over_an_online_flag() -> None:
    assert read_status(_printer({1: 0x12, 4: 0x12 | 0x60})).status is PrinterStatus.PAPER_OUT


def test_answering_the_first_query_only_is_still_offline() -> None:
    report = read_status(_printer({1: 0x12}))
    assert report.status is PrinterStatus.OFFLINE
    assert "DLE EOT 4" in report.detail

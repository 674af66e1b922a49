"""A printer configured wrongly says what is wrong, naming the URL or profile."""

from __future__ import annotations

import pytest

from printer import PrinterError, PrinterStatus, open_printer


@pytest.mark.parametrize(
    ("url", "complaint"),
    [
        ("lpt://1", "unknown kind 'lpt'"),
        ("/dev/usb/lp0", "missing kind://"),
        ("serial:///dev/ttyUSB0?baudrate=9601", "baudrate must be one of"),
        ("serial:///dev/ttyUSB0?speed=9600", "unknown option 'speed'"),
        ("serial://ttyUSB0", "device path"),
        ("tcp://printer.local:port", "port must be a number"),
        ("tcp://:9100", "host and port"),
        ("usb://04b8-0e28", "vendor and product id"),
        ("file://dev/usb/lp0", "absolute path"),
        ("preview://", "folder"),
    ],
)
def test_bad_url_is_named_in_the_error(url: str, complaint: str) -> None:
    with pytest.raises(PrinterError) as error:
        open_printer(url, "TM-T20III")
    assert url in str(error.value)
    assert complaint in str(error.value)


def test_unknown_profile_is_named_with_the_known_ones(tmp_path) -> None:
    with pytest.raises(PrinterError) as error:
        open_printer(f"preview://{tmp_path}", "TM-T99")
    assert "'TM-T99'" in str(error.value)
    assert "TM-T88V" in str(error.value) and "TM-T20III" in str(error.value)


def test_printer_that_is_not_there_is_offline_not_an_error(tmp_path) -> None:
    for url in (f"serial://{tmp_path}/ttyUSB7", "tcp://127.0.0.1:1", f"file://{tmp_path}/lp9"):
        printer = open_printer(url, "TM-T88V")
        report = printer.status()
        printer.close()
        assert report.status is PrinterStatus.OFFLINE, url
        assert report.detail

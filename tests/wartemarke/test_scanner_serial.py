"""The serial scanner reader over a pseudo-terminal: what a real scanner on a cable does.

The app opens a stable path (here a symlink, like /dev/serial/by-id/...) that points at the pty's
slave end; unplugging is the pty going away and the path disappearing, replugging a new pty at the
same path.
"""

from __future__ import annotations

import os
import queue
import tty
from pathlib import Path

import pytest

from wartemarke.scanner.serial_scanner import SerialScanner

CODE = "https://wartemarke.example.de/t/Zx81kQ"
WAIT = 5.0


class FakeDevice:
    """One plugged-in scanner: a raw pty whose slave is reachable at `link`."""

    def __init__(self, link: Path) -> None:
        self.master, self.slave = os.openpty()
        tty.setraw(self.master)
        tty.setraw(self.slave)
        self.link = link
        link.symlink_to(os.ttyname(self.slave))

    def write(self, data: bytes) -> None:
        os.write(self.master, data)

    def unplug(self) -> None:
        self.link.unlink()
        os.close(self.master)
        os.close(self.slave)


@pytest.fixture
def link(tmp_path: Path) -> Path:
    return tmp_path / "scanner"


@pytest.fixture
def reader(link: Path):
    codes: queue.Queue[str] = queue.Queue()
    states: queue.Queue[bool] = queue.Queue()
    scanner = SerialScanner(str(link), 9600, codes.put, states.put, reopen_interval=0.05)
    yield scanner, codes, states
    scanner.stop()


def next_state(states: queue.Queue[bool], wanted: bool) -> None:
    while states.get(timeout=WAIT) is not wanted:
        pass


def test_codes_with_cr_lf_and_crlf_arrive_in_order(link, reader):
    scanner, codes, states = reader
    device = FakeDevice(link)
    scanner.start()
    next_state(states, True)
    device.write(f"{CODE}\rSECOND-1\nTHIRD-22\r\n".encode())
    assert [codes.get(timeout=WAIT) for _ in range(3)] == [CODE, "SECOND-1", "THIRD-22"]
    device.unplug()


def test_a_code_written_in_pieces_arrives_whole(link, reader):
    scanner, codes, states = reader
    device = FakeDevice(link)
    scanner.start()
    next_state(states, True)
    data = CODE.encode() + b"\r\n"
    for start in range(0, len(data), 5):
        device.write(data[start : start + 5])
    assert codes.get(timeout=WAIT) == CODE
    assert codes.empty()
    device.unplug()


def test_garbage_bytes_never_become_a_code(link, reader):
    scanner, codes, states = reader
    device = FakeDevice(link)
    scanner.start()
    next_state(states, True)
    device.write(b"\x00\xff\xfe\x1b\r\n\x07\r")
    device.write(CODE.encode() + b"\r")
    assert codes.get(timeout=WAIT) == CODE
    assert codes.empty()
    device.unplug()


def test_unplug_and_replug_without_restart(link, reader):
    scanner, codes, states = reader
    scanner.start()  # started before any scanner is plugged in
    first = FakeDevice(link)
    next_state(states, True)
    first.write(b"half-of-a-co")  # pulled out mid-code: this half must not glue onto the next code
    first.unplug()
    next_state(states, False)
    second = FakeDevice(link)
    next_state(states, True)
    second.write(CODE.encode() + b"\r\n")
    assert codes.get(timeout=WAIT) == CODE
    assert scanner.connected
    second.unplug()


def test_stop_ends_the_reader_even_without_a_device(reader):
    scanner, codes, _ = reader
    scanner.start()
    scanner.stop()
    assert scanner._thread is not None and not scanner._thread.is_alive()
    assert not scanner.connected and codes.empty()

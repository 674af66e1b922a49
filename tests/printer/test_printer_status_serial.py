"""A printer on a serial line, faked over a pseudo-terminal: status answers and what arrives."""

from __future__ import annotations

import pytest
from fake_serial_printer import COVER_OPEN, OK, PAPER_NEAR_END, PAPER_OUT, SILENT, FakeSerialPrinter

from printer import PrinterStatus, open_printer
from printer.escpos_output import ticket_bytes
from printer.layout import ticket_layout
from printer.profile import PrinterProfile
from printer.sample_ticket import SAMPLE_OFFICE, sample_ticket

PROFILE = "TM-T20III"


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (OK, PrinterStatus.OK),
        (PAPER_NEAR_END, PrinterStatus.PAPER_NEAR_END),
        (PAPER_OUT, PrinterStatus.PAPER_OUT),
        (COVER_OPEN, PrinterStatus.COVER_OPEN),
        (SILENT, PrinterStatus.OFFLINE),
    ],
    ids=["ok", "near-end", "paper-out", "cover-open", "silent"],
)
def test_status_is_what_the_printer_answers(answers: dict[int, int], expected: PrinterStatus) -> None:
    with FakeSerialPrinter(answers) as fake:
        printer = open_printer(fake.url(), PROFILE)
        try:
            report = printer.status()
        finally:
            printer.close()
    assert report.status is expected
    assert fake.queries, "the printer was never asked"
    assert not fake.received  # asking prints nothing


def test_silent_printer_is_offline_not_paper_ok() -> None:
    with FakeSerialPrinter(SILENT) as fake:
        printer = open_printer(fake.url(), PROFILE)
        report = printer.status()
        printer.close()
    assert report.status is PrinterStatus.OFFLINE
    assert "no answer" in report.detail


def test_garbage_answer_is_offline() -> None:
    with FakeSerialPrinter({n: 0xFF for n in range(1, 5)}) as fake:
        printer = open_printer(fake.url(), PROFILE)
        report = printer.status()
        printer.close()
    assert report.status is PrinterStatus.OFFLINE
    assert "0xff" in report.detail


@pytest.mark.parametrize("answers", [OK, PAPER_NEAR_END], ids=["ok", "near-end"])
def test_printed_bytes_are_the_layouts_bytes(answers: dict[int, int]) -> None:
    ticket = sample_ticket("de")
    expected = ticket_bytes(
        ticket_layout(ticket, office_name=SAMPLE_OFFICE, language="de"), PrinterProfile.named(PROFILE)
    )
    with FakeSerialPrinter(answers) as fake:
        printer = open_printer(fake.url(9600), PROFILE)
        report = printer.print_ticket(ticket, office_name=SAMPLE_OFFICE, language="de")
        printer.close()
    assert report.printed
    assert bytes(fake.received) == expected
    assert len(set(fake.queries)) >= 2  # asked before and after (printer status and paper sensor)


@pytest.mark.parametrize(
    ("answers", "expected"),
    [(PAPER_OUT, PrinterStatus.PAPER_OUT), (COVER_OPEN, PrinterStatus.COVER_OPEN), (SILENT, PrinterStatus.OFFLINE)],
    ids=["paper-out", "cover-open", "silent"],
)
def test_nothing_is_sent_into_a_known_fault(answers: dict[int, int], expected: PrinterStatus) -> None:
    with FakeSerialPrinter(answers) as fake:
        printer = open_printer(fake.url(), PROFILE)
        report = printer.print_ticket(sample_ticket("uk"), office_name=SAMPLE_OFFICE, language="uk")
        printer.close()
    assert report.status is expected
    assert not report.printed
    assert not fake.received


def test_paper_running_out_during_printing_is_not_claimed_as_printed() -> None:
    with FakeSerialPrinter(OK, after_printing=PAPER_OUT) as fake:
        printer = open_printer(fake.url(), PROFILE)
        report = printer.print_ticket(sample_ticket("de"), office_name=SAMPLE_OFFICE, language="de")
        printer.close()
    assert fake.received  # the ticket went out, but maybe only half of it
    assert report.status is PrinterStatus.PAPER_OUT
    assert not report.printed

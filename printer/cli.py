"""`wartemarke printer`: for the person installing a printer at a kiosk.

    wartemarke printer test --printer serial:///dev/ttyUSB0?baudrate=9600 --profile TM-T20III --language uk
    wartemarke printer status --printer tcp://192.168.1.40:9100

`status` prints one of: ok, paper near end, paper out, cover open, offline (details on the lines
below) and exits non-zero unless the printer is ok, so scripts and monitoring can use it.
"""

from __future__ import annotations

import argparse
import sys

from printer.connection_url import open_printer
from printer.errors import PrinterError
from printer.profile import PROFILE_ALIASES
from printer.sample_ticket import SAMPLE_OFFICE, sample_ticket
from printer.status import PrinterReport, PrinterStatus
from wartemarke.i18n import LANGUAGE_NAMES

EXIT_OK, EXIT_FAULT, EXIT_SETUP = 0, 1, 2
DEFAULT_PROFILE = next(iter(PROFILE_ALIASES))


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="wartemarke printer", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument(
        "--printer",
        required=True,
        metavar="URL",
        help="usb://VID:PID, serial:///dev/ttyUSB0?baudrate=9600, tcp://HOST:9100, file:///dev/usb/lp0, preview://DIR",
    )
    common.add_argument(
        "--profile", default=DEFAULT_PROFILE, help=f"python-escpos printer profile (default {DEFAULT_PROFILE})"
    )
    test = commands.add_parser("test", parents=[common], help="print a sample ticket")
    test.add_argument("--language", default="de", choices=list(LANGUAGE_NAMES), help="visitor's language on the ticket")
    test.add_argument("--office", default=SAMPLE_OFFICE, help="office name at the top of the ticket")
    test.add_argument("--unknown-wait", action="store_true", help="print the ticket as if no wait estimate existed")
    test.add_argument(
        "--large-number", action="store_true", help="the larger number a kiosk prints for a visitor using speech"
    )
    commands.add_parser(
        "status", parents=[common], help="ask the printer: ok, paper near end, paper out, cover open, offline"
    )
    return parser


def _show(report: PrinterReport) -> None:
    print(report.status.value)
    if report.detail:
        print(report.detail)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        printer = open_printer(args.printer, args.profile)
    except PrinterError as exc:
        print(f"wartemarke printer: {exc}", file=sys.stderr)
        return EXIT_SETUP
    try:
        if args.command == "status":
            report = printer.status()
            _show(report)
            return EXIT_OK if report.status is PrinterStatus.OK else EXIT_FAULT
        ticket = sample_ticket(args.language, wait_known=not args.unknown_wait)
        report = printer.print_ticket(
            ticket, office_name=args.office, language=args.language, large_number=args.large_number
        )
        if report.printed:
            print(f"printed sample ticket {ticket.number} ({LANGUAGE_NAMES[args.language]})")
        else:
            print(f"not printed: sample ticket {ticket.number}")
        _show(report)
        return EXIT_OK if report.printed else EXIT_FAULT
    finally:
        printer.close()

"""Bytes per printed ticket (and guaranteed later slot) and how long they take on the wire, per language and profile.

Compares the real ticket (printer text + native QR, raster only for lines the printer cannot draw)
with an all-image ticket of the same layout (the preview PNG sent as one raster image, as printing
stacks that render everything to a bitmap do). Transfer time is computed for a serial line with
8N1 framing (10 bits per byte); USB and network links are faster still.

    .venv/bin/python bench/print_size.py [--profile TM-T20III] [--paper ticket|slot]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from escpos.printer import Dummy  # noqa: E402
from PIL import Image  # noqa: E402

from printer.escpos_output import ticket_bytes  # noqa: E402
from printer.layout import ticket_layout  # noqa: E402
from printer.links.serial_link import BITS_PER_BYTE  # noqa: E402
from printer.png_output import MARGIN, render_ticket_png  # noqa: E402
from printer.profile import PrinterProfile  # noqa: E402
from printer.sample_ticket import SAMPLE_OFFICE, sample_slot, sample_ticket  # noqa: E402

LANGUAGES = ("de", "uk", "ar", "fa")
BAUD_RATES = (9600, 115200)
TARGETS = {"de": 400, "ar": 4096}


def all_image_ticket(ticket: dict, language: str, profile: PrinterProfile) -> bytes:
    """The same layout as one picture, paper width, sent with GS v 0 and cut."""
    picture = render_ticket_png(ticket, office_name=SAMPLE_OFFICE, language=language, width_dots=profile.width_dots)
    paper = picture.crop((MARGIN, 0, MARGIN + profile.width_dots, picture.height)).convert("L")
    printer = Dummy(profile=profile.database_name)
    printer.hw("INIT")
    printer.image(paper.point(lambda v: 255 if v >= 128 else 0).convert("1", dither=Image.Dither.NONE))
    printer.cut()
    return printer.output


def seconds(size: int, baud: int) -> float:
    return size * BITS_PER_BYTE / baud


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--profile", action="append", help="python-escpos profile (repeatable)")
    parser.add_argument(
        "--paper", choices=["ticket", "slot"], default="ticket", help="a numbered ticket or a later slot"
    )
    args = parser.parse_args()
    profiles = args.profile or ["TM-T20III", "TM-T88IV"]
    sample = sample_slot if args.paper == "slot" else sample_ticket
    header = (
        f"{'profile':<10} {'lang':<4} {'bytes':>6} {'9600 s':>7} {'115200 s':>8} {'render ms':>9} | "
        f"{'all-image':>9} {'9600 s':>7} {'115200 s':>8}  target"
    )
    print(header)
    print("-" * len(header))
    for name in profiles:
        profile = PrinterProfile.named(name)
        for language in LANGUAGES:
            ticket = sample(language)
            timings = []
            for _ in range(5):
                started = time.perf_counter()
                data = ticket_bytes(ticket_layout(ticket, office_name=SAMPLE_OFFICE, language=language), profile)
                timings.append(time.perf_counter() - started)
            image_size = len(all_image_ticket(ticket, language, profile))
            target = TARGETS.get(language) if args.paper == "ticket" else None  # the targets are a ticket's
            verdict = "" if target is None else f"<= {target}: {'met' if len(data) <= target else 'MISSED'}"
            print(
                f"{name:<10} {language:<4} {len(data):>6} {seconds(len(data), 9600):>7.2f} "
                f"{seconds(len(data), 115200):>8.3f} {statistics.median(timings) * 1000:>9.1f} | "
                f"{image_size:>9} {seconds(image_size, 9600):>7.1f} {seconds(image_size, 115200):>8.2f}  {verdict}"
            )


if __name__ == "__main__":
    main()

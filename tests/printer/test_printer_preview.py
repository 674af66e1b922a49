"""The PNG twin of the ticket: its QR code scans to exactly the ticket's code, in every script."""

from __future__ import annotations

from pathlib import Path

import pytest
import zxingcpp

from printer import PrinterStatus, open_printer, render_ticket_png
from printer.sample_ticket import SAMPLE_OFFICE, sample_ticket

SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" / "printer"


@pytest.mark.parametrize("language", ["de", "uk", "ar", "fa"])
def test_preview_qr_decodes_to_the_ticket_code(language: str) -> None:
    ticket = sample_ticket(language, wait_known=language != "fa")
    image = render_ticket_png(ticket, office_name=SAMPLE_OFFICE, language=language)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    image.save(SCREENSHOTS / f"ticket-{language}.png")
    codes = [found for found in zxingcpp.read_barcodes(image) if found.format == zxingcpp.BarcodeFormat.QRCode]
    assert [found.text for found in codes] == [ticket.code]


def test_preview_printer_writes_bytes_and_picture(tmp_path: Path) -> None:
    printer = open_printer(f"preview://{tmp_path / 'printed'}", "TM-T88V")
    assert printer.status().status is PrinterStatus.OK
    report = printer.print_ticket(sample_ticket("ar"), office_name=SAMPLE_OFFICE, language="ar")
    assert report.printed and report.status is PrinterStatus.OK
    binary = (tmp_path / "printed" / "N017.bin").read_bytes()
    assert binary.startswith(b"\x1b@") and b"\x1d(k" in binary
    picture = tmp_path / "printed" / "N017.png"
    from PIL import Image

    with Image.open(picture) as image:
        assert image.width == 512 + 2 * 24  # the TM-T88V's 512 dots plus the preview's margin
        assert [found.text for found in zxingcpp.read_barcodes(image)] == [sample_ticket("ar").code]


@pytest.mark.parametrize("language", ["de", "uk", "ar", "fa"])
def test_a_later_slot_preview_scans_to_the_slot_code_and_shows_day_and_window(language: str) -> None:
    from printer.layout import TextLine, ticket_layout
    from printer.sample_ticket import sample_slot

    slot = sample_slot(language)
    image = render_ticket_png(slot, office_name=SAMPLE_OFFICE, language=language)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    image.save(SCREENSHOTS / f"slot-{language}.png")
    assert [found.text for found in zxingcpp.read_barcodes(image)] == [slot.code]
    lines = [
        block.text
        for block in ticket_layout(slot, office_name=SAMPLE_OFFICE, language=language)
        if isinstance(block, TextLine)
    ]
    assert lines[:2] == [SAMPLE_OFFICE, "Ihr fester Termin"]
    assert "Dienstag, 1. Dezember 2026" in lines and "9:30-10:00 Uhr" in lines
    assert "Bitte bringen Sie dieses Papier und Ihre Unterlagen mit" in lines
    if language != "de":
        assert len([line for line in lines if "2026" in line]) == 2  # the day in the visitor's language too

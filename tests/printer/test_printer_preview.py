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

"""What goes over the wire: text and native QR where the printer can, images only where it cannot."""

from __future__ import annotations

import pytest

from printer.escpos_output import ticket_bytes
from printer.layout import TextLine, ticket_layout
from printer.profile import PrinterProfile
from printer.sample_ticket import SAMPLE_OFFICE, sample_ticket
from wartemarke.api_objects import Ticket
from wartemarke.i18n import gettext_for

NATIVE_QR = b"\x1d(k"
RASTER_COMMANDS = (b"\x1dv0", b"\x1d(L", b"\x1b*")  # GS v 0, GS ( L, ESC *
ARABIC_CODE_PAGES = {"CP720": 32, "CP864": 37, "CP1256": 50}


def _bytes(language: str, profile: str = "TM-T20III", **ticket_options) -> tuple[Ticket, bytes]:
    ticket = sample_ticket(language, **ticket_options)
    layout = ticket_layout(ticket, office_name=SAMPLE_OFFICE, language=language)
    return ticket, ticket_bytes(layout, PrinterProfile.named(profile))


def _qr_payload(data: bytes) -> bytes:
    # GS ( k pL pH cn=1 fn=P(80) m=0 payload: the data stored in the QR symbol
    start = data.index(b"\x1d(k")
    while data[start + 6 : start + 7] != b"P":
        start = data.index(b"\x1d(k", start + 1)
    length = data[start + 3] + 256 * data[start + 4] - 3
    return data[start + 8 : start + 8 + length]


def test_german_ticket_is_text_and_native_qr_without_images() -> None:
    ticket, data = _bytes("de")
    assert NATIVE_QR in data
    assert not any(command in data for command in RASTER_COMMANDS)
    assert _qr_payload(data) == ticket.code.encode()
    assert b"N017" in data
    assert "Amt für Migration".encode("cp437") in data
    assert gettext_for("printer", "de")("Scan for live status").encode("cp437") in data
    assert data.endswith(b"\x1dV\x00")  # the cut


def test_arabic_ticket_sends_arabic_lines_as_images_never_as_text() -> None:
    ticket, data = _bytes("ar")
    assert b"\x1dv0" in data
    assert _qr_payload(data) == ticket.code.encode()
    arabic_lines = [
        block.text
        for block in ticket_layout(ticket, office_name=SAMPLE_OFFICE, language="ar")
        if isinstance(block, TextLine) and block.language == "ar"
    ]
    assert arabic_lines
    for line in arabic_lines:
        words = [word.strip(":،") for word in line.split() if not word.isascii()]
        for word in words:
            assert word.encode("utf-8") not in data
            for code_page in ("cp720", "cp864", "cp1256"):
                try:
                    as_text = word.encode(code_page)
                except UnicodeEncodeError:
                    continue
                assert len(as_text) < 3 or as_text not in data, (word, code_page)
    for slot in ARABIC_CODE_PAGES.values():
        assert b"\x1bt" + bytes([slot]) not in data
    # The Latin parts of an Arabic ticket stay text.
    assert b"N017" in data and b"Notfall" in data


def test_ukrainian_prints_as_text_where_the_profile_has_a_cyrillic_code_page() -> None:
    _, data = _bytes("uk", "TM-T20III")
    assert not any(command in data for command in RASTER_COMMANDS)
    assert b"\x1bt" in data  # a code page switch for the Cyrillic lines


def test_ukrainian_is_rasterised_where_the_profile_lacks_its_letters() -> None:
    # The TM-T88IV profile has CP866 (Russian) but no code page with Ukrainian і and ґ.
    _, ukrainian = _bytes("uk", "TM-T88IV")
    _, russian = _bytes("ru", "TM-T88IV")
    assert b"\x1dv0" in ukrainian
    assert not any(command in russian for command in RASTER_COMMANDS)


def test_latin_lines_are_never_rasterised_even_with_missing_letters() -> None:
    # TM-T88IV lacks Turkish ğ and İ: better a "?" than a 20-times-larger image.
    _, data = _bytes("tr", "TM-T88IV")
    assert not any(command in data for command in RASTER_COMMANDS)


@pytest.mark.parametrize("language", ["de", "en", "uk", "ru", "tr", "ar", "fa"])
def test_unknown_wait_is_printed_as_unknown_never_zero(language: str) -> None:
    ticket = sample_ticket(language, wait_known=False)
    texts = [
        block.text
        for block in ticket_layout(ticket, office_name=SAMPLE_OFFICE, language=language)
        if isinstance(block, TextLine)
    ]
    assert gettext_for("printer", language)("Expected wait: unknown") in texts
    assert not any(" 0" in text and "-" in text for text in texts)


def test_ticket_shows_the_concern_in_german_and_in_the_visitors_language() -> None:
    ticket = sample_ticket("uk")
    texts = [
        block.text
        for block in ticket_layout(ticket, office_name=SAMPLE_OFFICE, language="uk")
        if isinstance(block, TextLine)
    ]
    assert texts[:4] == [SAMPLE_OFFICE, "N017", "Notfall", "Термінова справа"]
    assert "Перед вами в черзі: 9" in texts


@pytest.mark.parametrize(
    ("language", "issued"),
    [
        ("de", "Ausgegeben am 21.11.2026, 07:31"),
        ("uk", "Талон видано 21 лист. 2026 р. о 07:31"),
        ("ar", "صدر في 21\u200f/11\u200f/2026، 7:31 ص"),
    ],
)
def test_the_ticket_says_the_day_and_the_time_it_was_issued_in_the_visitors_conventions(
    language: str, issued: str
) -> None:
    """A ticket found in a pocket next week must say which day it was for (the site's wall clock)."""
    ticket = sample_ticket(language)
    texts = [
        b.text for b in ticket_layout(ticket, office_name=SAMPLE_OFFICE, language=language) if isinstance(b, TextLine)
    ]
    assert issued in texts


def test_the_german_issue_date_goes_as_printer_text() -> None:
    _, data = _bytes("de")
    assert b"Ausgegeben am 21.11.2026, 07:31" in data


def test_every_character_of_an_arabic_or_farsi_ticket_is_in_the_font_that_rasters_it() -> None:
    """No empty boxes on paper: brackets in a concern, the date's marks, the Latin number."""
    from fontTools.ttLib import TTFont

    from wartemarke.fonts import font_file
    from wartemarke.rtl import shape

    for language in ("ar", "fa"):
        ticket = sample_ticket(language).model_copy(
            update={"service_names": {"de": "Aufenthaltstitel (mit Termin)", language: "تصريح الإقامة (بموعد)"}}
        )
        for block in ticket_layout(ticket, office_name=SAMPLE_OFFICE, language=language):
            if not isinstance(block, TextLine):
                continue
            for bold in (False, True):
                cmap = TTFont(font_file(block.text, bold=bold)).getBestCmap()
                missing = [char for char in shape(block.text) if ord(char) not in cmap]
                assert not missing, (block.text, missing)


def test_the_larger_number_changes_the_number_and_nothing_else() -> None:
    ticket = sample_ticket("uk")
    usual = ticket_layout(ticket, office_name=SAMPLE_OFFICE, language="uk")
    large = ticket_layout(ticket, office_name=SAMPLE_OFFICE, language="uk", large_number=True)
    changed = [(a, b) for a, b in zip(usual, large, strict=True) if a != b]
    assert [(a.text, a.style.name, b.style.name) for a, b in changed] == [("N017", "number", "number_large")]
    data = ticket_bytes(large, PrinterProfile.named("TM-T20III"))
    assert b"\x1d!\x77N017" in data  # GS ! n: eight times as wide and as tall, the printer's largest
    assert b"\x1d!\x55N017" in ticket_bytes(usual, PrinterProfile.named("TM-T20III"))  # six times, as before


def test_a_long_number_in_the_larger_size_stays_on_one_line() -> None:
    ticket = sample_ticket("de").model_copy(update={"number": "UA107"})
    layout = ticket_layout(ticket, office_name=SAMPLE_OFFICE, language="de", large_number=True)
    data = ticket_bytes(layout, PrinterProfile.named("POS-5890"))  # 58 mm paper: 32 characters a line
    assert b"\x1d!\x57UA107\n" in data  # six times as wide (not eight), never "UA10" and "7" on two lines

"""A ticket layout as ESC/POS bytes for one printer profile.

Text and the QR code go as the printer's own commands: a Latin-script ticket is a few hundred bytes,
under half a second even on a 9600-baud serial line. Only lines the profile's code pages cannot hold
(Arabic and Farsi always, Cyrillic on printers without a Cyrillic code page) become raster images,
one per line and only as wide as the ink, right-aligned for right-to-left languages.
"""

from __future__ import annotations

import textwrap

from escpos.constants import QR_ECLEVEL_M
from escpos.printer import Dummy
from PIL import Image

from printer.layout import Gap, QrCode, TextLine, TicketLayout, draw
from printer.profile import PrinterProfile
from printer.text_raster import draw_line, wrap
from wartemarke.rtl import has_rtl

#: Dots to feed after a raster line, so that stacked images do not touch (ESC J n: 3 bytes).
RASTER_LINE_GAP_DOTS = 6
_CYRILLIC_OR_OTHER_SCRIPT = range(0x0370, 0x2000)  # Greek, Cyrillic, Armenian, Hebrew, Arabic, ...


def _needs_raster(text: str, profile: PrinterProfile) -> bool:
    """Whether `text` must be drawn as an image on this printer.

    Latin lines are never rasterised: a rare character the printer lacks becomes "?", which
    beats sending an image twenty times the size for one accent.
    """
    if has_rtl(text):
        return True
    if profile.code_page_for(text) is not None:
        return False
    return any(ord(char) in _CYRILLIC_OR_OTHER_SCRIPT for char in text)


def _one_bit(image: Image.Image) -> Image.Image:
    # A hard threshold: dithering would spray dots (and bytes) around the glyph edges.
    return image.point(lambda value: 255 if value >= 128 else 0).convert("1", dither=Image.Dither.NONE)


class EscposSurface:
    """Collects ESC/POS commands in python-escpos's Dummy printer."""

    def __init__(self, profile: PrinterProfile) -> None:
        self.profile = profile
        self.printer = Dummy(profile=profile.database_name)
        self.printer.hw("INIT")  # ESC @: clear styles and code page left by whatever printed before
        # What ESC @ leaves set; styles are sent only when they change (each costs 3 bytes).
        self._style: dict[str, object] = {"align": "left", "bold": False, "size": (1, 1)}

    def output(self) -> bytes:
        return self.printer.output

    def text_line(self, line: TextLine) -> None:
        if _needs_raster(line.text, self.profile):
            self._raster_line(line)
        else:
            self._native_line(line)

    def _native_line(self, line: TextLine) -> None:
        style = line.style
        width_scale = style.width_scale
        if " " not in line.text.strip():
            # One word (the number) is never split across lines: narrower characters instead.
            width_scale = max(1, min(width_scale, self.profile.columns() // max(len(line.text.strip()), 1)))
        self._set(align=line.alignment, bold=style.bold, size=(width_scale, style.height_scale))
        columns = max(1, self.profile.columns() // width_scale)
        for piece in textwrap.wrap(line.text, columns) or [""]:
            code_page = self.profile.code_page_for(piece, prefer=self.printer.magic.encoding)
            if code_page:
                self.printer.magic.write_with_encoding(code_page, piece + "\n")
            else:
                self.printer.text(piece + "\n")

    def _raster_line(self, line: TextLine) -> None:
        style = line.style
        self._set(align=line.alignment)
        for piece in wrap(line.text, size_px=style.font_px, bold=style.bold, max_width=self.profile.width_dots):
            image = _one_bit(draw_line(piece, size_px=style.font_px, bold=style.bold))
            # ESC a (set just above) positions raster images too, so no white padding is sent.
            self.printer.image(image, impl="bitImageRaster")
            self.printer._raw(b"\x1bJ" + bytes([RASTER_LINE_GAP_DOTS]))

    def _set(self, **wanted: object) -> None:
        changed = {key: value for key, value in wanted.items() if self._style[key] != value}
        self._style.update(changed)
        if "size" in changed:
            width, height = changed.pop("size")
            self.printer.set(custom_size=True, width=width, height=height)
        if changed:
            self.printer.set(**changed)

    def qr_code(self, qr: QrCode) -> None:
        self._set(align="center")
        self.printer.qr(qr.data, ec=QR_ECLEVEL_M, size=qr.module_dots, native=True)
        self.printer.ln()

    def gap(self, gap: Gap) -> None:
        self._set(size=(1, 1))  # an empty line is as tall as the current character size
        self.printer.ln(gap.lines)

    def cut(self) -> None:
        self.printer.cut()


def ticket_bytes(layout: TicketLayout, profile: PrinterProfile) -> bytes:
    """Everything the printer needs for one ticket, from reset to cut."""
    surface = EscposSurface(profile)
    draw(layout, surface)
    return surface.output()

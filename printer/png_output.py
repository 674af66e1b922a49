"""A ticket layout as a picture: the paper ticket's twin for previews and the kiosk screen.

Every line is drawn with the Noto fonts at the width of the paper (in printer dots), and the QR code
has the same module size as on paper, so what the kiosk shows is what the printer would print. When
the printer is out of paper, a visitor can photograph this image and scan its QR code.
"""

from __future__ import annotations

import qrcode
from PIL import Image, ImageDraw

from printer.layout import Gap, Paper, QrCode, TextLine, draw, ticket_layout
from printer.profile import FALLBACK_WIDTH_DOTS
from printer.text_raster import draw_line, text_width, wrap

#: One empty line on paper: font A's 24 dots plus the default line spacing.
LINE_DOTS = 30
MARGIN = 24
#: White modules around the QR code, as the QR standard asks, so phone cameras find it on screen.
QR_QUIET_MODULES = 4


class PngSurface:
    """Stacks line images top to bottom and joins them at the end."""

    def __init__(self, width_dots: int) -> None:
        self.width = width_dots
        self.pieces: list[tuple[Image.Image, str]] = []  # (image, alignment)
        self.spacing: list[int] = []  # space above each piece

    def _add(self, image: Image.Image, alignment: str, space_above: int = 0) -> None:
        self.pieces.append((image, alignment))
        self.spacing.append(space_above)

    def text_line(self, line: TextLine) -> None:
        style = line.style
        size = style.font_px
        if " " not in line.text.strip():
            # One word (the number) is never split across lines: a smaller size instead, as on paper.
            while size > 12 and text_width(line.text, size_px=size, bold=style.bold) > self.width:
                size = size * 9 // 10
        for piece in wrap(line.text, size_px=size, bold=style.bold, max_width=self.width):
            self._add(draw_line(piece, size_px=size, bold=style.bold), line.alignment, space_above=8)

    def qr_code(self, qr: QrCode) -> None:
        code = qrcode.QRCode(
            error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=qr.module_dots, border=QR_QUIET_MODULES
        )
        code.add_data(qr.data)
        code.make(fit=True)
        self._add(code.make_image().get_image().convert("L"), "center")

    def gap(self, gap: Gap) -> None:
        self._add(Image.new("L", (1, LINE_DOTS * gap.lines), 255), "left")

    def cut(self) -> None:
        line = Image.new("L", (self.width + 2 * MARGIN, 9), 255)
        pen = ImageDraw.Draw(line)
        for x in range(0, line.width, 16):  # the dashed line where the paper is cut
            pen.line([(x, 4), (x + 8, 4)], fill=128, width=2)
        self._add(line, "cut", space_above=LINE_DOTS)

    def image(self) -> Image.Image:
        height = MARGIN + sum(self.spacing) + sum(image.height for image, _ in self.pieces)
        page = Image.new("L", (self.width + 2 * MARGIN, height), 255)
        y = MARGIN
        for (image, alignment), space in zip(self.pieces, self.spacing, strict=True):
            y += space
            if alignment == "cut":
                x = 0
            elif alignment == "center":
                x = MARGIN + (self.width - image.width) // 2
            elif alignment == "right":
                x = MARGIN + self.width - image.width
            else:
                x = MARGIN
            page.paste(image, (x, y))
            y += image.height
        return page.convert("RGB")


def render_ticket_png(
    ticket: Paper,
    *,
    office_name: str,
    language: str,
    width_dots: int = FALLBACK_WIDTH_DOTS,
    large_number: bool = False,
) -> Image.Image:
    """The ticket (or later slot) as an RGB image, `width_dots` wide plus a white margin (576 = 80 mm paper)."""
    surface = PngSurface(width_dots)
    draw(ticket_layout(ticket, office_name=office_name, language=language, large_number=large_number), surface)
    return surface.image()

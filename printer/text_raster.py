"""Drawing one line of text into a picture with the bundled fonts.

Used for every line of the PNG preview and for the lines a printer cannot print as text (Arabic,
Farsi, Cyrillic without a code page). Each line is drawn with the one font the apps would choose for
it (`wartemarke.fonts.font_for`): for Arabic and Farsi that font also has the Latin letters, digits
and brackets inside the sentence, so a concern like "تصريح الإقامة (بموعد)" prints without empty
boxes. Pillow is told to use its basic layout: the text arrives already joined and in visual order
from `wartemarke.rtl.shape`, and libraqm (when installed) would reorder it a second time.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from wartemarke.fonts import font_file
from wartemarke.rtl import has_rtl, shape


@lru_cache(maxsize=32)
def _truetype(path: Path, size_px: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size_px, layout_engine=ImageFont.Layout.BASIC)


def _font(text: str, *, bold: bool, size_px: int) -> ImageFont.FreeTypeFont:
    return _truetype(font_file(text, bold=bold), size_px)


def text_width(text: str, *, size_px: int, bold: bool) -> int:
    return round(_font(text, bold=bold, size_px=size_px).getlength(shape(text)))


def wrap(text: str, *, size_px: int, bold: bool, max_width: int) -> list[str]:
    """Greedy word wrap in logical order (each piece is shaped on its own when drawn)."""
    if text_width(text, size_px=size_px, bold=bold) <= max_width:  # the usual case, one measurement
        return [text]
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if current and text_width(candidate, size_px=size_px, bold=bold) > max_width:
            lines.append(current)
            current = word
        else:
            current = candidate
    return [*lines, current] if current else lines or [""]


#: Tall and deep letters of each script: every line gets at least their height, so that lines of
#: one style line up evenly however many ascenders or descenders they happen to contain.
_LATIN_REFERENCE = "Hy"
_ARABIC_REFERENCE = shape("لي")


def draw_line(text: str, *, size_px: int, bold: bool) -> Image.Image:
    """One line as a greyscale image (black on white): as wide as the ink, as tall as the script."""
    font = _font(text, bold=bold, size_px=size_px)
    visual = shape(text)
    ascent, descent = font.getmetrics()
    width = round(font.getlength(visual)) + size_px  # room for overhangs
    canvas = Image.new("L", (max(width, 1), ascent + descent + size_px // 2), 255)
    pen = ImageDraw.Draw(canvas)
    pen.text((0, ascent), visual, font=font, fill=0, anchor="ls")
    reference = _ARABIC_REFERENCE if has_rtl(text) else _LATIN_REFERENCE
    _, top, _, bottom = font.getbbox(reference, anchor="ls")
    band_top, band_bottom = ascent + top, ascent + bottom
    ink = Image.eval(canvas, lambda v: 255 - v).getbbox()
    if not ink:
        return Image.new("L", (1, max(1, band_bottom - band_top)), 255)
    left, top, right, bottom = ink
    return canvas.crop((left, min(top, band_top), right, max(bottom, band_bottom)))

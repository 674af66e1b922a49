"""Drawing one line of text into a picture with the bundled Noto fonts.

Used for every line of the PNG preview and for the lines a printer cannot print as text (Arabic,
Farsi, Cyrillic without a code page). Pillow is told to use its basic layout: the text arrives
already joined and in visual order from `wartemarke.rtl.shape`, and libraqm (when installed)
would reorder it a second time.
"""

from __future__ import annotations

from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from wartemarke import ASSETS
from wartemarke.rtl import has_rtl, shape

FONT_DIR = ASSETS / "fonts"
_NEUTRAL = set("0123456789 .,:;-+/()%")


@lru_cache(maxsize=32)
def _font(arabic: bool, bold: bool, size_px: int) -> ImageFont.FreeTypeFont:
    family = "NotoSansArabic" if arabic else "NotoSans"
    weight = "Bold" if bold else "Regular"
    return ImageFont.truetype(str(FONT_DIR / f"{family}-{weight}.ttf"), size_px, layout_engine=ImageFont.Layout.BASIC)


def _runs(visual: str) -> list[tuple[str, bool]]:
    """Split visual-order text into runs drawn with the Arabic font (True) or the Latin/Cyrillic one.

    Digits, spaces and punctuation exist in both fonts and stay with their neighbours, so a
    number inside an Arabic sentence does not switch fonts needlessly.
    """
    runs: list[tuple[str, bool]] = []
    current: bool | None = None
    for char in visual:
        arabic = has_rtl(char) if char not in _NEUTRAL else current
        if arabic is None:  # leading neutrals: decide by the first letter that follows
            arabic = has_rtl(visual)
        if runs and arabic == current:
            runs[-1] = (runs[-1][0] + char, arabic)
        else:
            runs.append((char, arabic))
        current = arabic
    return runs


def text_width(text: str, *, size_px: int, bold: bool) -> int:
    return sum(round(_font(arabic, bold, size_px).getlength(run)) for run, arabic in _runs(shape(text)))


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
_REFERENCE = {False: "Hy", True: shape("لي")}


def draw_line(text: str, *, size_px: int, bold: bool) -> Image.Image:
    """One line as a greyscale image (black on white): as wide as the ink, as tall as the script."""
    runs = _runs(shape(text)) or [("", False)]
    fonts = [(run, _font(arabic, bold, size_px), arabic) for run, arabic in runs]
    ascent = max(font.getmetrics()[0] for _, font, _ in fonts)
    descent = max(font.getmetrics()[1] for _, font, _ in fonts)
    width = text_width(text, size_px=size_px, bold=bold) + size_px  # room for overhangs
    canvas = Image.new("L", (max(width, 1), ascent + descent + size_px // 2), 255)
    pen = ImageDraw.Draw(canvas)
    x = 0.0
    band_top, band_bottom = ascent, ascent
    for run, font, arabic in fonts:
        pen.text((x, ascent), run, font=font, fill=0, anchor="ls")
        x += font.getlength(run)
        _, top, _, bottom = font.getbbox(_REFERENCE[arabic], anchor="ls")
        band_top, band_bottom = min(band_top, ascent + top), max(band_bottom, ascent + bottom)
    ink = Image.eval(canvas, lambda v: 255 - v).getbbox()
    if not ink:
        return Image.new("L", (1, band_bottom - band_top), 255)
    left, top, right, bottom = ink
    return canvas.crop((left, min(top, band_top), right, max(bottom, band_bottom)))

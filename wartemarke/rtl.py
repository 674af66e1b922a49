"""Right-to-left text for renderers that cannot shape it themselves (Kivy labels, raster printing).

Kivy's default text provider and Pillow without libraqm draw Arabic letters in their isolated
forms and left to right. `shape()` joins the letters (arabic-reshaper) and puts them in visual
order (python-bidi), so that the renderer only has to draw glyphs left to right.
"""

from __future__ import annotations

import re

_RTL_CHARS = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufeff]")


def has_rtl(text: str) -> bool:
    return bool(_RTL_CHARS.search(text))


def shape(text: str) -> str:
    """Visual-order, joined form of `text`; text without RTL characters is returned unchanged."""
    if not has_rtl(text):
        return text
    import arabic_reshaper
    from bidi.algorithm import get_display

    return "\n".join(get_display(arabic_reshaper.reshape(line)) for line in text.split("\n"))

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


def shape(text: str, *, rtl: bool | None = None) -> str:
    """Visual-order, joined form of `text`; text without RTL characters is returned unchanged.

    `rtl` is the direction of the screen the text stands on. By default each line takes the
    direction of its first letter, which is right for text in one language; a line that mixes
    scripts ("العربية / Arabisch" on a German screen, "Українська / الأوكرانية" on an Arabic one)
    must be read in the screen's direction, or its parts come out in the wrong order.
    """
    if not has_rtl(text):
        return text
    import arabic_reshaper
    from bidi.algorithm import get_display

    base = None if rtl is None else ("R" if rtl else "L")
    return "\n".join(get_display(arabic_reshaper.reshape(line), base_dir=base) for line in text.split("\n"))

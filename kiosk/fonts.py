"""The bundled Noto fonts, and which one a piece of text needs.

Kivy does no font fallback: a Label draws every character with one font, and boxes where that font
has no glyph. Noto Sans covers Latin and Cyrillic, Noto Sans Arabic covers Arabic and Farsi (plus
digits), so each label picks its font from its own text.
"""

from __future__ import annotations

from kivy.core.text import LabelBase

from wartemarke import ASSETS
from wartemarke.rtl import has_rtl

LATIN = "KioskSans"
ARABIC = "KioskSansArabic"
_FONTS = ASSETS / "fonts"
_registered = False


def register_fonts() -> None:
    global _registered
    if _registered:
        return
    LabelBase.register(
        name=LATIN,
        fn_regular=str(_FONTS / "NotoSans-Regular.ttf"),
        fn_bold=str(_FONTS / "NotoSans-Bold.ttf"),
    )
    LabelBase.register(
        name=ARABIC,
        fn_regular=str(_FONTS / "NotoSansArabic-Regular.ttf"),
        fn_bold=str(_FONTS / "NotoSansArabic-Bold.ttf"),
    )
    _registered = True


def font_for(text: str) -> str:
    return ARABIC if has_rtl(text) else LATIN

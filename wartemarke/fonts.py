"""The bundled Noto fonts under the names every app uses, and which one a piece of text needs.

Kivy does no font fallback: a Label draws every character with one font, and boxes where that font
has no glyph. Noto Sans covers Latin and Cyrillic, Noto Sans Arabic covers Arabic and Farsi (plus
digits), so a label picks its font from its own text (`font_for`) or from the language it is in
(`font_for_language`). The Kivy apps register both families once (`wartemarke.kivy_shell.fonts`);
`bold: True` then draws with the family's bold file.
"""

from __future__ import annotations

from pathlib import Path

from wartemarke import ASSETS
from wartemarke.i18n import is_rtl
from wartemarke.rtl import has_rtl

FONTS = ASSETS / "fonts"
LATIN = "WartemarkeSans"
ARABIC = "WartemarkeSansArabic"
#: Registered name -> (regular, bold) font file.
FAMILIES: dict[str, tuple[Path, Path]] = {
    LATIN: (FONTS / "NotoSans-Regular.ttf", FONTS / "NotoSans-Bold.ttf"),
    ARABIC: (FONTS / "NotoSansArabic-Regular.ttf", FONTS / "NotoSansArabic-Bold.ttf"),
}


def font_for(text: str) -> str:
    """The family that has the glyphs of `text` (one script per label)."""
    return ARABIC if has_rtl(text) else LATIN


def font_for_language(language: str) -> str:
    """The family for texts in `language` (labels whose words change with the language)."""
    return ARABIC if is_rtl(language) else LATIN

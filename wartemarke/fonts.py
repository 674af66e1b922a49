"""The bundled fonts under the names every app uses, and which one a piece of text needs.

Kivy does no font fallback: a Label draws every character with one font, and boxes where that font
has no glyph (Pillow's basic layout, used for the printer's raster lines, is the same). So there are
two families, and every string goes to one that has all of its characters:

- `LATIN`: Noto Sans — Latin, Cyrillic, digits, punctuation.
- `ARABIC`: Wartemarke Sans Arabic — Noto Sans Arabic with every glyph of Noto Sans added
  (built by `assets/fonts/build_arabic_ui_font.py`). Noto Sans Arabic alone has no brackets, no
  dashes and no Latin letters, which showed as empty boxes in "تصريح الإقامة (بموعد)"; the merged
  font draws any Arabic or Farsi text together with the numbers, counter names and punctuation
  inside it.

A label picks its font from its own text (`font_for`), from the language it is in
(`font_for_language`), or from both (`font_for_label`). The Kivy apps register both families once
(`wartemarke.kivy_shell.fonts`); `bold: True` then draws with the family's bold file.
`tests/wartemarke/test_font_coverage.py` holds every catalog string and configured name to this.
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
    ARABIC: (FONTS / "WartemarkeSansArabic-Regular.ttf", FONTS / "WartemarkeSansArabic-Bold.ttf"),
}


def font_for(text: str) -> str:
    """The family that has every glyph of `text`: the Arabic one draws Latin and Cyrillic too."""
    return ARABIC if has_rtl(text) else LATIN


def font_for_language(language: str) -> str:
    """The family for texts in `language` (labels whose words change with the language)."""
    return ARABIC if is_rtl(language) else LATIN


def font_for_label(text: str, language: str) -> str:
    """The family for `text` on a screen in `language`: one of them right-to-left is enough."""
    return ARABIC if has_rtl(text) or is_rtl(language) else LATIN


def font_file(text: str, *, bold: bool) -> Path:
    """The font file that draws `text` (for Pillow, which takes files, not families)."""
    regular, bold_file = FAMILIES[font_for(text)]
    return bold_file if bold else regular

"""Text for the counter's Kivy labels in any staff language.

Every label of the counter uses markup (for the shortcut hints on the buttons), so text is escaped.
Arabic and Farsi are shaped and put in visual order (wartemarke.rtl) in the direction of the
clerk's screen, so a line that mixes scripts, like the visitor's language "العربية / Arabisch" on a
German screen, reads in the clerk's direction. Which font draws a label is
`wartemarke.fonts.font_for_label`: the right-to-left family also has every Latin and Cyrillic
glyph, so no run inside a label needs a font of its own.
"""

from __future__ import annotations

from wartemarke.i18n import is_rtl
from wartemarke.rtl import shape


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("[", "&bl;").replace("]", "&br;")


def markup(text: str, language: str) -> str:
    """`text` ready for a Label with markup=True on a screen in `language`."""
    return escape(shape(text, rtl=is_rtl(language)))

"""Text for Kivy labels in any staff language, with the right font for every character.

Arabic and Farsi are shaped and put in visual order (wartemarke.rtl) and drawn with Noto Sans
Arabic — which has no Latin letters, so Latin runs inside them (ticket numbers like "N017", "F2")
and punctuation such as "(" or "·", are wrapped in a markup tag for Noto Sans. Every label of the
counter uses markup for this reason; its font is `wartemarke.fonts.font_for_language`.
"""

from __future__ import annotations

import re

from wartemarke.fonts import LATIN
from wartemarke.i18n import is_rtl
from wartemarke.rtl import shape

# Noto Sans Arabic has Arabic letters, digits and spaces but no Latin letters or most punctuation:
# every other run of visible characters is drawn with Noto Sans.
_NOT_ARABIC_RUN = re.compile(r"[^\s\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]+")


def escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("[", "&bl;").replace("]", "&br;")


def markup(text: str, language: str) -> str:
    """`text` ready for a Label with markup=True and font_name=font_for_language(language)."""
    if not is_rtl(language):
        return escape(text)
    visual = shape(text)
    pieces: list[str] = []
    last = 0
    for match in _NOT_ARABIC_RUN.finditer(visual):
        pieces.append(escape(visual[last : match.start()]))
        pieces.append(f"[font={LATIN}]{escape(match.group())}[/font]")
        last = match.end()
    pieces.append(escape(visual[last:]))
    return "".join(pieces)

"""A visitor's language as a clerk reads it: its own name and its name in the clerk's language.

"العربية / Arabisch" tells a German-speaking clerk both what to expect and what to point at: the own
name is what the visitor recognises, the clerk's name is what the clerk can read. Names come from
Babel's locale data (CLDR), the well-kept source; their own names are the ones the kiosk shows
(`LANGUAGE_NAMES`), so visitor and clerk see the same word.
"""

from __future__ import annotations

from functools import cache

from babel import Locale, UnknownLocaleError

from wartemarke.i18n import LANGUAGE_NAMES


@cache
def _display_name(language: str, in_language: str) -> str | None:
    try:
        name = Locale.parse(language).get_display_name(in_language)
    except (UnknownLocaleError, ValueError):
        return None
    # CLDR gives mid-sentence forms ("арабська", "arabe"); a label starts with a capital.
    return name[:1].upper() + name[1:] if name else None


def own_name(language: str) -> str:
    """The language's name in itself ("Українська"); the code when nothing better is known."""
    return LANGUAGE_NAMES.get(language) or _display_name(language, language) or language


def language_label(language: str, clerk_language: str) -> str:
    """ "العربية / Arabisch" — own name, then the clerk's name for it when that differs."""
    own = own_name(language)
    theirs = _display_name(language, clerk_language)
    if not theirs or theirs.casefold() == own.casefold():
        return own
    return f"{own} / {theirs}"

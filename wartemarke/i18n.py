"""Translations: gettext catalogs (`.po`) under assets/locale, one domain per part.

Catalogs are read straight from the `.po` files with Babel and compiled in memory, so there is no
build step to forget: edit `assets/locale/uk/LC_MESSAGES/kiosk.po`, restart, done.

Layout: assets/locale/<language>/LC_MESSAGES/<domain>.po, domains: server, kiosk, display,
counter, printer. The source language (msgid) is English.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

from wartemarke import ASSETS

LOCALE_DIR = ASSETS / "locale"

#: Languages the project ships catalogs for, with each language's name in its own script.
LANGUAGE_NAMES: dict[str, str] = {
    "de": "Deutsch",
    "en": "English",
    "uk": "Українська",
    "ru": "Русский",
    "tr": "Türkçe",
    "ar": "العربية",
    "fa": "فارسی",
}

RTL_LANGUAGES = frozenset({"ar", "fa", "he", "ur"})


def is_rtl(language: str) -> bool:
    return language.split("-")[0] in RTL_LANGUAGES


@cache
def translations(domain: str, language: str, locale_dir: Path = LOCALE_DIR) -> gettext.NullTranslations:
    """The catalog of `domain` in `language`; English (the msgids) when there is none."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    po_path = locale_dir / language / "LC_MESSAGES" / f"{domain}.po"
    if not po_path.is_file():
        return gettext.NullTranslations()
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=language, domain=domain)
    buffer = io.BytesIO()
    # Fuzzy entries are guesses; showing a wrong sentence to a visitor is worse than English.
    write_mo(buffer, catalog, use_fuzzy=False)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def gettext_for(domain: str, language: str):
    """A `_()` function for one domain and language."""
    return translations(domain, language).gettext

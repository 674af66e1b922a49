"""Every character a visitor or a clerk can see is in the font that draws it — no empty boxes.

Kivy labels and the printer's raster lines draw a whole string with one font and never fall back,
so a character missing from that font is an empty box on the screen or the paper (it happened with
the parentheses of "تصريح الإقامة (بموعد)"). This goes through every translated string, every
service, counter and office name and every notice in the example configs, and the language names,
and looks each character up in the cmap of the font the apps choose for it (`font_for` by the
text, `font_for_language` by the language of a label), regular and bold.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from fontTools.ttLib import TTFont

from wartemarke import ASSETS
from wartemarke.fonts import FAMILIES, font_for, font_for_label, font_for_language
from wartemarke.i18n import LANGUAGE_NAMES, LOCALE_DIR
from wartemarke.language_names import language_label
from wartemarke.rtl import shape

CONFIG_DIR = ASSETS.parent / "config"
#: Keys whose string values end up on a screen or a ticket.
_VISIBLE_KEYS = frozenset({"name", "names", "notice", "office_name"})
_NOT_DRAWN = frozenset("\n\t")
#: "{number}" in a msgstr is replaced before it is drawn (by digits and Latin letters, checked too).
_PLACEHOLDER = re.compile(r"\{\w*\}")


@cache
def _cmap(path: Path) -> frozenset[int]:
    return frozenset(TTFont(path).getBestCmap())


def _missing(text: str, family: str) -> list[str]:
    """Characters of `text`, as the renderer gets it (shaped), that a file of `family` lacks."""
    drawn = shape(text)
    missing: list[str] = []
    for path in FAMILIES[family]:
        cmap = _cmap(path)
        missing += [
            f"{char!r} U+{ord(char):04X} ({path.name})"
            for char in drawn
            if char not in _NOT_DRAWN and ord(char) not in cmap
        ]
    return missing


def _catalog_strings() -> Iterator[tuple[str, str, str]]:
    for po_path in sorted(LOCALE_DIR.glob("*/LC_MESSAGES/*.po")):
        language = po_path.parent.parent.name
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=language)
        for message in catalog:
            if not message.id:
                continue  # the catalog's header, never shown
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for text in strings:
                if text:
                    text = _PLACEHOLDER.sub("", text)
                    yield f"{po_path.relative_to(LOCALE_DIR)}: {message.id!r}", language, text


def _visible_config_strings(node: object, key: str = "", language: str = "") -> Iterator[tuple[str, str]]:
    if isinstance(node, dict):
        for child_key, value in node.items():
            inherited = key if key in _VISIBLE_KEYS and child_key in LANGUAGE_NAMES else child_key
            yield from _visible_config_strings(value, inherited, child_key if inherited != child_key else "")
    elif isinstance(node, list):
        for item in node:
            yield from _visible_config_strings(item, key, language)
    elif isinstance(node, str) and key in _VISIBLE_KEYS:
        yield language, node


def _config_strings() -> Iterator[tuple[str, str, str]]:
    for toml_path in sorted(CONFIG_DIR.glob("*.toml")):
        with toml_path.open("rb") as toml_file:
            for language, text in _visible_config_strings(tomllib.load(toml_file)):
                yield toml_path.name, language, text


def _language_strings() -> Iterator[tuple[str, str, str]]:
    for code, name in LANGUAGE_NAMES.items():
        yield f"language name {code}", code, name
        for clerk in LANGUAGE_NAMES:
            yield f"language label {code} for a {clerk} clerk", clerk, language_label(code, clerk)


def _every_visible_string() -> list[tuple[str, str, str]]:
    return [*_catalog_strings(), *_config_strings(), *_language_strings()]


def test_the_sources_are_found() -> None:
    """The walk below sees the catalogs and the configs' names (a wrong path would test nothing)."""
    texts = _every_visible_string()
    assert any("(" in text and language == "ar" for _where, language, text in texts)
    assert any(where == "site.toml" and language == "fa" for where, language, _text in texts)
    assert sum(1 for where, _language, _text in texts if where.endswith("display.po: 'Now calling'")) == len(
        LANGUAGE_NAMES
    )


def test_every_character_is_in_the_font_chosen_for_its_text() -> None:
    problems = []
    for where, _language, text in _every_visible_string():
        missing = _missing(text, font_for(text))
        if missing:
            problems.append(f"{where}: {text!r} lacks {', '.join(sorted(set(missing)))}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", sorted(LANGUAGE_NAMES))
def test_every_string_of_a_language_is_in_that_languages_font(language: str) -> None:
    """The display picks one font per language for its translated labels; the counter, whose labels
    may mix the clerk's language with a visitor's (the language label), picks it per label."""
    problems = []
    translated = [*_catalog_strings(), *_config_strings()]
    for where, text_language, text in translated:
        if text_language == language:
            problems += [f"{where}: {text!r} lacks {m}" for m in _missing(text, font_for_language(language))]
    for where, text_language, text in [*translated, *_language_strings()]:
        if text_language == language:
            problems += [f"{where}: {text!r} lacks {m}" for m in _missing(text, font_for_label(text, language))]
    assert not problems, "\n".join(sorted(set(problems)))

"""The office pages' words and colours (console, sign-in; the partner page too once it uses them): every
sentence translated into every language the `office` catalog offers, every colour pair readable."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from server.api.pages import STATIC, TEMPLATES
from server.web.office_pages import OFFICE_LANGUAGES
from wartemarke.contrast import contrast_ratio
from wartemarke.i18n import LOCALE_DIR

WEB = TEMPLATES.parent / "web"
SOURCES = [*(TEMPLATES / "office").rglob("*.html"), *WEB.rglob("*.py")]
MESSAGE = re.compile(r"""_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*[,)]""")
# Headings kept as msgids in data (an area's title, a figure's name) are marked N_("...") where they are defined.
MARKED = re.compile(r"""N_\(\s*"((?:[^"\\]|\\.)*)"\s*\)""")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def used_messages() -> set[str]:
    found = set()
    for path in SOURCES:
        text = path.read_text(encoding="utf-8")
        for double, single in MESSAGE.findall(text):
            found.add(double or single)
        found.update(MARKED.findall(text))
    return found


def test_german_and_english_are_offered():
    assert {"de", "en"} <= set(OFFICE_LANGUAGES)
    assert {"Sign in", "Sign out", "This form was not accepted."} <= used_messages()


@pytest.mark.parametrize("language", [code for code in OFFICE_LANGUAGES if code != "en"])
def test_every_sentence_of_the_office_pages_is_translated(language: str):
    with (LOCALE_DIR / language / "LC_MESSAGES" / "office.po").open("rb") as po:
        catalog = {m.id: m.string for m in read_po(po) if m.id}
    for message in sorted(used_messages()):
        translated = catalog.get(message)
        assert translated, f"{language}: {message!r} is not translated"
        assert set(PLACEHOLDER.findall(translated)) == set(PLACEHOLDER.findall(message)), (language, message)
    unused = set(catalog) - used_messages()
    assert not unused, f"{language}: sentences no page uses: {sorted(unused)}"


def _hex(value: str) -> tuple[float, float, float]:
    value = value.lstrip("#")
    return tuple(int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


CSS = (STATIC / "office.css").read_text(encoding="utf-8")
COLOURS = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})\s*;", CSS))
PAIRS = sorted({name[: -len("-fg")] for name in COLOURS if name.endswith("-fg")})


def test_the_style_sheet_draws_only_with_its_named_colours():
    assert {"page", "card", "bar", "button", "problem"} <= set(PAIRS)
    for declaration in re.findall(r"(?<![-\w])(?:color|background(?:-color)?)\s*:\s*([^;]+);", CSS):
        assert declaration.strip().startswith("var(--"), declaration


@pytest.mark.parametrize("pair", PAIRS)
def test_every_text_colour_is_readable_on_its_background(pair: str):
    ratio = contrast_ratio(_hex(COLOURS[f"{pair}-fg"]), _hex(COLOURS[f"{pair}-bg"]))
    assert ratio >= 4.5, f"--{pair}-fg on --{pair}-bg: {ratio:.2f} (WCAG AA asks 4.5)"

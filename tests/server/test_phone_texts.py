"""The phone pages' words (and the calendar file's): every sentence translated, every colour pair readable."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from server.api.pages import STATIC, TEMPLATES
from wartemarke.contrast import contrast_ratio
from wartemarke.i18n import LANGUAGE_NAMES, LOCALE_DIR

# The office's own pages (templates/office/) have their own catalog and test (test_office_texts.py).
PHONE_TEMPLATES = [p for p in TEMPLATES.rglob("*.html") if p.relative_to(TEMPLATES).parts[0] != "office"]
SOURCES = [*PHONE_TEMPLATES, TEMPLATES.parent / "api" / "phone.py", TEMPLATES.parent / "api" / "calendar.py"]
MESSAGE = re.compile(r"""_\(\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')\s*\)""")
PLACEHOLDER = re.compile(r"\{(\w+)\}")


def used_messages() -> set[str]:
    found = set()
    for path in SOURCES:
        for double, single in MESSAGE.findall(path.read_text(encoding="utf-8")):
            found.add(double or single)
    return found


def test_the_pages_use_translatable_sentences():
    assert {"It is your turn!", "Please go to {counter} now.", "People ahead of you: {count}"} <= used_messages()


@pytest.mark.parametrize("language", [code for code in LANGUAGE_NAMES if code != "en"])
def test_every_sentence_of_the_phone_pages_is_translated(language: str):
    with (LOCALE_DIR / language / "LC_MESSAGES" / "server.po").open("rb") as po:
        catalog = {m.id: m.string for m in read_po(po) if m.id}
    for message in sorted(used_messages()):
        translated = catalog.get(message)
        assert translated, f"{language}: {message!r} is not translated"
        assert translated != message, f"{language}: {message!r} is left in English"
        assert set(PLACEHOLDER.findall(translated)) == set(PLACEHOLDER.findall(message)), (language, message)
    unused = set(catalog) - used_messages()
    assert not unused, f"{language}: sentences no page uses: {sorted(unused)}"


def _hex(value: str) -> tuple[float, float, float]:
    value = value.lstrip("#")
    return tuple(int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


CSS = (STATIC / "phone.css").read_text(encoding="utf-8")
COLOURS = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})\s*;", CSS))
PAIRS = sorted({name[: -len("-fg")] for name in COLOURS if name.endswith("-fg")})


def test_the_style_sheet_names_its_text_and_background_pairs():
    assert {"page", "card", "turn", "notice", "button"} <= set(PAIRS)
    # Every colour the sheet draws with is one of the named ones, so the pairs below are the page's colours.
    for declaration in re.findall(r"(?<![-\w])(?:color|background(?:-color)?)\s*:\s*([^;]+);", CSS):
        assert declaration.strip().startswith("var(--") or declaration.strip() == "inherit", declaration


@pytest.mark.parametrize("pair", PAIRS)
def test_every_text_colour_is_readable_on_its_background(pair: str):
    ratio = contrast_ratio(_hex(COLOURS[f"{pair}-fg"]), _hex(COLOURS[f"{pair}-bg"]))
    assert ratio >= 4.5, f"--{pair}-fg on --{pair}-bg: {ratio:.2f} (WCAG AA asks 4.5)"

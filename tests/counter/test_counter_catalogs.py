"""Every text of the counter screen is translated in every staff language, placeholders intact."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from wartemarke.i18n import LANGUAGE_NAMES, LOCALE_DIR

COUNTER = Path(__file__).resolve().parents[2] / "counter"
MSGIDS = sorted({msg for _, _, msg, _, _ in extract_from_dir(str(COUNTER), method_map=[("**.py", "python")])})


def placeholders(text: str) -> list[str]:
    return sorted(re.findall(r"\{\w+\}", text))


@pytest.mark.parametrize("language", sorted(LANGUAGE_NAMES))
def test_catalog_covers_every_counter_text(language):
    with (LOCALE_DIR / language / "LC_MESSAGES" / "counter.po").open("rb") as po:
        catalog = read_po(po, locale=language)
    missing = [msgid for msgid in MSGIDS if not (catalog.get(msgid) and catalog.get(msgid).string)]
    assert missing == []
    broken = [m for m in MSGIDS if placeholders(catalog.get(m).string) != placeholders(m)]
    assert broken == []

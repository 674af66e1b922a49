"""What the visitor reads about waits and closed services, in several languages."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from kiosk.wording import kiosk_text, next_chance_text, wait_text
from wartemarke.api_objects import Service, Wait
from wartemarke.i18n import LOCALE_DIR

NOW = datetime(2026, 11, 21, 10, 0, tzinfo=ZoneInfo("Europe/Berlin"))  # a Saturday
SERVICE = {"id": "notfall", "prefix": "N", "names": {"de": "Notfall"}, "open": True}


def test_unknown_wait_is_never_zero():
    assert wait_text(None, kiosk_text("de")) == "Wartezeit: unbekannt"


@pytest.mark.parametrize(
    "garbled",
    [{"wait": {}}, {"wait": {"low_min": None, "high_min": None}}, {"next_open": "not a date"}],
    ids=["empty-wait", "wait-without-figures", "next-open-not-a-date"],
)
def test_figures_that_make_no_sense_never_reach_the_kiosk(garbled):
    # They fail where the client reads the answer (MalformedAnswer: out of service, see tests/client),
    # so no screen ever says "0 min" or a made-up next chance.
    with pytest.raises(ValidationError):
        Service.model_validate({**SERVICE, **garbled})


def test_wait_range_in_arabic_uses_words_the_arabic_font_can_draw():
    text = wait_text(Wait(low_min=20, high_min=35), kiosk_text("ar"))
    assert "20" in text and "35" in text and "–" not in text


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_next_chance_relative_to_the_site_day():
    _ = kiosk_text("de")
    assert next_chance_text(at("2026-11-22T07:30:00+01:00"), NOW, "de", _) == "Nächste Möglichkeit: morgen, 7:30 Uhr"
    assert next_chance_text(at("2026-11-23T07:30:00+01:00"), NOW, "de", _) == "Nächste Möglichkeit: Montag, 7:30 Uhr"
    uk = kiosk_text("uk")
    assert next_chance_text(at("2026-11-23T07:30:00+01:00"), NOW, "uk", uk) == "Наступна можливість: понеділок, 7:30"
    # 23:30 UTC on Saturday is already Sunday in Düsseldorf: "tomorrow", not "today".
    late = datetime(2026, 11, 21, 23, 30, tzinfo=ZoneInfo("UTC"))
    assert next_chance_text(at("2026-11-23T07:30:00+01:00"), late, "de", _) == "Nächste Möglichkeit: morgen, 7:30 Uhr"
    assert next_chance_text(None, NOW, "de", _) == ""


def _catalog(language: str) -> dict[str, str]:
    from babel.messages.pofile import read_po

    path = LOCALE_DIR / language / "LC_MESSAGES" / "kiosk.po"
    with path.open("rb") as po_file:
        return {m.id: m.string for m in read_po(po_file) if m.id}


@pytest.mark.parametrize("language", ["de", "uk", "ru", "tr", "ar", "fa"])
def test_every_catalog_translates_every_kiosk_string_with_the_same_placeholders(language):
    english = _catalog("en")
    catalog = _catalog(language)
    assert set(catalog) == set(english)
    for msgid, text in catalog.items():
        assert text, (language, msgid)
        assert set(re.findall(r"{\w+}", text)) == set(re.findall(r"{\w+}", msgid)), (language, msgid)

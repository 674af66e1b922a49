"""The kiosk's concern cards with the demo office's real names: no empty boxes in any script.

"تصريح الإقامة (بموعد)" showed empty boxes where the brackets are: the Arabic font had none. Each
label's text (as drawn: shaped) is held to the character map of the font the label draws with.
Screenshots: artifacts/screenshots/kiosk/fonts-concerns-<lang>.png.
"""

from __future__ import annotations

import tomllib
from functools import cache
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from kiosk_fakes import FakeApi, service
from kiosk_rig import make_rig
from kivy_stage import find, frames, shoot, staged, tap

from kiosk.screens import KioskRoot, LanguageButton, load_layout
from wartemarke.fonts import FAMILIES

pytestmark = pytest.mark.kivy

DEMO_SITE = Path(__file__).resolve().parents[2] / "config" / "demo-site.toml"


def demo_office_services():
    with DEMO_SITE.open("rb") as site:
        services = tomllib.load(site)["services"]
    return [service(entry["id"], names=entry["names"], quota=None, remaining=None) for entry in services]


@cache
def characters(family: str, bold: bool) -> frozenset[int]:
    return frozenset(TTFont(FAMILIES[family][1 if bold else 0]).getBestCmap())


@pytest.mark.parametrize("language", ["uk", "ar", "fa"])
def test_concern_cards_draw_every_character_of_the_real_names(language):
    from kivy.uix.label import Label

    load_layout()
    rig = make_rig(api=FakeApi(services_list=demo_office_services()))
    root = KioskRoot(rig.controller)
    rig.controller.on_view = root.show
    with staged(root):
        rig.controller.start()
        rig.settle()
        tap(find(root, LanguageButton, code=language))
        rig.settle()
        frames()
        shoot(root, f"fonts-concerns-{language}")
        drawn = [w for w in root.walk(restrict=True) if isinstance(w, Label) and w.text.strip() and w.opacity]
        assert any("(" in w.text for w in drawn)  # the names with brackets are on the screen
        for label in drawn:
            missing = [c for c in label.text if c != "\n" and ord(c) not in characters(label.font_name, label.bold)]
            assert not missing, (label.text, label.font_name, missing)

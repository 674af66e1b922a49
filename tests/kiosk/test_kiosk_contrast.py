"""The kiosk's colour pairs meet WCAG AA (4.5:1 for text) — read from the palette in kiosk.kv."""

from __future__ import annotations

import re

import pytest

from kiosk.screens import KV_FILE
from wartemarke.contrast import contrast_ratio as contrast

PALETTE = {
    name: tuple(float(part) for part in value.split(","))[:3]
    for name, value in re.findall(r"^#:set (\w+) \(([^)]*)\)", KV_FILE.read_text(), flags=re.MULTILINE)
}


@pytest.mark.parametrize(
    ("text", "background"),
    [
        ("WHITE", "NAVY"),  # start and concern screens
        ("NAVY", "WHITE"),  # buttons, card names
        ("GREEN_TEXT", "WHITE"),  # slots left
        ("GREY_TEXT", "GREY_CARD"),  # full or closed service
        ("INK", "AMBER"),  # notices, "take a photo"
        ("INK", "WHITE"),  # ticket screen
        ("WHITE", "SLATE"),  # out of service, PIN pad
        ("DETAIL", "SLATE"),  # the staff detail line on the out-of-service screen
        ("NAVY", "PRESSED"),  # a button under the finger
        ("INK", "TINT"),  # "please take your ticket"
    ],
)
def test_palette_pairs_meet_wcag_aa(text, background):
    assert contrast(PALETTE[text], PALETTE[background]) >= 4.5

"""The kiosk's colour pairs meet WCAG AA (4.5:1 for text) — read from the palette in kiosk.kv."""

from __future__ import annotations

import re

import pytest

from kiosk.screens import KV_FILE

PALETTE = {
    name: tuple(float(part) for part in value.split(","))[:3]
    for name, value in re.findall(r"^#:set (\w+) \(([^)]*)\)", KV_FILE.read_text(), flags=re.MULTILINE)
}


def luminance(rgb: tuple[float, ...]) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[float, ...], b: tuple[float, ...]) -> float:
    light, dark = sorted((luminance(a), luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


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


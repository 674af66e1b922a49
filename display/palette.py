"""The board's colours, as data, so their contrast is checked by a test (WCAG AA: ≥ 4.5:1).

Dark background with light text: a waiting-room screen is on all day and a dark field glares less.
The fresh call is drawn black on amber — the one bright area, meant to catch every eye.
"""

from __future__ import annotations

RGB = tuple[float, float, float]


def _hex(value: str) -> RGB:
    value = value.lstrip("#")
    return tuple(int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


BACKGROUND = _hex("#0b1a2b")
PANEL = _hex("#132a42")
TEXT = _hex("#ffffff")
MUTED_TEXT = _hex("#b9c8d8")
ACCENT_TEXT = _hex("#ffd54a")
HIGHLIGHT = _hex("#ffc400")
HIGHLIGHT_TEXT = _hex("#000000")
ALERT = _hex("#b3261e")
ALERT_TEXT = _hex("#ffffff")

#: Every (text, background) pair the layout uses; the contrast test walks this list.
TEXT_ON_BACKGROUND: list[tuple[str, RGB, RGB]] = [
    ("text on background", TEXT, BACKGROUND),
    ("text on panel", TEXT, PANEL),
    ("muted text on background", MUTED_TEXT, BACKGROUND),
    ("muted text on panel", MUTED_TEXT, PANEL),
    ("accent on background", ACCENT_TEXT, BACKGROUND),
    ("accent on panel", ACCENT_TEXT, PANEL),
    ("fresh call", HIGHLIGHT_TEXT, HIGHLIGHT),
    ("connection lost", ALERT_TEXT, ALERT),
]

"""Anti burn-in: the whole board drifts a few pixels, one step every few minutes.

A waiting-room screen shows the same frame lines and headings for ten hours a day; on OLED and
many LCD panels that leaves ghosts. A slow walk over a small grid moves every edge regularly while
staying far too slow and small for anyone to notice.
"""

from __future__ import annotations

from datetime import datetime

#: Offsets in px (at 1080p) visited in turn: a square spiral, so consecutive steps are neighbours.
_WALK: tuple[tuple[int, int], ...] = (
    (0, 0),
    (4, 0),
    (8, 0),
    (8, 4),
    (8, 8),
    (4, 8),
    (0, 8),
    (-4, 8),
    (-8, 8),
    (-8, 4),
    (-8, 0),
    (-8, -4),
    (-8, -8),
    (-4, -8),
    (0, -8),
    (4, -8),
    (8, -8),
    (4, -4),
    (0, -4),
    (-4, 0),
)


def burn_in_offset(now: datetime, *, step_minutes: int = 6, scale: float = 1.0) -> tuple[float, float]:
    """(dx, dy) in pixels for this moment; `scale` is window height / 1080."""
    minutes = now.hour * 60 + now.minute
    dx, dy = _WALK[(minutes // step_minutes) % len(_WALK)]
    return dx * scale, dy * scale

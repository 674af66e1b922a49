"""WCAG 2 contrast between two sRGB colours (channels 0..1): every app's palette is checked with it."""

from __future__ import annotations

from collections.abc import Sequence


def relative_luminance(colour: Sequence[float]) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in colour[:3])
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(a: Sequence[float], b: Sequence[float]) -> float:
    """1.0 (none) to 21.0 (black on white); AA asks ≥ 4.5 for text."""
    lighter, darker = sorted((relative_luminance(a), relative_luminance(b)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)

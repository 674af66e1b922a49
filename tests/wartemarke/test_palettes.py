"""One contrast test for every app: each text/background pair a layout uses meets WCAG AA (4.5:1),
and each layout takes its colours from its palette (colours as data: <app>/palette.toml)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from counter.palette import PALETTE as COUNTER
from display.palette import PALETTE as DISPLAY
from kiosk.palette import PALETTE as KIOSK
from wartemarke.palette import Palette

REPO = Path(__file__).resolve().parents[2]
PALETTES = [KIOSK, DISPLAY, COUNTER]
PAIRS = [(palette.name, pair) for palette in PALETTES for pair in palette.pairs]
# Four numbers from 0 to 1 in a row: a colour written straight into a layout instead of named.
COLOUR_LITERAL = re.compile(
    r"\(?\s*([01](?:\.\d+)?)\s*,\s*([01](?:\.\d+)?)\s*,\s*([01](?:\.\d+)?)\s*,\s*[01](?:\.\d+)?"
)


@pytest.mark.parametrize(
    ("app", "pair"), PAIRS, ids=[f"{app}: {pair.text} on {pair.background}" for app, pair in PAIRS]
)
def test_every_text_colour_meets_wcag_aa_on_its_background(app, pair):
    assert pair.contrast >= 4.5, f"{app}: {pair.text} on {pair.background} ({pair.where}): {pair.contrast:.2f}:1"


def layout_files(palette: Palette) -> list[Path]:
    folder = REPO / palette.name
    return [folder / f"{palette.name}.kv", *sorted(folder.glob("*.py"))]


def code_lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if not line.lstrip().startswith("#")]


@pytest.mark.parametrize("palette", PALETTES, ids=[palette.name for palette in PALETTES])
def test_each_layout_names_its_colours_from_its_palette(palette):
    named: set[str] = set()
    for path in layout_files(palette):
        for line in code_lines(path):
            named |= set(re.findall(rf"(?:{palette.name.title()}Palette|PALETTE)\.(\w+)", line))
            for literal in COLOUR_LITERAL.finditer(line):
                # Only black with some transparency is written out: "no background", a dimmed screen.
                assert literal.groups() == ("0", "0", "0"), (
                    f"{path.name}: a colour not from the palette: {line.strip()}"
                )
    assert named <= set(palette.colours), f"not in {palette.name}/palette.toml: {named - set(palette.colours)}"
    assert set(palette.colours) <= named, f"never used: {set(palette.colours) - named}"

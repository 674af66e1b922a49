"""An app's colours as data: `palette.toml` beside its `.kv`, with every text/background pair it uses.

Colours are defined once. The app's `palette` module loads its file (`load_palette`), its `.kv`
imports the result under the app's own name and uses the colours by name:

    #:import KioskPalette kiosk.palette.PALETTE
    color: KioskPalette.navy

and one test (tests/wartemarke/test_palettes.py) holds every declared pair of every app to WCAG AA
(`wartemarke.contrast`). A layout that puts text on a background its palette does not declare is
a bug in the layout or in the palette.

palette.toml:

    [colours]
    navy = "#0A2145"
    white = "#FFFFFF"

    [[pairs]]
    text = "white"
    background = "navy"
    where = "start and concern screens"
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import Field, model_validator

from wartemarke.config_file import ConfigModel, load_config
from wartemarke.contrast import contrast_ratio

#: Red, green, blue, alpha from 0 to 1, as Kivy's `color` and `rgba` take them.
RGBA = tuple[float, float, float, float]
HexColour = Annotated[str, Field(pattern=r"^#[0-9A-Fa-f]{6}$")]


def rgba(hex_colour: str) -> RGBA:
    value = hex_colour.lstrip("#")
    red, green, blue = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return (red, green, blue, 1.0)


class TextOnBackground(ConfigModel):
    text: str
    background: str
    #: Where the layout puts this text on this background (for the person reading a failure).
    where: str


class PaletteFile(ConfigModel):
    colours: dict[str, HexColour]
    pairs: Annotated[list[TextOnBackground], Field(min_length=1)]

    @model_validator(mode="after")
    def _pairs_name_colours(self) -> PaletteFile:
        for pair in self.pairs:
            for name in (pair.text, pair.background):
                if name not in self.colours:
                    raise ValueError(f"pair {pair.where!r} names {name!r}, which is not under [colours]")
        return self


@dataclass(frozen=True)
class Pair:
    """One text colour on one background, as the layout uses it."""

    text: str
    background: str
    where: str
    contrast: float


class Palette:
    """The colours of one app by name (`palette.navy` → RGBA) and the pairs its layout uses."""

    def __init__(self, name: str, colours: dict[str, RGBA], pairs: tuple[Pair, ...]) -> None:
        self.name = name
        self.colours = colours
        self.pairs = pairs

    def __getattr__(self, colour: str) -> RGBA:
        try:
            return self.__dict__["colours"][colour]
        except KeyError:
            raise AttributeError(f"the {self.__dict__.get('name')} palette has no colour {colour!r}") from None


def load_palette(path: Path) -> Palette:
    """The palette in `path` (a `palette.toml`); a mistake in it is a ConfigError naming the key."""
    data = load_config(path, PaletteFile)
    colours = {name: rgba(value) for name, value in data.colours.items()}
    pairs = tuple(
        Pair(pair.text, pair.background, pair.where, contrast_ratio(colours[pair.text], colours[pair.background]))
        for pair in data.pairs
    )
    return Palette(path.parent.name, colours, pairs)

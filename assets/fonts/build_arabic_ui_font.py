"""Build WartemarkeSansArabic-{Regular,Bold}.ttf: Noto Sans Arabic plus every glyph of Noto Sans it lacks.

Why: Kivy labels and Pillow's basic layout draw a whole string with one font and fall back to no
other. Noto Sans Arabic has Arabic letters and digits but no Latin letters, no Cyrillic and no
brackets, so "تصريح الإقامة (بموعد)" showed empty boxes where the parentheses are, and a ticket
number or a German counter name inside an Arabic sentence could not be drawn at all. The merged
font draws any text the apps show in a right-to-left language with one font.

What it does: subsets Noto Sans to the characters Noto Sans Arabic does not have (without its
layout features: the Latin/Cyrillic part needs no shaping, and the Arabic part keeps its own
GSUB/GPOS), merges that into Noto Sans Arabic with fontTools, and renames the family so it cannot
be mistaken for an unmodified Noto font (the SIL Open Font License asks modified versions to say
so; it is kept next to the fonts as OFL.txt). Both inputs use 1000 units per em, so no scaling.

Rebuild after replacing a Noto font (needs fonttools, in the `test` extra):

    .venv/bin/python assets/fonts/build_arabic_ui_font.py
"""

from __future__ import annotations

import io
from pathlib import Path

from fontTools import subset
from fontTools.merge import Merger
from fontTools.ttLib import TTFont

FONTS = Path(__file__).resolve().parent
FAMILY = "Wartemarke Sans Arabic"


def _latin_part(latin_path: Path, arabic_cmap: set[int]) -> io.BytesIO:
    """Noto Sans reduced to the characters the Arabic font lacks, hinting and features dropped."""
    font = TTFont(latin_path)
    wanted = sorted(set(font.getBestCmap()) - arabic_cmap)
    options = subset.Options()
    options.layout_features = []
    options.hinting = False
    options.notdef_outline = False
    options.name_IDs = []
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=wanted)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    buffer.seek(0)
    return buffer


def _unhinted(path: Path) -> io.BytesIO:
    # The merger cannot combine two fonts' hinting programs; unhinted outlines look the same at
    # the sizes a kiosk or a display uses, and Noto's autohinted instructions are a small gain.
    font = TTFont(path)
    options = subset.Options()
    options.hinting = False
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.glyph_names = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=font.getBestCmap().keys())
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.save(buffer)
    buffer.seek(0)
    return buffer


def _rename(font: TTFont, style: str) -> None:
    postscript = f"{FAMILY.replace(' ', '')}-{style}"
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 3, 4, 6, 16, 17):
            names.removeNames(nameID=record.nameID)
    names.setName(FAMILY, 1, 3, 1, 0x409)
    names.setName(style, 2, 3, 1, 0x409)
    names.setName(f"{postscript};merged from Noto Sans Arabic and Noto Sans", 3, 3, 1, 0x409)
    names.setName(f"{FAMILY} {style}", 4, 3, 1, 0x409)
    names.setName(postscript, 6, 3, 1, 0x409)
    description = (
        "Noto Sans Arabic with the Latin, Cyrillic and punctuation glyphs of Noto Sans added for Wartemarke "
        "(assets/fonts/build_arabic_ui_font.py). Both by The Noto Project Authors, under the SIL Open Font "
        "License 1.1."
    )
    names.setName(description, 10, 3, 1, 0x409)


def build(style: str) -> Path:
    arabic_path = FONTS / f"NotoSansArabic-{style}.ttf"
    latin_path = FONTS / f"NotoSans-{style}.ttf"
    arabic_cmap = set(TTFont(arabic_path).getBestCmap())
    merged = Merger().merge([_unhinted(arabic_path), _latin_part(latin_path, arabic_cmap)])
    _rename(merged, style)
    target = FONTS / f"WartemarkeSansArabic-{style}.ttf"
    merged.save(target)
    return target


def main() -> None:
    for style in ("Regular", "Bold"):
        path = build(style)
        font = TTFont(path)
        print(f"{path.name}: {len(font.getGlyphOrder())} glyphs, {len(font.getBestCmap())} characters")


if __name__ == "__main__":
    main()

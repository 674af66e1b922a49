"""Pieces every Wartemarke part shares: the `wartemarke` command, config files, translations."""

from pathlib import Path

#: The repository's (or installed tree's) asset folder: fonts, sounds, translation catalogs.
ASSETS = Path(__file__).resolve().parent.parent / "assets"

"""The kiosk's colours by name, from kiosk/palette.toml (see `wartemarke.palette`)."""

from pathlib import Path

from wartemarke.palette import load_palette

PALETTE = load_palette(Path(__file__).with_name("palette.toml"))

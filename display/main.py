"""`wartemarke display --config config/display.toml [--windowed] [--size WxH]`: see `wartemarke.kivy_shell.startup`.

Full screen by default (a waiting-room screen has no desktop around it); `--windowed --size`
lets the demo put kiosk, display and counter side by side on one monitor.
"""

from __future__ import annotations

from display.config import load_display_config
from wartemarke.kivy_shell.startup import AppStart

START = AppStart("display", "The waiting-room display.", load_display_config, "display.app:DisplayApp", (960, 540))
main = START.main

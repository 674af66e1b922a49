"""`wartemarke counter --config config/counter.toml [--windowed] [--size WxH]`: see `wartemarke.kivy_shell.startup`.

Full screen by default; Escape closes the clerk's popups and the scanned ticket, never the app.
"""

from __future__ import annotations

from counter.config import load_counter_config
from wartemarke.kivy_shell.startup import AppStart

START = AppStart("counter", "The staff counter app.", load_counter_config, "counter.app:CounterApp", (1280, 800))
main = START.main

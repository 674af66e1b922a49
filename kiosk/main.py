"""`wartemarke kiosk --config config/kiosk.toml [--windowed] [--size WxH]`: see `wartemarke.kivy_shell.startup`.

Full screen by default: visitors must not leave the kiosk; staff exit with five taps in the
top-left corner and the PIN from the config.
"""

from __future__ import annotations

from kiosk.config import KioskConfig, load_kiosk_config
from wartemarke.kivy_shell.startup import AppStart

#: The 1080p screen in each orientation; a window without --size is half of it.
SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080)}


def half_screen(config: KioskConfig) -> tuple[int, int]:
    width, height = SIZES[config.kiosk.orientation]
    return width // 2, height // 2


START = AppStart("kiosk", "The touchscreen ticket kiosk.", load_kiosk_config, "kiosk.app:KioskApp", half_screen)
main = START.main

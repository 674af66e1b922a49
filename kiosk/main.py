"""`wartemarke kiosk --config config/kiosk.toml [--windowed] [--size WxH]`.

The config is checked before Kivy starts, so a typo gives one clear line instead of a window that
opens and dies. Full screen by default (visitors must not leave the kiosk); staff exit with five taps
in the top-left corner and the PIN from the config.
"""

from __future__ import annotations

import argparse
import logging
import os
import re
import sys

from wartemarke.config_file import ConfigError

SIZES = {"portrait": (1080, 1920), "landscape": (1920, 1080)}


def _size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{2,5})x(\d{2,5})", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT like 540x960, got {text!r}")
    return int(match.group(1)), int(match.group(2))


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="wartemarke kiosk", description="The touchscreen ticket kiosk.")
    parser.add_argument("--config", required=True, help="kiosk TOML file, e.g. config/kiosk.toml")
    parser.add_argument("--windowed", action="store_true", help="a window instead of full screen (demo)")
    parser.add_argument(
        "--size", type=_size, help="window size WxH, implies --windowed (default: half of the orientation's 1080p)"
    )
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    from kiosk.config import load_kiosk_config

    try:
        config = load_kiosk_config(args.config)
        token = config.read_token()
    except ConfigError as error:
        print(f"wartemarke kiosk: {error}", file=sys.stderr)
        return 2

    os.environ.setdefault("KIVY_NO_ARGS", "1")
    from kivy.config import Config

    width, height = args.size or SIZES[config.kiosk.orientation]
    windowed = args.windowed or args.size is not None
    if windowed:
        if not args.size:
            width, height = width // 2, height // 2
        Config.set("graphics", "fullscreen", "0")
        Config.set("graphics", "width", str(width))
        Config.set("graphics", "height", str(height))
    else:
        Config.set("graphics", "fullscreen", "auto")
        Config.set("graphics", "borderless", "1")
    Config.set("kivy", "exit_on_escape", "0")  # a keyboard on the kiosk must not close it
    Config.set("input", "mouse", "mouse,disable_multitouch")
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")

    from kiosk.app import KioskApp, KioskRuntime

    runtime = KioskRuntime(config, token=token)
    KioskApp(runtime, rotate_to=None if windowed else config.kiosk.orientation).run()
    return 0

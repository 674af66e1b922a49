"""`wartemarke display --config config/display.toml [--windowed] [--size WxH]`.

Full screen by default (a waiting-room screen has no desktop around it); `--windowed --size`
lets the demo put kiosk, display and counter side by side on one monitor.
"""

from __future__ import annotations

import argparse
import os
import re
import sys

from wartemarke.config_file import ConfigError


def _size(value: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d+)x(\d+)", value.strip().lower())
    if not match:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 1920x1080, got {value!r}")
    width, height = int(match[1]), int(match[2])
    if width < 320 or height < 240:
        raise argparse.ArgumentTypeError(f"{value} is too small for a board (at least 320x240)")
    return width, height


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="wartemarke display", description="The waiting-room display.")
    parser.add_argument("--config", required=True, help="display config (TOML), e.g. config/display.toml")
    parser.add_argument("--windowed", action="store_true", help="a window instead of full screen")
    parser.add_argument("--size", type=_size, help="window size WxH, e.g. 1920x1080 or 1080x1920 (portrait)")
    return parser.parse_args(argv)


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    from display.config import load_display_config

    try:
        config = load_display_config(args.config)
        token = config.server.read_token("display")
    except ConfigError as exc:
        print(f"wartemarke display: {exc}", file=sys.stderr)
        return 2
    # Window options must be set before Kivy creates its window, i.e. before kivy.core.window loads.
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    # The interruptible clock runs a call from the network thread at once instead of after the
    # current frame's sleep: up to 1/60 s sooner on the board, nothing else changes.
    os.environ.setdefault("KIVY_CLOCK", "interrupt")
    from kivy.config import Config

    Config.set("graphics", "fullscreen", "0" if args.windowed or args.size else "auto")
    if args.size:
        Config.set("graphics", "width", str(args.size[0]))
        Config.set("graphics", "height", str(args.size[1]))
    Config.set("kivy", "exit_on_escape", "1" if args.windowed else "0")
    from display.app import DisplayApp

    app = DisplayApp(config, token)
    try:
        app.run()
    except KeyboardInterrupt:  # Ctrl-C (e.g. ending `make demo`): close the stream, finish the call-out
        app.on_stop()
    return 0

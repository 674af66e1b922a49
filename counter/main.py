"""`wartemarke counter --config config/counter.toml [--windowed] [--size WxH]`."""

from __future__ import annotations

import argparse
import os
import re
import signal
import sys

from wartemarke.config_file import ConfigError


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="wartemarke counter", description="The staff counter app.")
    parser.add_argument("--config", default="config/counter.toml", help="counter config (TOML)")
    parser.add_argument("--windowed", action="store_true", help="a window instead of full screen")
    parser.add_argument("--size", default="1280x800", help="window size WxH (with --windowed)")
    args = parser.parse_args(argv)
    if not re.fullmatch(r"\d{3,5}x\d{3,5}", args.size):
        parser.error(f"--size must look like 1280x800, got {args.size!r}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(list(sys.argv[1:] if argv is None else argv))
    from counter.config import load_counter_config

    try:
        config = load_counter_config(args.config)
        token = config.read_token()
    except ConfigError as exc:
        print(f"wartemarke counter: {exc}", file=sys.stderr)
        return 2

    # Kivy reads these before its window exists: set them first, import the app after.
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    from kivy.config import Config

    width, height = args.size.split("x")
    Config.set("kivy", "exit_on_escape", "0")
    Config.set("input", "mouse", "mouse,multitouch_on_demand")
    if args.windowed:
        Config.set("graphics", "fullscreen", "0")
        Config.set("graphics", "width", width)
        Config.set("graphics", "height", height)
    else:
        Config.set("graphics", "fullscreen", "auto")
    from kivy.clock import Clock

    from counter.app import CounterApp

    app = CounterApp(config, token)

    def stop_gently(_signum: int, _frame: object) -> None:
        # Through Kivy's loop, so on_stop runs and the counter is closed on the server.
        Clock.schedule_once(lambda _dt: app.stop())

    signal.signal(signal.SIGTERM, stop_gently)
    signal.signal(signal.SIGINT, stop_gently)
    app.run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

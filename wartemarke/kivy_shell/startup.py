"""One start-up for the three apps: `wartemarke kiosk|display|counter --config FILE [window options]`.

Each app's `main` is an `AppStart` — what differs, as data — and its `main` does the rest the same
way for all:
- The config, and the token file it names, are checked before Kivy is imported: a typo stops the
  app with one line naming file and key instead of a window that opens and dies.
- Kivy reads its window options when its window module loads, so they are set next: full screen
  (borderless, nothing of a desktop for visitors to reach, Escape ignored) unless `--windowed`,
  `--size` or `--position` asks for a window, as `make demo` does to put the three apps side by side.
  Logging is INFO unless `--log-level` says otherwise.
- The app (a `wartemarke.kivy_shell.device_app.DeviceApp`) is built from the checked config and
  token, and run. SIGTERM and Ctrl-C
  stop it through Kivy's loop, so its `on_stop` runs: the counter closes itself on the server, the
  display finishes the call-out it is speaking. A second one leaves at once.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import re
import signal
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wartemarke.config_file import ConfigError
from wartemarke.device_config import DeviceConfig

if TYPE_CHECKING:
    from kivy.app import App

#: The smallest window any of the apps can be drawn in.
MIN_SIZE = (320, 240)


@dataclass(frozen=True)
class AppStart:
    """What one app tells the shared start-up; `main` is its `wartemarke <command>`."""

    #: The subcommand: "kiosk", "display", "counter".
    command: str
    description: str
    load_config: Callable[[Path], DeviceConfig]
    #: "module:Class" of the app's `DeviceApp`, imported once the config has been checked.
    app: str
    #: The window's size when `--windowed` comes without `--size` (or a function of the checked config).
    window_size: tuple[int, int] | Callable[[Any], tuple[int, int]]

    def main(self, argv: list[str] | None = None) -> int:
        """Check the config, set Kivy's window up, run the app; 2 for a config that cannot be used."""
        args = parse_args(self, list(sys.argv[1:] if argv is None else argv))
        try:
            config = self.load_config(Path(args.config))
            token = config.read_token()
        except ConfigError as error:
            print(f"wartemarke {self.command}: {error}", file=sys.stderr)
            return 2
        window = args.size or (self.window_size(config) if callable(self.window_size) else self.window_size)
        windowed = args.windowed or args.size or args.position
        _configure_kivy(window if windowed else None, args.position, args.log_level)
        module, _, name = self.app.partition(":")
        app = getattr(importlib.import_module(module), name)(config, token)
        _stop_on_signals(app)
        app.run()
        return 0


def _size(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{2,5})x(\d{2,5})", text.strip().lower())
    if not match:
        raise argparse.ArgumentTypeError(f"expected WIDTHxHEIGHT such as 1920x1080, got {text!r}")
    width, height = int(match[1]), int(match[2])
    if width < MIN_SIZE[0] or height < MIN_SIZE[1]:
        raise argparse.ArgumentTypeError(f"{text} is too small (at least {MIN_SIZE[0]}x{MIN_SIZE[1]})")
    return width, height


def _position(text: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{1,5}),(\d{1,5})", text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"expected LEFT,TOP in pixels such as 560,0, got {text!r}")
    return int(match[1]), int(match[2])


def parse_args(start: AppStart, argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog=f"wartemarke {start.command}", description=start.description)
    parser.add_argument(
        "--config", required=True, help=f"{start.command} config (TOML), e.g. config/{start.command}.toml"
    )
    parser.add_argument("--windowed", action="store_true", help="a window instead of full screen (demo)")
    parser.add_argument("--size", type=_size, help="window size WxH, e.g. 1080x1920; implies --windowed")
    parser.add_argument(
        "--position", type=_position, help="the window's top-left corner LEFT,TOP on the screen; implies --windowed"
    )
    parser.add_argument(
        "--log-level",
        default="info",
        choices=["debug", "info", "warning", "error"],
        help="what the app logs to stderr (default info; debug adds every HTTP connection)",
    )
    return parser.parse_args(argv)


def _configure_kivy(
    window: tuple[int, int] | None, position: tuple[int, int] | None = None, log_level: str = "info"
) -> None:
    """Kivy's options for a full screen (`window` None) or a window of that size (at `position`, if
    given), and the log level; before its window exists."""
    os.environ.setdefault("KIVY_NO_ARGS", "1")
    # The interruptible clock runs what a background lane hands to the UI thread at once, instead
    # of after the current frame's sleep: up to 1/60 s sooner on screen, nothing else changes.
    os.environ.setdefault("KIVY_CLOCK", "interrupt")
    # Kivy logs its first-start config upgrade before it reads its log level: set it on its logger first.
    logging.getLogger("kivy").setLevel(log_level.upper())
    from kivy.config import Config

    if window is None:
        Config.set("graphics", "fullscreen", "auto")
        Config.set("graphics", "borderless", "1")
    else:
        Config.set("graphics", "fullscreen", "0")
        Config.set("graphics", "width", str(window[0]))
        Config.set("graphics", "height", str(window[1]))
        if position is not None:
            Config.set("graphics", "position", "custom")
            Config.set("graphics", "left", str(position[0]))
            Config.set("graphics", "top", str(position[1]))
    # A keyboard at a kiosk or a desk must never end the app; a demo window closes like any other.
    Config.set("kivy", "exit_on_escape", "0" if window is None else "1")
    # A right click must not leave red multitouch dots on a screen people read.
    Config.set("input", "mouse", "mouse,disable_multitouch")
    # Kivy puts its handlers on the root logger; in its PYTHON log mode this is where the apps' lines go.
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    # Kivy opens the root logger to every level and filters only its own lines, so every library's
    # DEBUG lines (urllib3's for each health poll: most of a demo's log) reached stderr.
    Config.set("kivy", "log_level", log_level)
    logging.root.setLevel(log_level.upper())


def _stop_on_signals(app: App) -> None:
    from kivy.clock import Clock

    asked: list[int] = []

    def stop(signum: int, _frame: object) -> None:
        if asked:
            raise KeyboardInterrupt  # asked again: the app does not stop, leave at once
        asked.append(signum)
        Clock.schedule_once(lambda _dt: app.stop())

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

"""`make demo` on a machine without a screen: three windows side by side on its virtual screen, a
way to see that screen, and a log without DEBUG lines.

The demo runs as a person starts it (`wartemarke demo`), on its own port and data folder; the
windows are read from the X server itself (no window manager is running), and a picture of the
whole virtual screen is kept in artifacts/screenshots/ to look at.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from launcher.live_server import ROOT, free_port

T = TypeVar("T")
WINDOW = re.compile(r'^\s+0x[0-9a-f]+ "(Wartemarke[^"]*)".*?\s(\d+)x(\d+)\+(-?\d+)\+(-?\d+)\s', re.MULTILINE)


def wait_for(what: str, found: Callable[[], T | None], seconds: float = 120) -> T:
    deadline = time.monotonic() + seconds
    while (value := found()) is None:
        assert time.monotonic() < deadline, f"no {what} within {seconds} s"
        time.sleep(0.5)
    return value


def test_the_demo_shows_three_windows_side_by_side_and_logs_no_debug(tmp_path: Path, artifacts_dir: Path) -> None:
    # As on a machine without a screen, with the apps' log on stderr as a person sees it.
    unset = ("DISPLAY", "WAYLAND_DISPLAY", "SDL_VIDEODRIVER", "KIVY_NO_CONSOLELOG")
    env = {name: value for name, value in os.environ.items() if name not in unset}
    out, err = tmp_path / "demo.out", tmp_path / "demo.err"
    command = [sys.executable, "-m", "launcher", "demo", "--port", str(free_port()), "--data", str(tmp_path / "demo")]
    with open(out, "w") as stdout, open(err, "w") as stderr:
        demo = subprocess.Popen([*command, "--seconds", "300"], cwd=ROOT, env=env, stdout=stdout, stderr=stderr)
    try:
        banner = wait_for("banner", lambda: out.read_text() if "Press Ctrl-C" in out.read_text() else None)
        display = re.search(r"Virtual screen (:\d+)", banner)
        assert display, banner
        # The banner says how to see the screen: a VNC port and a command for a picture.
        assert re.search(r"VNC viewer .* localhost:\d+", banner) and "ImageGrab.grab" in banner

        def windows() -> list[tuple[str, int, int, int, int]] | None:
            tree = subprocess.run(
                ["xwininfo", "-root", "-children", "-display", display[1]], capture_output=True, text=True
            ).stdout
            found = [(name, *map(int, numbers)) for name, *numbers in WINDOW.findall(tree)]
            return found if len(found) == 3 else None

        placed = wait_for("three app windows", windows)
        for name, width, height, left, top in placed:
            assert left >= 0 and top >= 0 and left + width <= 1920 and top + height <= 1080, (name, placed)
        for index, (name, width, height, left, top) in enumerate(placed):
            for other, w, h, x, y in placed[index + 1 :]:
                apart = left + width <= x or x + w <= left or top + height <= y or y + h <= top
                assert apart, f"{name} and {other} overlap: {placed}"

        from PIL import ImageGrab

        def drawn() -> object | None:
            # Each app has drawn once the middle of its window is no longer the screen's black.
            picture = ImageGrab.grab(xdisplay=display[1])
            middles = [picture.getpixel((x + w // 2, y + h // 2)) for _, w, h, x, y in placed]
            return picture if all(pixel != (0, 0, 0) for pixel in middles) else None

        (artifacts_dir / "screenshots").mkdir(exist_ok=True)
        wait_for("drawn windows", drawn).save(artifacts_dir / "screenshots" / "demo_virtual_screen.png")
    finally:
        demo.send_signal(signal.SIGTERM)
        demo.wait(60)
    log = err.read_text()
    assert "INFO" in log  # the apps' log is there ...
    assert "DEBUG" not in log, [line for line in log.splitlines() if "DEBUG" in line][:5]  # ... without DEBUG lines

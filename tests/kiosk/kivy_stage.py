"""Putting a kiosk root widget into the shared headless Kivy window, tapping it and photographing it."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kivy.base import EventLoop
from kivy.core.window import Window
from kivy.tests.common import UnitTestTouch
from kivy.uix.widget import Widget

SHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots" / "kiosk"
PORTRAIT = (1080, 1920)
LANDSCAPE = (1920, 1080)


def frames(count: int = 3) -> None:
    for _ in range(count):
        EventLoop.idle()


@contextmanager
def staged(root: Widget, size: tuple[int, int] = PORTRAIT) -> Iterator[Widget]:
    """`root` in the window at `size`, removed again afterwards so other apps' tests find it empty."""
    EventLoop.ensure_window()
    old_size = Window.size
    Window.size = size
    root.size_hint = (None, None)
    root.size = size
    root.pos = (0, 0)
    Window.add_widget(root)
    try:
        frames()
        yield root
    finally:
        Window.remove_widget(root)
        Window.size = old_size
        frames(1)


def resize(root: Widget, size: tuple[int, int]) -> None:
    Window.size = size
    root.size = size
    frames(10)  # nested layouts (and the concern cards shrinking to fit) settle over several frames


def shoot(root: Widget, name: str) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    frames()
    path = SHOTS / f"{name}.png"
    root.export_to_png(str(path))
    return path


def tap(widget: Widget) -> None:
    """A finger down and up on the middle of `widget`, through the window like a real touch."""
    frames(3)  # a screen that just appeared is laid out on the next frames
    x, y = widget.to_window(*widget.center)
    touch = UnitTestTouch(x, y)
    touch.touch_down()
    frames(1)
    touch.touch_up()
    frames(1)


def tap_at(x: float, y: float) -> None:
    touch = UnitTestTouch(x, y)
    touch.touch_down()
    touch.touch_up()
    frames(1)


def pump_until(condition: Callable[[], bool], timeout: float = 10.0) -> bool:
    """Run the Kivy loop a frame at a time (timers, answers from the lanes) until `condition` holds.

    A frame waits for the next tick of Kivy's clock, so this loop keeps the app's own pace.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        EventLoop.idle()
        if condition():
            return True
    return condition()


def find(root: Widget, kind: type, **attributes) -> Widget:
    for widget in root.walk(restrict=True):
        if isinstance(widget, kind) and all(getattr(widget, k) == v for k, v in attributes.items()):
            return widget
    raise LookupError(f"no {kind.__name__} with {attributes} on screen")

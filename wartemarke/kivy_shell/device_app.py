"""`DeviceApp`: the Kivy App every app's App class derives from, built from its config and token."""

from __future__ import annotations

from typing import Any

from kivy.app import App


class DeviceApp(App):
    """What all three apps' App classes share.

    - Built as `AppClass(config, token)` by the shared start-up (`wartemarke.kivy_shell.startup`).
    - No Kivy settings panel: Kivy opens one on F1 by default, a way out for visitors and a trap for
      a clerk whose shortcuts are function keys.
    - No automatic .kv file: Kivy would load `<name>.kv` again by the class's name (every rule
      twice, every widget doubled); each app's screen module loads its layout once per process.
    """

    use_kivy_settings = False

    def __init__(self, config: Any, token: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.device_config = config
        self.token = token

    def open_settings(self, *_args: Any) -> bool:
        return False

    def load_kv(self, filename: str | None = None) -> bool:
        return True

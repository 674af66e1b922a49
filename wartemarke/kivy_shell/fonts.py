"""The bundled fonts registered with Kivy under the names of `wartemarke.fonts`, once per process."""

from __future__ import annotations

from kivy.core.text import LabelBase

from wartemarke.fonts import FAMILIES


def register_fonts() -> None:
    """Make `font_name: "WartemarkeSans"` (and the Arabic family) usable; harmless to call again."""
    for name, (regular, bold) in FAMILIES.items():
        LabelBase.register(name, str(regular), fn_bold=str(bold))

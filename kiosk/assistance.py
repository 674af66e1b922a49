"""One visit's assistance: keys in use, speech on, large print, the focus ring, the banner.

EN 301 549 §5.1 (closed functionality): whatever a visitor can do by looking and touching, they
must be able to do without vision and without fine touch. The controller keeps one `Assistance`
per visit and forgets it when the visitor leaves, so the next visitor finds the kiosk as usual.
The focus ring works on the choices a view lists (`kiosk.views.Choice`), whatever the screen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from kiosk.views import Choice


@dataclass
class Assistance:
    #: The visitor pressed a key in this visit: the focus ring shows.
    keys: bool = False
    speech: bool = False
    large_print: bool = False
    #: The choice with the focus ring: None = no ring; an id not on the screen = its first choice.
    focus: str | None = None
    #: The warning that the kiosk is about to return to the start is showing.
    warning: bool = False
    #: The key help is showing (the speech key pressed while speech is on).
    help: bool = False

    @property
    def active(self) -> bool:
        """This visitor gets more time and a warning before the kiosk gives up on them.

        Speech alone does not count: with speech "always" on, it is on before anybody is there
        (the speech key is a key, so a visitor who asked for speech counts).
        """
        return self.keys or self.large_print

    def new_screen(self) -> None:
        """A new screen: the ring starts on its first choice (if keys are in use); old banners go."""
        self.focus = "" if self.keys else None
        self.warning = self.help = False


def resolve_focus(choices: Sequence[Choice], focus: str | None) -> str | None:
    """The id of the choice with the ring: `focus` if it is on the screen, else its first available choice."""
    if focus is None or not choices:
        return None
    if any(choice.id == focus for choice in choices):
        return focus
    return next((choice.id for choice in choices if choice.available), choices[0].id)


def step_focus(choices: Sequence[Choice], focus: str | None, step: int) -> str | None:
    """The choice `step` places on from the ring (round the end and back to the start)."""
    current = resolve_focus(choices, focus if focus is not None else "")
    if current is None:
        return None
    ids = [choice.id for choice in choices]
    return ids[(ids.index(current) + step) % len(ids)]

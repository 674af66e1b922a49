"""The spoken call-out: "Nummer N 17, bitte zu Schalter 5", in German and in the ticket's language.

Kept apart from the announcer so the wording is tested without any audio. Voices and how a
number is said ("N 17") are shared with the kiosk's spoken guidance (`wartemarke.speech`).
"""

from __future__ import annotations

from display.counter_label import counter_number
from wartemarke.i18n import gettext_for
from wartemarke.speech import spoken_number


def callout_sentence(number: str, counter_name: str, language: str) -> str:
    """One sentence to speak; "Schalter 5" or "5" is said as "counter 5" in the language, a name as itself."""
    _ = gettext_for("display", language)
    spoken = spoken_number(number)
    counter = counter_number(counter_name)
    if counter is not None:
        return _("Number {number}, please go to counter {counter}.").format(number=spoken, counter=counter)
    return _("Number {number}, please go to {place}.").format(number=spoken, place=counter_name.strip())

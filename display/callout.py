"""The spoken call-out: "Nummer N 17, bitte zu Schalter 5", in German and in the ticket's language.

Kept apart from the announcer so the wording is tested without any audio.
"""

from __future__ import annotations

import re

from display.counter_label import counter_number
from wartemarke.i18n import gettext_for

#: espeak-ng voice per site language (espeak-ng's own names; `en` alone is a robotic default).
ESPEAK_VOICES: dict[str, str] = {
    "de": "de",
    "en": "en-gb",
    "uk": "uk",
    "ru": "ru",
    "tr": "tr",
    "ar": "ar",
    "fa": "fa",
}

_NUMBER = re.compile(r"^([^\d]*?)0*(\d+)$")


def spoken_number(number: str) -> str:
    """ "N017" → "N 17": a TTS voice reads "N017" as one odd word, and nobody says the zero."""
    match = _NUMBER.match(number.strip())
    if not match:
        return number
    prefix, digits = match.groups()
    return f"{prefix} {digits}" if prefix else digits


def callout_sentence(number: str, counter_name: str, language: str) -> str:
    """One sentence to speak; "Schalter 5" or "5" is said as "counter 5" in the language, a name as itself."""
    _ = gettext_for("display", language)
    spoken = spoken_number(number)
    counter = counter_number(counter_name)
    if counter is not None:
        return _("Number {number}, please go to counter {counter}.").format(number=spoken, counter=counter)
    return _("Number {number}, please go to {place}.").format(number=spoken, place=counter_name.strip())

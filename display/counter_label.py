"""How a counter is named on the board and in the call-out.

Offices name counters "Schalter 5", "5" or "Raum 2.14". The board already says "Counter" in the
cycling language next to the number, and the call-out says it in each language, so a name that
is one word plus a number ("Schalter 5", "Platz 12a") is reduced to the number: it stays large on
the board and a Ukrainian sentence does not end in a German word. Any other name is used as it is.
"""

from __future__ import annotations

import re

_WORD_AND_NUMBER = re.compile(r"^\s*(?:[^\W\d]+\.?\s+)?(\d+[a-zA-Z]?)\s*$")


def counter_number(name: str) -> str | None:
    """ "Schalter 5" → "5", "5" → "5", "12a" → "12a"; None for names like "Raum 2.14" or "Info"."""
    match = _WORD_AND_NUMBER.match(name)
    return match.group(1) if match else None


def counter_label(name: str) -> str:
    """What the board shows after its "Counter" heading."""
    return counter_number(name) or name.strip()

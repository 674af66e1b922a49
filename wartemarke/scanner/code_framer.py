"""Split a scanner's byte stream into codes.

Serial scanners end each code with CR, LF or CRLF (depending on how they were configured), and the
bytes of one code may arrive in several reads. Line noise (e.g. when a scanner is plugged in) must
never turn into a code, so bytes that are not text are dropped.
"""

from __future__ import annotations

#: A ticket code is a URL of well under 200 characters; anything longer is noise with no terminator.
MAX_CODE_LENGTH = 1024

_TERMINATORS = b"\r\n"


class CodeFramer:
    """Collects bytes until CR or LF and returns each complete, cleaned code once."""

    def __init__(self, max_length: int = MAX_CODE_LENGTH) -> None:
        self._pending = bytearray()
        self._max_length = max_length
        self._overflowed = False

    def feed(self, data: bytes) -> list[str]:
        """Codes completed by `data`, in order. An empty line (the LF of a CRLF) yields nothing."""
        codes: list[str] = []
        for byte in data:
            if byte in _TERMINATORS:
                if not self._overflowed:
                    code = clean(bytes(self._pending))
                    if code:
                        codes.append(code)
                self._pending.clear()
                self._overflowed = False
            elif len(self._pending) >= self._max_length:
                # Drop the whole over-long line rather than deliver its tail as a "code".
                self._overflowed = True
                self._pending.clear()
            elif not self._overflowed:
                self._pending.append(byte)
        return codes

    def reset(self) -> None:
        """Forget a half-received code (the device went away mid-code)."""
        self._pending.clear()
        self._overflowed = False


def clean(raw: bytes) -> str:
    """The printable text of one line: invalid UTF-8 and control characters removed, trimmed."""
    text = raw.decode("utf-8", errors="ignore")
    return "".join(ch for ch in text if ch.isprintable()).strip()

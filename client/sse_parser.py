"""An incremental parser for the `text/event-stream` format (WHATWG HTML, "Server-sent events").

Bytes arrive in whatever pieces the network delivers: an event, a line, even a UTF-8 character or
a CR LF pair may be split between two reads. `SseParser.feed` keeps the unfinished rest and returns
only complete events, so the reader never has to care where the pieces were cut.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

_LINE_BREAK = re.compile(r"\r\n|\r|\n")


@dataclass(frozen=True)
class SseMessage:
    """One dispatched event as text; `last_event_id` is the stream's id after it ("" if none yet)."""

    event: str
    data: str
    last_event_id: str


class SseParser:
    """Feed it bytes, get back the events completed by them.

    Follows the spec's rules: `field: value` with one optional space after the colon, lines that
    start with ":" are comments, several `data:` lines join with "\\n", an event without data is
    not dispatched (but its `id:` still counts), an unknown field is ignored, a half-received event
    at the end of a connection is dropped.
    """

    def __init__(self) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._at_stream_start = True
        self._skip_lf = False  # the previous piece ended in CR; a LF now belongs to the same break
        self._partial_line = ""
        self._event = ""
        self._data: list[str] = []
        self._id_buffer = ""
        self.last_event_id = ""

    def feed(self, chunk: bytes) -> list[SseMessage]:
        text = self._decoder.decode(chunk)
        if self._at_stream_start and text:
            self._at_stream_start = False
            text = text.removeprefix("\ufeff")
        if self._skip_lf and text:
            self._skip_lf = False
            text = text.removeprefix("\n")
        buffer = self._partial_line + text
        messages: list[SseMessage] = []
        start = 0
        for line_break in _LINE_BREAK.finditer(buffer):
            message = self._line(buffer[start : line_break.start()])
            if message is not None:
                messages.append(message)
            start = line_break.end()
            if line_break.group() == "\r" and start == len(buffer):
                self._skip_lf = True
        self._partial_line = buffer[start:]
        return messages

    def _line(self, line: str) -> SseMessage | None:
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return None  # comment: only proves the connection is alive
        field, colon, value = line.partition(":")
        if colon and value.startswith(" "):
            value = value[1:]
        if field == "event":
            self._event = value
        elif field == "data":
            self._data.append(value)
        elif field == "id" and "\0" not in value:
            self._id_buffer = value
        # `retry:` is left to the reader's own backoff; other fields are ignored as the spec says.
        return None

    def _dispatch(self) -> SseMessage | None:
        self.last_event_id = self._id_buffer
        event, data = self._event or "message", self._data
        self._event, self._data = "", []
        if not data:
            return None
        return SseMessage(event=event, data="\n".join(data), last_event_id=self.last_event_id)

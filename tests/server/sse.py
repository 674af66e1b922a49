"""A minimal, independent SSE reader for testing the server's stream exactly as specified."""

from __future__ import annotations

import json
from dataclasses import dataclass

import requests


@dataclass
class SseEvent:
    id: int
    name: str
    data: dict


def read_events(
    url: str, token: str, count: int, last_event_id: int | None = None, timeout: float = 15
) -> list[SseEvent]:
    """Read `count` events (comments are skipped), then disconnect."""
    headers = {"Authorization": f"Bearer {token}", "Accept": "text/event-stream"}
    if last_event_id is not None:
        headers["Last-Event-ID"] = str(last_event_id)
    found: list[SseEvent] = []
    with requests.get(f"{url}/api/v1/events", headers=headers, stream=True, timeout=(5, timeout)) as response:
        assert response.status_code == 200, response.text
        assert response.headers["content-type"].startswith("text/event-stream")
        fields: dict[str, str] = {}
        for raw in response.iter_lines(decode_unicode=True):
            if raw == "":
                if "data" in fields:
                    found.append(SseEvent(int(fields["id"]), fields["event"], json.loads(fields["data"])))
                    if len(found) == count:
                        return found
                fields = {}
            elif not raw.startswith(":"):
                key, _, value = raw.partition(":")
                fields[key] = value[1:] if value.startswith(" ") else value
    return found

"""Test doubles for the display: a settable clock, ticket events as the server sends them, a speaker."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta
from typing import Any

from client import Event
from wartemarke import api_objects as api

T0 = datetime(2026, 11, 21, 9, 0, tzinfo=UTC)


class FakeClock:
    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


def ticket(
    number: str,
    counter: str | None = "5",
    *,
    called_at: datetime | None = T0,
    service: str = "notfall",
    status: str = "called",
    language: str = "uk",
    counter_names: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A ticket summary as `ticket.*` events carry it on the wire (JSON)."""
    return {
        "id": f"id-{number}",
        "number": number,
        "service": service,
        "language": language,
        "status": status,
        "counter": counter,
        "counter_name": counter,
        "counter_names": counter_names or {},
        "issued_at": (T0 - timedelta(minutes=30)).isoformat(),
        "called_at": called_at.isoformat() if called_at else None,
        "allowed_actions": [],
    }


def event(event_id: int, name: str, data: dict[str, Any]) -> Event:
    """The event as the client's stream hands it over: its data read as the API object."""
    payload = api.event_payload(name, data)
    assert payload is not None, name
    return Event(event_id, name, payload)


def called(event_id: int, number: str, counter: str = "5", at: datetime = T0, **kw: Any) -> Event:
    return event(event_id, "ticket.called", ticket(number, counter, called_at=at, **kw))


def recalled(event_id: int, number: str, counter: str = "5", at: datetime = T0, **kw: Any) -> Event:
    return event(event_id, "ticket.recalled", ticket(number, counter, called_at=at, **kw))


def updated(
    event_id: int, number: str, status: str, counter: str | None = "5", at: datetime | None = T0, **kw: Any
) -> Event:
    return event(event_id, "ticket.updated", ticket(number, counter, called_at=at, status=status, **kw))


def service(
    service_id: str = "notfall",
    *,
    waiting: int = 3,
    remaining: int | None = 60,
    wait: dict[str, int] | None = None,
    names: dict[str, str] | None = None,
    next_later_slot: dict[str, str] | None = None,
) -> api.Service:
    return api.Service.model_validate(
        {
            "id": service_id,
            "prefix": service_id[0].upper(),
            "names": names or {"de": "Notfall", "en": "Emergency", "uk": "Термінова справа", "ar": "حالة طارئة"},
            "open": True,
            "quota": None if remaining is None else 75,
            "issued": 0 if remaining is None else 75 - remaining,
            "remaining": remaining,
            "waiting": waiting,
            "wait": wait,
            "priority": 0,
            "closed_reason": None,
            "next_open": None,
            "hours_today": [],
            "next_later_slot": next_later_slot,
        }
    )


#: The next guaranteed later slot of a full service: Tuesday 24 November 2026, 8:00-8:30.
TUESDAY_SLOT = {"day": "2026-11-24", "start": "2026-11-24T08:00:00+01:00", "end": "2026-11-24T08:30:00+01:00"}


def board_call(number: str, counter: str = "5", at: datetime = T0, service_id: str = "notfall") -> api.Call:
    return api.Call(number=number, counter=counter, counter_name=counter, service=service_id, called_at=at)


def snapshot(calls: list[api.Call], services: list[api.Service]) -> api.Board:
    """What `GET /api/v1/board` answers."""
    return api.Board(calls=calls, services=services)


class RecordingSpeaker:
    """Records what is played, with start/end times, taking `seconds` per sound like a real device."""

    def __init__(self, voices: set[str] | None = None, seconds: float = 0.01) -> None:
        self.voices = {"de", "uk", "en"} if voices is None else voices
        self.seconds = seconds
        self.played: list[tuple[str, str, float, float]] = []  # (kind, text, start, end)
        self.busy = 0
        self.overlapped = False
        self.lock = threading.Lock()
        self.release = threading.Event()
        self.release.set()

    def _play(self, kind: str, text: str) -> None:
        with self.lock:
            self.busy += 1
            self.overlapped |= self.busy > 1
        start = time.monotonic()
        self.release.wait()
        time.sleep(self.seconds)
        with self.lock:
            self.busy -= 1
            self.played.append((kind, text, start, time.monotonic()))

    def chime(self) -> None:
        self._play("chime", "")

    def can_say(self, language: str) -> bool:
        return language in self.voices

    def say(self, text: str, language: str) -> None:
        self._play(f"say:{language}", text)

"""A realistic ticket (and later slot) for `wartemarke printer test` and the print-size benchmark.

An API Ticket, so a test print goes through exactly the code a real ticket does. The token has the
server's form (32 base32 characters), so the QR code is as dense as a real one.
"""

from __future__ import annotations

from wartemarke.api_objects import Slot, Ticket

SAMPLE_OFFICE = "Amt für Migration und Integration"

SAMPLE_SERVICE_NAMES = {
    "de": "Notfall",
    "en": "Emergency",
    "uk": "Термінова справа",
    "ru": "Срочный вопрос",
    "tr": "Acil durum",
    "ar": "حالة طارئة",
    "fa": "کار فوری",
}


def sample_ticket(language: str = "de", *, wait_known: bool = True) -> Ticket:
    token = "k7qp2vxz9lmr4twb8ncy3hjd6fsa1egu"
    return Ticket.model_validate(
        {
            "id": "3f6c1e0a-8d7b-4c2e-9a51-2b7d4e9c0f13",
            "number": "N017",
            "service": "notfall",
            "language": language,
            "status": "waiting",
            "issued_at": "2026-11-21T07:31:02+01:00",
            "position": 9,
            "wait": {"low_min": 20, "high_min": 35} if wait_known else None,
            "counter": None,
            "counter_name": None,
            "called_at": None,
            "code": f"https://wartemarke.example.de/t/{token}",
            "status_url": f"https://wartemarke.example.de/t/{token}",
            "service_names": dict(SAMPLE_SERVICE_NAMES),
            "allowed_actions": ["call", "transfer", "cancel"],
        }
    )


def sample_slot(language: str = "de") -> Slot:
    """A guaranteed later slot as the server books it: Tuesday 1 December 2026, 9:30-10:00."""
    token = "m3xq8rtz5kpw2vbn7ydc4hjf6gsa9eue"
    return Slot.model_validate(
        {
            "id": "8b1d5f2e-4c3a-4e6b-9d70-1a2b3c4d5e6f",
            "service": "notfall",
            "language": language,
            "day": "2026-12-01",
            "window": {"start": "2026-12-01T09:30:00+01:00", "end": "2026-12-01T10:00:00+01:00"},
            "status": "booked",
            "service_names": dict(SAMPLE_SERVICE_NAMES),
            "check_in": {"from": "2026-12-01T09:00:00+01:00", "until": "2026-12-01T10:15:00+01:00"},
            "booked_at": "2026-11-30T10:12:40+01:00",
            "code": f"https://wartemarke.example.de/t/{token}",
            "status_url": f"https://wartemarke.example.de/t/{token}",
        }
    )

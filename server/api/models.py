"""Request bodies, as published in /openapi.json. What the server answers is wartemarke/api_objects.py."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, BeforeValidator, ConfigDict, Field

from wartemarke.api_objects import DeviceStatusName

ServiceId = Annotated[str, Field(min_length=1, max_length=32, pattern=r"^[a-z0-9][a-z0-9_-]*$")]
CounterId = Annotated[str, Field(min_length=1, max_length=32)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class TicketRequest(Strict):
    service: ServiceId
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}$", examples=["uk"])]


class CallRequest(Strict):
    counter: CounterId


class TransferRequest(Strict):
    service: ServiceId


class ScanRequest(Strict):
    code: Annotated[str, Field(min_length=1, max_length=2000)]
    counter: CounterId


class DeviceStatusRequest(Strict):
    status: DeviceStatusName
    detail: Annotated[str, Field(max_length=500)] = ""


class LaterSlotRequest(Strict):
    service: ServiceId
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}$", examples=["uk"])]


class CheckInRequest(Strict):
    #: The text the scanner read from the slot's paper: the full URL or the bare token.
    code: Annotated[str, Field(min_length=1, max_length=2000)]


def _written_out(value: object) -> object:
    """A day or a moment as ISO 8601 text, never a number (pydantic would read 0 as 1 January 1970)."""
    if value is not None and not isinstance(value, str):
        raise ValueError('expected ISO 8601 text like "2026-12-03"')
    return value


class PartnerSlotRequest(Strict):
    """A counselling partner books a later slot: a concern, a day, the visitor's language, and if the
    counsellor wants one, a window. Nothing about the visitor."""

    service: ServiceId
    #: The language of the slot's paper and status page: the visitor's.
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}$", examples=["uk"])]
    #: One of the service's bookable days (GET /api/v1/partner/availability), as "2026-12-03".
    day: Annotated[date, BeforeValidator(_written_out)]
    #: The start of a window of that day; left out: the day's earliest window with room.
    window_start: Annotated[AwareDatetime, BeforeValidator(_written_out)] | None = None

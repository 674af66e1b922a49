"""Request bodies, as published in /openapi.json. What the server answers is wartemarke/api_objects.py."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

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


class PartnerSlotRequest(Strict):
    """A counselling partner books a later slot: a concern, a day, the visitor's language, and if the
    counsellor wants one, a window. Nothing about the visitor."""

    service: ServiceId
    #: The language of the slot's paper and status page: the visitor's.
    language: Annotated[str, Field(pattern=r"^[a-z]{2,3}$", examples=["uk"])]
    #: One of the service's bookable days (GET /api/v1/partner/availability).
    day: date
    #: The start of a window of that day; left out: the day's earliest window with room.
    window_start: AwareDatetime | None = None

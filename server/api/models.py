"""Request bodies, as published in /openapi.json. What the server answers is wartemarke/api_objects.py."""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

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

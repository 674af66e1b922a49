"""Request and response bodies, as published in /openapi.json."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

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
    status: Literal["ok", "paper_near_end", "paper_out", "cover_open", "offline", "error"]
    detail: Annotated[str, Field(max_length=500)] = ""


class Wait(BaseModel):
    low_min: int
    high_min: int


class Service(BaseModel):
    id: str
    prefix: str
    names: dict[str, str]
    open: bool
    closed_reason: Literal["quota_exhausted", "outside_hours", "switched_off"] | None
    next_open: str | None
    quota: int | None
    issued: int
    remaining: int | None
    waiting: int
    wait: Wait | None
    priority: float
    hours_today: list[list[str]]


class Ticket(BaseModel):
    id: str
    number: str
    service: str
    service_names: dict[str, str]
    language: str
    status: Literal["waiting", "called", "serving", "done", "no_show", "cancelled"]
    issued_at: str
    called_at: str | None
    position: int | None
    wait: Wait | None
    counter: str | None
    counter_name: str | None
    code: str
    status_url: str
    #: What staff may do next (the action's path segment), decided by the server's rules.
    allowed_actions: list[Literal["call", "recall", "start", "finish", "no-show", "transfer", "cancel"]]


class TicketStatus(BaseModel):
    number: str
    status: str
    position: int | None
    wait: Wait | None
    counter: str | None
    counter_name: str | None
    language: str
    service_names: dict[str, str]


class Call(BaseModel):
    number: str
    counter: str | None
    counter_name: str | None
    service: str
    language: str
    status: str
    called_at: str | None


class Board(BaseModel):
    calls: list[Call]
    services: list[Service]


class Counter(BaseModel):
    id: str
    name: str
    services: list[str]
    open: bool
    current: Ticket | None


class DeviceStatus(BaseModel):
    device: str
    role: str
    status: str
    detail: str
    reported_at: str | None


class Site(BaseModel):
    id: str
    name: str
    timezone: str
    languages: list[str]
    public_url: str


class Error(BaseModel):
    error: str
    message: str

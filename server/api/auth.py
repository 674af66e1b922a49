"""Bearer tokens → the calling device, with the role check of API.md (401 unknown, 403 wrong role).

Lookups are cached for a few seconds: a kiosk issuing a ticket should not cost an extra
database round trip, and a revoked token stops working within TOKEN_CACHE_SECONDS.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from anyio import to_thread
from fastapi import Request

from server.api.errors import ApiError
from server.device_tokens import Role
from server.storage.token_store import Device, find_device

TOKEN_CACHE_SECONDS = 5.0


class Authenticator:
    def __init__(self, lookup: Callable[[str], Device | None]) -> None:
        self._lookup = lookup
        self._cache: dict[str, tuple[Device | None, float]] = {}

    async def device(self, token: str) -> Device | None:
        cached = self._cache.get(token)
        now = time.monotonic()
        if cached and cached[1] > now:
            return cached[0]
        device = await to_thread.run_sync(self._lookup, token)
        if len(self._cache) > 10_000:
            self._cache.clear()
        self._cache[token] = (device, now + TOKEN_CACHE_SECONDS)
        return device


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


async def authenticate(request: Request, roles: tuple[str, ...], admin: bool = True) -> Device:
    """The calling device, if its role is one of `roles` (no roles: any office device; admin too unless
    `admin` is False). A partner token is admitted only where `roles` names it: it belongs to an
    organisation outside the office and reaches its own later slots, nothing of the office's day."""
    token = bearer_token(request)
    if token is None:
        raise ApiError(401, "unauthorized", "This needs a token: send 'Authorization: Bearer <token>'.")
    authenticator: Authenticator = request.app.state.authenticator
    device = await authenticator.device(token)
    if device is None:
        raise ApiError(401, "unauthorized", "This token is unknown or has been revoked.")
    if device.role == Role.PARTNER and Role.PARTNER not in roles:
        raise ApiError(
            403, "forbidden", "A partner token books and manages its own later slots only (/api/v1/partner/...)."
        )
    if device.role == Role.ADMIN and not admin:
        raise ApiError(
            403,
            "forbidden",
            f"This acts for one {roles[0]} and needs that {roles[0]}'s own token; an admin token acts for none.",
        )
    if roles and device.role not in (*roles, *(("admin",) if admin else ())):
        needs = ", ".join((*roles, *(("admin",) if admin else ())))
        raise ApiError(403, "forbidden", f"A {device.role} token may not do this (needs: {needs}).")
    if device.site_id not in request.app.state.offices:
        raise ApiError(
            403, "forbidden", f"This token belongs to site {device.site_id!r}, which this server does not run."
        )
    return device


def requires(*roles: str, admin: bool = True) -> Callable[[Request], Coroutine[Any, Any, Device]]:
    """A dependency admitting the given roles (and admin unless told not to; no roles = any office device)."""

    async def dependency(request: Request) -> Device:
        return await authenticate(request, roles, admin)

    dependency.roles = roles  # type: ignore[attr-defined]  # published in /openapi.json (openapi_document.py)
    dependency.admin = admin  # type: ignore[attr-defined]
    return dependency


Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


def admits(*roles: str) -> Callable[[Endpoint], Endpoint]:
    """Marks an endpoint that calls `authenticate` itself (the issue path) with the roles it admits,
    so that /openapi.json says which tokens it takes, as it does for the routes that use `requires`."""

    def mark(endpoint: Endpoint) -> Endpoint:
        endpoint.roles = roles  # type: ignore[attr-defined]
        return endpoint

    return mark


def find_device_with(engine: Any) -> Callable[[str], Device | None]:
    return lambda token: find_device(engine, token)

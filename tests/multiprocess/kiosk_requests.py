"""What a kiosk and a counter send, as plain HTTP, so the multi-process tests read as the office's day."""

from __future__ import annotations

from typing import TYPE_CHECKING

import requests

if TYPE_CHECKING:
    from launcher.live_server import LiveServer


def issue(
    session: requests.Session, server: LiveServer, service: str, key: str, timeout: float = 30
) -> requests.Response:
    return session.post(
        f"{server.url}/api/v1/tickets",
        json={"service": service, "language": "de"},
        headers={**server.headers("kiosk"), "Idempotency-Key": key},
        timeout=timeout,
    )


def call_next(session: requests.Session, server: LiveServer, counter: str) -> requests.Response:
    url = f"{server.url}/api/v1/counters/{counter}/call-next"
    return session.post(url, headers=server.headers("staff"), timeout=30)


def service_figures(server: LiveServer, service: str) -> dict:
    response = requests.get(f"{server.url}/api/v1/services", headers=server.headers("display"), timeout=10)
    response.raise_for_status()
    return next(s for s in response.json() if s["id"] == service)


def numbers(prefix: str, count: int) -> list[str]:
    """N001, N002, … — what `count` tickets of a service must be numbered, each once."""
    return [f"{prefix}{n:03d}" for n in range(1, count + 1)]

"""Prometheus metrics: tickets issued, people waiting, people turned away, later slots booked (and of
those, by counselling partners), request latency. Served at /metrics (admin token)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

from fastapi import APIRouter, Depends, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from server.api.auth import requires
from server.api.errors import error_responses

router = APIRouter(tags=["operations"])


class _WaitingCollector:
    """Reads waiting counts at scrape time, so every process reports the database's truth."""

    def __init__(self, offices: Callable[[], dict[str, Any]]) -> None:
        self._offices = offices

    def collect(self) -> Iterable[GaugeMetricFamily]:
        family = GaugeMetricFamily("wartemarke_waiting", "People waiting now", labels=["site", "service"])
        for site_id, office in self._offices().items():
            for service in office.reading.services():
                family.add_metric([site_id, service["id"]], service["waiting"])
        yield family


class _DemandCollector:
    """Turned away and later slots booked, read from the database at scrape time: every day's counts of
    every process, so any process reports the office's truth and a restart loses nothing."""

    def __init__(self, offices: Callable[[], dict[str, Any]]) -> None:
        self._offices = offices

    def collect(self) -> Iterable[CounterMetricFamily]:
        turned_away = CounterMetricFamily(
            "wartemarke_turned_away",
            "Requests for a ticket or a later slot refused, by reason (see the API reference)",
            labels=["site", "service", "reason"],
        )
        booked = CounterMetricFamily(
            "wartemarke_later_slots_booked", "Guaranteed later slots booked", labels=["site", "service"]
        )
        by_partners = CounterMetricFamily(
            "wartemarke_partner_slots_booked",
            "Of the later slots booked, those booked by counselling partners",
            labels=["site", "partner", "service"],
        )
        for site_id, office in self._offices().items():
            for service_id, counts in office.demand.totals().items():
                for reason, count in counts.items():
                    if reason == "later_slots_booked":
                        booked.add_metric([site_id, service_id], count)
                    else:
                        turned_away.add_metric([site_id, service_id, reason], count)
            # Every configured partner and concern from 0 (a series that appears late confuses rate()),
            # and what partners since removed from the config booked.
            totals = {(p.id, s): 0 for p in office.config.partners for s in p.services}
            totals |= office.partner_results.booked_totals()
            for (partner_id, service_id), count in sorted(totals.items()):
                by_partners.add_metric([site_id, partner_id, service_id], count)
        yield turned_away
        yield booked
        yield by_partners


class Metrics:
    def __init__(self, offices: Callable[[], dict[str, Any]]) -> None:
        self.registry = CollectorRegistry()
        self._issued = Counter(
            "wartemarke_tickets_issued", "Tickets issued by this process", ["site", "service"], registry=self.registry
        )
        self.latency = Histogram(
            "wartemarke_request_seconds",
            "HTTP request latency (until the response starts)",
            ["method", "route", "status"],
            buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
            registry=self.registry,
        )
        self.registry.register(_WaitingCollector(offices))
        self.registry.register(_DemandCollector(offices))

    def ticket_issued(self, site_id: str, service_id: str) -> None:
        self._issued.labels(site_id, service_id).inc()


class LatencyMiddleware:
    """Pure ASGI (no BaseHTTPMiddleware), so the event stream is never buffered."""

    def __init__(self, app: Any, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope["path"].endswith("/events"):
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": "500"}

        async def send_wrapper(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                status["code"] = str(message["status"])
                route = scope.get("route")
                self.metrics.latency.labels(
                    scope["method"], getattr(route, "path", "unmatched"), status["code"]
                ).observe(time.perf_counter() - started)
            await send(message)

        await self.app(scope, receive, send_wrapper)


@router.get(
    "/metrics",
    dependencies=[Depends(requires("admin"))],
    response_class=Response,
    responses={
        200: {"content": {CONTENT_TYPE_LATEST.split(";")[0]: {}}, "description": "Prometheus text format"},
        **error_responses(401, 403),
    },
)
def metrics(request: Request) -> Response:
    """The server's Prometheus metrics (admin token)."""
    return Response(generate_latest(request.app.state.metrics.registry), media_type=CONTENT_TYPE_LATEST)

"""Assemble the server: configuration, database, one Office and one EventHub per site, the routes."""

from __future__ import annotations

import gc
import logging
import os
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from server.api import calendar, events, later_slots, metrics, partner, phone, routes, ticket_stream
from server.api.auth import Authenticator, find_device_with
from server.api.body_limit import BodyLimit
from server.api.errors import install_error_handlers
from server.api.openapi_document import document_builder
from server.api.pages import STATIC, StaticAssets
from server.clock import Clock, clock_from_environment
from server.config import SiteConfig, load_site_config
from server.event_hub import EventHub
from server.office import Office
from server.rules.ticket_codes import verify_token
from server.rules.ticket_rules import ALLOWED_ACTIONS
from server.storage.bootstrap import ensure_sites, signing_key
from server.storage.engine import Engines, create_engines
from server.storage.migrate import upgrade
from server.storage.write_probe import WriteProbe
from server.ticket_feed import TicketFeed
from server.web.console.pages import router as console_router
from server.web.partner.pages import install_partner_page
from server.web.refusals import install_web_refusals
from server.web.sessions import SessionStore
from wartemarke import ASSETS

log = logging.getLogger("wartemarke.server")
ROUTERS = [
    routes.router,
    later_slots.router,
    partner.router,
    events.router,
    phone.router,
    ticket_stream.router,
    calendar.router,
    metrics.router,
]
DEFAULT_DB = "sqlite:///var/wartemarke.db"


def _allowed_actions_table() -> str:
    """The ticket state machine as staff meet it, from the same table the server enforces."""
    rows = [
        f"| `{status}` | {', '.join(f'`{a}`' for a in actions) or '(none)'} |"
        for status, actions in ALLOWED_ACTIONS.items()
    ]
    return "\n".join(["| status | allowed_actions |", "|---|---|", *rows])


DESCRIPTION = f"""Queue tickets for public offices. The contract is API.md; this is its generated form.

## What staff may do to a ticket
Every ticket (and every `ticket.*` event) carries `allowed_actions`: what staff may do to it now,
each the last path segment of `POST /api/v1/tickets/{{id}}/<action>`. It follows from the ticket's status:

{_allowed_actions_table()}

Any other action answers 409 `invalid_transition`; a ticket of an earlier service day answers 410 `expired`.
"""


def create_app(configs: list[SiteConfig], db_url: str, clock: Clock | None = None) -> FastAPI:
    clock = clock or clock_from_environment()[0]
    engines: Engines = create_engines(db_url)
    upgrade(engines.write)
    ensure_sites(engines.write, configs)
    key = signing_key(engines.write)
    offices: dict[str, Office] = {}
    hubs: dict[str, EventHub] = {}
    feeds: dict[str, TicketFeed] = {}
    poll = 0.25 if engines.is_sqlite else 1.0
    for config in configs:
        office = Office(config, engines, clock, key)
        hub = EventHub(
            office.events.after, office.events.newest_id(), poll_seconds=poll, read_newest_id=office.events.newest_id
        )
        office.notify_on_commit(hub.notify_threadsafe)
        offices[config.site.id] = office
        hubs[config.site.id] = hub
        feeds[config.site.id] = TicketFeed(office.queue, hub)

    @asynccontextmanager
    async def lifespan(_: FastAPI):  # type: ignore[no-untyped-def]
        for hub in hubs.values():
            hub.start()
        listener = None
        if not engines.is_sqlite:
            from server.storage.pg_notify import NotifyListener

            listener = NotifyListener(engines.url, list(hubs.values()))
            listener.start()
        # Everything loaded at start (FastAPI, pydantic, SQLAlchemy, the routes) lives as long as the
        # process. Left to the cyclic garbage collector, each full collection walks all of it: about
        # 80 ms, once a second under load, every request waiting. Frozen, it is never walked again.
        gc.collect()
        gc.freeze()
        yield
        if listener:
            listener.stop()
        for feed in feeds.values():
            await feed.stop()
        for hub in hubs.values():
            await hub.stop()
        for office in offices.values():
            office.close()
        engines.dispose()

    app = FastAPI(
        title="Wartemarke queue server",
        version="1.0.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        # The server's own Prometheus metrics (/metrics) are its telemetry. FastAPI's built-in
        # OpenTelemetry hooks, left on with nothing configured, still asked for a tracer, a meter
        # and a logger provider on every request: 3 % of the issue path.
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
    )
    languages = list(dict.fromkeys(language for config in configs for language in config.site.languages))
    app.openapi = document_builder(app, ROUTERS, languages)  # type: ignore[method-assign]
    app.state.engines = engines
    app.state.write_probe = WriteProbe(engines.write)
    app.state.offices = offices
    app.state.hubs = hubs
    app.state.feeds = feeds
    app.state.authenticator = Authenticator(find_device_with(engines.read))
    site_configs = {config.site.id: config for config in configs}
    app.state.web_sessions = SessionStore(engines, clock, lambda site_id: site_configs[site_id].web_sessions)
    app.state.metrics = metrics.Metrics(lambda: offices)

    def office_of_code(token: str) -> Office:
        """The office whose signature a code carries (InvalidCode for anything else)."""
        site_id, _ = verify_token(key, list(offices), token)
        return offices[site_id]

    def status_and_office(token: str) -> tuple[dict[str, Any], str]:
        office = office_of_code(token)
        return office.reading.status(token), office.site.name

    app.state.office_of_code = office_of_code

    app.state.status_and_office = status_and_office
    app.state.verify_code = lambda token: verify_token(key, list(offices), token)
    app.state.status_of = lambda token: status_and_office(token)[0]
    install_error_handlers(app)
    install_web_refusals(app)
    for router in ROUTERS:
        app.include_router(router)
    # The office's own pages (HTML behind a sign-in, not the JSON API: not in /openapi.json).
    app.include_router(console_router)
    install_partner_page(app)
    # The pages' own fonts (only downloaded where the phone lacks them) and script and style sheet.
    app.mount("/static/fonts", StaticAssets(directory=ASSETS / "fonts"), name="fonts")
    app.mount("/static", StaticAssets(directory=STATIC), name="static")
    app.add_middleware(BodyLimit)
    app.add_middleware(metrics.LatencyMiddleware, metrics=app.state.metrics)
    return app


def config_paths_from_environment() -> list[Path]:
    value = os.environ.get("WARTEMARKE_CONFIG", "config/site.toml")
    return [Path(p) for p in value.split(os.pathsep) if p]


def app_from_environment() -> FastAPI:
    """Factory for `uvicorn --factory` and for worker processes: WARTEMARKE_CONFIG, WARTEMARKE_DB."""
    clock, clock_file = clock_from_environment()
    if clock_file:
        log.warning("TEST CLOCK: time is read from %s (WARTEMARKE_CLOCK_FILE)", clock_file)
    configs = [load_site_config(p) for p in config_paths_from_environment()]
    return create_app(configs, os.environ.get("WARTEMARKE_DB", DEFAULT_DB), clock)

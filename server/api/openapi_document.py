"""The published description of the API (/openapi.json): FastAPI's generated document, plus what
FastAPI cannot see.

- **Tokens and roles.** Each role is a bearer scheme of its own (`kiosk`, `display`, `staff`,
  `admin`, `manager`, `partner`), and each route lists the roles whose tokens it takes as alternatives,
  so a reader (or a client generator, or schemathesis) knows which token a route needs. The roles come from the
  routes' own `requires(...)` dependencies (or `admits(...)` on the issue path), never from a list
  kept beside them.
- **The languages offered.** A ticket's `language` must be one the sites offer: the document lists
  them, so a client learns them here instead of from a 422.
- **413** on every route that takes a body: bodies over MAX_BODY_BYTES are refused
  (server/api/body_limit.py) before or while the route reads them.
- **Links** from a drawn ticket to every route that acts on a ticket by its id, so a client (and
  schemathesis's stateful tests) can follow a ticket through its life.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

from server.api.errors import MAX_BODY_BYTES
from server.device_tokens import Role

ROLE_DOCS = {
    "kiosk": "a kiosk's token: draws tickets, reads services and events",
    "display": "a waiting-room display's token: reads the board, services and events",
    "staff": "a counter app's token: calls and serves tickets, scans codes, opens and closes counters",
    "admin": "an administrator's token: everything the office does, including /metrics",
    "manager": "an office manager's token: signs in to the console (/console) to see the day and the results; "
    "reads what any token reads, steers nothing",
    "partner": "a counselling partner's token: books, lists and cancels that partner's own later slots, nothing else",
}


def _roles_of(route: APIRoute) -> tuple[tuple[str, ...], bool] | None:
    """The roles a route admits (empty: any office device) and whether admin is among them, or None for a
    route that needs no token."""
    for dependency in route.dependant.dependencies:
        roles = getattr(dependency.call, "roles", None)
        if roles is not None:
            return tuple(roles), getattr(dependency.call, "admin", True)
    roles = getattr(route.endpoint, "roles", None)
    return None if roles is None else (tuple(roles), True)


def _security(roles: tuple[str, ...], admin: bool) -> list[dict[str, list[str]]]:
    """A partner token is admitted only where a route names it (server/api/auth.py)."""
    office = [role.value for role in Role if role is not Role.PARTNER]
    admitted = office if not roles else [*roles, *(["admin"] if admin else [])]
    return [{role: []} for role in dict.fromkeys(admitted)]


def _offer_languages(document: dict[str, Any], languages: list[str]) -> None:
    body = document["paths"][ISSUE_PATH]["post"]["requestBody"]["content"]["application/json"]["schema"]
    body["properties"]["language"]["enum"] = languages


def _link_ticket_routes(document: dict[str, Any]) -> None:
    links = {
        f"{method.upper()} {path}": {
            "operationRef": "#/paths/" + path.replace("~", "~0").replace("/", "~1") + f"/{method}",
            "parameters": {"ticket_id": "$response.body#/id"},
        }
        for path, operations in document["paths"].items()
        if "{ticket_id}" in path
        for method in operations
    }
    for status in ("200", "201"):
        document["paths"][ISSUE_PATH]["post"]["responses"][status]["links"] = links


ISSUE_PATH = "/api/v1/tickets"
TOO_LARGE = {
    "description": f"payload_too_large: a body over {MAX_BODY_BYTES} bytes",
    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
}


def document_builder(app: FastAPI, routers: list[APIRouter], languages: list[str]) -> Callable[[], dict[str, Any]]:
    """`app.openapi`: builds the document once, on the first request for it. `routers` are those the
    app includes (without a further prefix), whose routes carry the roles; `languages` those its sites offer."""

    def build() -> dict[str, Any]:
        if app.openapi_schema is not None:
            return app.openapi_schema
        document = get_openapi(
            title=app.title, version=app.version, description=app.description, routes=app.routes, tags=app.openapi_tags
        )
        schemes = document.setdefault("components", {}).setdefault("securitySchemes", {})
        for role in Role:
            description = f"{ROLE_DOCS[role.value]} (`wartemarke admin token create --role {role.value}`)"
            schemes[role.value] = {"type": "http", "scheme": "bearer", "description": description}
        for route in (route for router in routers for route in router.routes):
            if not isinstance(route, APIRoute) or not route.include_in_schema:
                continue
            admitted = _roles_of(route)
            if admitted is None:
                continue
            for method in route.methods:
                operation = document["paths"][route.path_format][method.lower()]
                operation["security"] = _security(*admitted)
        for operations in document["paths"].values():
            for operation in operations.values():
                if "requestBody" in operation:
                    operation["responses"].setdefault("413", TOO_LARGE)
        _offer_languages(document, languages)
        _link_ticket_routes(document)
        app.openapi_schema = document
        return document

    return build

"""How the server's HTML pages are made: Jinja2 templates with autoescaping, the visitor's language, strict headers.

Every page comes from a template in server/templates (a base layout and one template per page or
state); nothing from a request reaches a page but through a template's autoescaping. Pages load
only the server's own style sheet, script and fonts, named in a Content-Security-Policy that
allows nothing else (no inline script or style), so a slip in a template cannot run anything.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path
from typing import Any

from babel.core import negotiate_locale
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from wartemarke.i18n import LANGUAGE_NAMES, gettext_for, is_rtl

SERVER = Path(__file__).resolve().parent.parent
TEMPLATES = SERVER / "templates"
STATIC = SERVER / "static"
FALLBACK_LANGUAGE = "en"

CONTENT_SECURITY_POLICY = "; ".join(
    (
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "font-src 'self'",
        "img-src 'self'",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    )
)
#: Every page: no sniffing, no referrer (a ticket's address is its key), framed by nobody.
PAGE_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
#: A ticket's page is about one visitor's ticket: no cache may keep it, least of all a shared one.
NOT_STORED = {"Cache-Control": "no-store, private"}


def fill(message: str, **values: Any) -> Markup:
    """A translated sentence with its placeholders filled: the sentence is escaped, Markup values are kept."""
    return escape(message).format(**values)


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["fill"] = fill
    env.globals["static"] = static_url
    return env


@cache
def _version(name: str) -> str:
    return hashlib.sha256((STATIC / name).read_bytes()).hexdigest()[:12]


def static_url(name: str) -> str:
    """The address of a static file, with its content's hash so that a phone never keeps an old copy."""
    return f"/static/{name}?v={_version(name)}"


def accepted_language(accept_language: str | None, offered: list[str] | None = None) -> str:
    """The language an `Accept-Language` header asks for among the offered ones (Babel's negotiation); else English."""
    offered = offered or list(LANGUAGE_NAMES)
    preferred: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "").split(",")):
        tag, *params = (piece.strip() for piece in part.split(";"))
        quality = 1.0
        for param in params:
            if param.startswith("q="):
                try:
                    quality = float(param[2:])
                except ValueError:
                    quality = 0.0
                break
        if tag and tag != "*" and quality > 0:
            preferred.append((-quality, index, tag.lower()))
    chosen = negotiate_locale([tag for _, _, tag in sorted(preferred)], offered, sep="-")
    return chosen if chosen in offered else FALLBACK_LANGUAGE


def render(template: str, language: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """A page in `language` (its catalog, `lang` and `dir`), with the page headers."""
    html = (
        environment()
        .get_template(template)
        .render(
            _=gettext_for("server", language),
            lang=language,
            dir="rtl" if is_rtl(language) else "ltr",
            **context,
        )
    )
    return HTMLResponse(html, status_code=status_code, headers={**PAGE_HEADERS, **NOT_STORED})


class StaticAssets(StaticFiles):
    """The pages' own style sheet, script and fonts; cached for a day (their addresses change with them)."""

    def file_response(self, *args: Any, **kwargs: Any) -> Response:
        response = super().file_response(*args, **kwargs)
        response.headers.update({"X-Content-Type-Options": "nosniff", "Cache-Control": "public, max-age=86400"})
        return response

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        return response

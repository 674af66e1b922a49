"""How the office's own pages (console, partner page) are rendered: the phone pages' template engine,
the `office` catalog, and headers that let their forms post back to the server.

The Jinja2 environment is the phone pages' (server/api/pages.py): autoescaping, nothing inline. The
Content-Security-Policy differs in one point: forms may post to this server (`form-action 'self'`),
and nowhere else. Office pages are offered in the languages the `office` catalog has.
"""

from __future__ import annotations

from typing import Any

from fastapi.responses import HTMLResponse

from server.api.pages import CONTENT_SECURITY_POLICY, NOT_STORED, PAGE_HEADERS, accepted_language, environment
from wartemarke.i18n import LANGUAGE_NAMES, LOCALE_DIR, gettext_for, is_rtl

DOMAIN = "office"
#: English (the msgids) and every language the `office` catalog is translated into.
OFFICE_LANGUAGES: tuple[str, ...] = tuple(
    code for code in LANGUAGE_NAMES if code == "en" or (LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po").is_file()
)

OFFICE_HEADERS = {
    **PAGE_HEADERS,
    **NOT_STORED,
    "Content-Security-Policy": CONTENT_SECURITY_POLICY.replace("form-action 'none'", "form-action 'self'"),
}


def office_language(requested: str | None, accept_language: str | None) -> str:
    """The language asked for (a form's choice) if the office pages have it, else the browser's."""
    if requested in OFFICE_LANGUAGES:
        return requested  # type: ignore[return-value]
    return accepted_language(accept_language, list(OFFICE_LANGUAGES))


def N_(message: str) -> str:  # noqa: N802 - gettext's name for "a msgid, translated later"
    """Marks a msgid kept as data (an area's title, a figure's heading); the page translates it."""
    return message


def translator(language: str) -> Any:
    return gettext_for(DOMAIN, language)


def render_office(template: str, language: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """An office page in `language`, with the office headers; `context` fills the template."""
    html = (
        environment()
        .get_template(template)
        .render(
            _=translator(language),
            lang=language,
            dir="rtl" if is_rtl(language) else "ltr",
            languages={code: LANGUAGE_NAMES[code] for code in OFFICE_LANGUAGES},
            **context,
        )
    )
    return HTMLResponse(html, status_code=status_code, headers=OFFICE_HEADERS)

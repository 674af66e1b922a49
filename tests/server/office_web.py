"""Signing in to the office's web pages the way a browser does (cookies, the forms' CSRF fields), for
the tests of sessions, the console and the partner page."""

from __future__ import annotations

import re

import requests

from launcher.live_server import LiveServer

CSRF = re.compile(r'name="csrf" value="([^"]+)"')


def csrf_of(page: requests.Response) -> str:
    found = CSRF.search(page.text)
    assert found, f"no CSRF field on {page.url}"
    return found.group(1)


def sign_in(
    server: LiveServer, token: str, area: str = "console", language: str = "en", browser: requests.Session | None = None
) -> tuple[requests.Session, requests.Response]:
    """(the browser, the page it lands on) after posting `token` to the area's sign-in form."""
    browser = browser or requests.Session()
    form = browser.get(f"{server.url}/{area}/sign-in", timeout=10)
    assert form.status_code == 200, form.text
    landed = browser.post(
        f"{server.url}/{area}/sign-in",
        data={"csrf": csrf_of(form), "token": token, "language": language, "next": f"/{area}"},
        timeout=10,
    )
    return browser, landed


def signed_in(server: LiveServer, role: str = "admin", area: str = "console", language: str = "en") -> requests.Session:
    browser, landed = sign_in(server, server.tokens[role], area, language)
    assert landed.status_code == 200 and landed.url.endswith(f"/{area}"), (landed.status_code, landed.url)
    return browser

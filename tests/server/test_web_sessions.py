"""Signing in to the office console with a token, on SQLite and PostgreSQL: the cookie, the CSRF
checks, signing out, and sessions that end (idle, too old, token revoked) or outlive a restart."""

from __future__ import annotations

from datetime import timedelta

import requests

from tests.server.conftest import MONDAY_10
from tests.server.office_web import csrf_of, sign_in, signed_in
from tests.server.test_admin import admin


def test_a_manager_signs_in_and_gets_a_strict_http_only_session_cookie(api_server):
    browser, landed = sign_in(api_server, api_server.tokens["manager"])
    assert landed.status_code == 200 and landed.url == f"{api_server.url}/console"
    assert "test manager" in landed.text
    cookie = landed.history[0].headers["set-cookie"]
    assert "wartemarke_console=" in cookie
    assert "HttpOnly" in cookie and "SameSite=strict" in cookie and "Path=/console" in cookie
    assert "Secure" not in cookie  # plain HTTP here; behind HTTPS the cookie is Secure
    assert api_server.tokens["manager"] not in landed.text


def test_an_unknown_or_other_role_token_opens_nothing(api_server):
    browser, refused = sign_in(api_server, "wm_not-a-token")
    assert refused.status_code == 401 and "unknown or has been revoked" in refused.text
    assert "wartemarke_console" not in browser.cookies
    browser, refused = sign_in(api_server, api_server.tokens["kiosk"])
    assert refused.status_code == 403 and "A kiosk token cannot sign in here" in refused.text
    page = browser.get(f"{api_server.url}/console", timeout=10)
    assert page.url.startswith(f"{api_server.url}/console/sign-in")


def test_a_sign_in_form_from_elsewhere_is_refused(api_server):
    # Another site may post a token of its own, but cannot read or set our form's one-time cookie.
    answer = requests.post(
        f"{api_server.url}/console/sign-in",
        data={"csrf": "made-up", "token": api_server.tokens["admin"]},
        timeout=10,
        allow_redirects=False,
    )
    assert answer.status_code == 403 and "This form was not accepted" in answer.text
    assert "set-cookie" not in answer.headers


def test_sign_out_needs_the_pages_csrf_token_and_ends_the_session(api_server):
    browser = signed_in(api_server, "admin")
    forged = browser.post(f"{api_server.url}/console/sign-out", data={"csrf": "forged"}, timeout=10)
    assert forged.status_code == 403 and "Nothing was changed" in forged.text
    page = browser.get(f"{api_server.url}/console", timeout=10)
    assert page.url == f"{api_server.url}/console"
    cookie = browser.cookies["wartemarke_console"]
    out = browser.post(f"{api_server.url}/console/sign-out", data={"csrf": csrf_of(page)}, timeout=10)
    assert "You are signed out" in out.text
    # The old cookie, kept by someone, opens nothing any more.
    stolen = requests.get(f"{api_server.url}/console", cookies={"wartemarke_console": cookie}, timeout=10)
    assert stolen.url.startswith(f"{api_server.url}/console/sign-in") and "Your session has ended" in stolen.text


def test_after_sign_in_the_browser_returns_to_the_page_it_asked_for_and_never_elsewhere(api_server):
    browser = requests.Session()
    form = browser.get(f"{api_server.url}/console?view=counters", timeout=10)
    assert "next=/console%3Fview%3Dcounters" in form.url
    for target, lands in (("/console?view=counters", "/console?view=counters"), ("//evil.example", "/console")):
        landed = browser.post(
            f"{api_server.url}/console/sign-in",
            data={
                "csrf": csrf_of(browser.get(f"{api_server.url}/console/sign-in", timeout=10)),
                "token": api_server.tokens["manager"],
                "next": target,
            },
            timeout=10,
            allow_redirects=False,
        )
        assert landed.status_code == 303 and landed.headers["location"] == lands


def test_a_session_outlives_a_restart_and_serves_every_process(server_factory, db_url, tmp_path):
    from tests.server.conftest import site_variant

    config = site_variant(tmp_path)
    first = server_factory(config=config, db_url=db_url)
    browser = signed_in(first, "manager")
    first.stop()
    first.start()
    assert browser.get(f"{first.url}/console", timeout=10).url == f"{first.url}/console"
    # A second server process on the same database (PostgreSQL: how an office scales out).
    if db_url.startswith("postgresql"):
        second = server_factory(config=config, db_url=db_url, tokens=first.tokens)
        cookie = browser.cookies["wartemarke_console"]
        page = requests.get(f"{second.url}/console", cookies={"wartemarke_console": cookie}, timeout=10)
        assert page.url == f"{second.url}/console"


def test_an_idle_session_ends_and_so_does_one_too_old(server_factory, db_url):
    server = server_factory(db_url=db_url, clock=MONDAY_10)
    browser = signed_in(server, "manager")
    # Busy all day: a page every 7 hours keeps it (idle limit 8 h) ...
    server.set_clock(MONDAY_10 + timedelta(hours=7))
    assert browser.get(f"{server.url}/console", timeout=10).url == f"{server.url}/console"
    # ... but after 12 hours it ends however busy.
    server.set_clock(MONDAY_10 + timedelta(hours=12, minutes=1))
    assert "Your session has ended" in browser.get(f"{server.url}/console", timeout=10).text
    browser = signed_in(server, "manager")
    server.set_clock(MONDAY_10 + timedelta(hours=20, minutes=2))
    assert "Your session has ended" in browser.get(f"{server.url}/console", timeout=10).text


def test_revoking_the_token_ends_its_sessions(api_server):
    token = admin(api_server, "token", "create", "--role", "manager", "--name", "Leitung Şahin").stdout.splitlines()[-1]
    browser, landed = sign_in(api_server, token)
    assert "Leitung Şahin" in landed.text
    assert admin(api_server, "token", "revoke", "Leitung Şahin").returncode == 0
    assert browser.get(f"{api_server.url}/console", timeout=10).url.startswith(f"{api_server.url}/console/sign-in")

"""The office console in a real browser (headless Chromium): signing in and out, a refused token, a
refused form, a manager who may look but not steer, today's page following a new ticket without a
reload, a plot and its CSV that agree with the tickets made, and a range across the end of summer
time. Screenshots (de, en; desktop and A4 print width) land in artifacts/screenshots/."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime

import pytest
import requests

from tests.server.conftest import BERLIN
from tests.server.test_api import act, call, issue
from tests.web_browser import chromium, console_errors, screenshot, wait_until

DESKTOP = (1280, 900)
#: A4 at 96 CSS pixels per inch: 210 mm.
A4_WIDTH = 794


def sign_in_with(browser, server, token: str, language: str = "en", refused: bool = False) -> None:
    """Sign in as a person does: type the token, choose the language, press the button; wait for the console."""
    browser.get(f"{server.url}/console")
    if browser.find_elements("css selector", "form[action$='/sign-out']"):
        browser.find_element("css selector", "form[action$='/sign-out'] button").click()
        wait_until(lambda: browser.find_elements("css selector", ".notice"))
    wait_until(lambda: browser.find_element("id", "token"))
    browser.find_element("id", "token").send_keys(token)
    browser.execute_script(f"document.getElementById('language').value = '{language}'")
    browser.find_element("css selector", "form[action$='/sign-in'] button[type=submit]").click()
    if not refused:
        wait_until(lambda: browser.find_elements("css selector", ".who"))


def script_or_policy_errors(browser) -> list[str]:
    """Errors of the page itself (a blocked script or style, an exception), not of expected answers (a 401)."""
    return [m for m in console_errors(browser) if "Failed to load resource" not in m]


def cookies_of(browser) -> dict[str, str]:
    return {cookie["name"]: cookie["value"] for cookie in browser.get_cookies()}


def test_sign_in_and_out_and_a_refused_token(live_server):
    with chromium(DESKTOP) as browser:
        sign_in_with(browser, live_server, "wm_this-is-no-token", refused=True)
        problem = wait_until(lambda: browser.find_element("id", "problem").text)
        assert "unknown or has been revoked" in problem
        assert browser.current_url.endswith("/console/sign-in")
        browser.find_element("id", "token").send_keys(live_server.tokens["manager"])
        browser.find_element("css selector", "form[action$='/sign-in'] button[type=submit]").click()
        wait_until(lambda: browser.current_url == f"{live_server.url}/console")
        assert "test manager" in browser.find_element("css selector", ".who").text
        browser.find_element("css selector", "form[action$='/sign-out'] button").click()
        notice = wait_until(lambda: browser.find_element("css selector", ".notice").text)
        assert "You are signed out" in notice
        browser.get(f"{live_server.url}/console/results")
        assert "/console/sign-in" in browser.current_url
        assert not script_or_policy_errors(browser)


def test_a_form_with_a_forged_csrf_token_is_refused_and_changes_nothing(live_server):
    with chromium(DESKTOP) as browser:
        sign_in_with(browser, live_server, live_server.tokens["admin"])
        browser.get(f"{live_server.url}/console/steering")
        form = "tr[data-service='notfall'] form[action$='/service']"
        browser.execute_script(f"document.querySelector(\"{form} input[name=csrf]\").value = 'forged'")
        browser.find_element("css selector", f"{form} button").click()
        heading = wait_until(lambda: browser.find_element("tag name", "h1").text)
        assert heading == "This form was not accepted."
    assert call(live_server, "GET", "/api/v1/services", "display").json()[0]["open"] is True


def test_a_manager_sees_steering_without_forms_and_cannot_steer(live_server, artifacts_dir):
    with chromium(DESKTOP) as browser:
        sign_in_with(browser, live_server, live_server.tokens["manager"], "de")
        browser.get(f"{live_server.url}/console/steering")
        assert browser.find_element("id", "read-only").is_displayed()
        assert not browser.find_elements("css selector", "form[action^='/console/steering']")
        assert browser.find_elements("css selector", "#steer-services tr[data-service='notfall']")
        screenshot(browser, artifacts_dir / "screenshots" / "console-steering-manager-de.png")
        # Sent anyway (e.g. a form saved from an admin's page), with the manager's own CSRF token:
        csrf = re.search(r'name="csrf" value="([^"]+)"', browser.page_source).group(1)
        answer = requests.post(
            f"{live_server.url}/console/steering/service",
            data={"csrf": csrf, "service": "notfall", "state": "close"},
            cookies=cookies_of(browser),
            timeout=10,
        )
    assert answer.status_code == 403 and "Sie dürfen das nicht ändern" in answer.text
    assert call(live_server, "GET", "/api/v1/services", "display").json()[0]["open"] is True


def test_an_admin_steers_and_the_log_says_who(live_server):
    with chromium(DESKTOP) as browser:
        sign_in_with(browser, live_server, live_server.tokens["admin"])
        browser.get(f"{live_server.url}/console/steering")
        browser.find_element("css selector", "tr[data-service='notfall'] form[action$='/service'] button").click()
        log = wait_until(lambda: browser.find_element("id", "steering-log").text)
        assert "test admin (admin)" in log and "Service closed: notfall" in log
        browser.find_element("id", "token-name").send_keys("Kiosk Eingang 2")
        browser.find_element("css selector", "form[action$='/tokens'] button").click()
        token = wait_until(lambda: browser.find_element("css selector", "#new-token .token").text)
    assert call(live_server, "GET", "/api/v1/services", "display").json()[0]["open"] is False
    assert requests.get(
        f"{live_server.url}/api/v1/services", headers={"Authorization": f"Bearer {token}"}, timeout=10
    ).ok


def test_today_follows_a_new_ticket_without_a_reload(live_server, artifacts_dir):
    issue(live_server, "notfall", "de")
    with chromium(DESKTOP) as browser:
        sign_in_with(browser, live_server, live_server.tokens["manager"])
        waiting = "#services tr[data-service='notfall'] td[data-key='waiting']"
        assert wait_until(lambda: browser.find_element("css selector", waiting).text) == "1"
        wait_until(lambda: browser.find_element("id", "live-state").get_attribute("data-connected") == "yes")
        browser.execute_script("window.stillThisPage = true")
        issue(live_server, "notfall", "uk")
        wait_until(lambda: browser.find_element("css selector", waiting).text == "2")
        assert browser.execute_script("return window.stillThisPage") is True
        assert not script_or_policy_errors(browser)
        for language in ("de", "en"):
            sign_in_with(browser, live_server, live_server.tokens["admin"], language)
            browser.set_window_size(*DESKTOP)
            screenshot(browser, artifacts_dir / "screenshots" / f"console-today-{language}.png")


def _csv(browser, server, path: str) -> list[dict[str, str]]:
    answer = requests.get(f"{server.url}{path}", cookies=cookies_of(browser), timeout=30)
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(answer.text)))


MORNING = datetime(2026, 11, 30, 8, 5, tzinfo=BERLIN)


def test_a_plot_and_its_csv_agree_with_the_tickets_made(server_factory, artifacts_dir):
    server = server_factory(clock=MORNING)
    made = {8: 3, 9: 1, 11: 2}
    for hour, count in made.items():
        server.set_clock(MORNING.replace(hour=hour))
        for _ in range(count):
            issue(server, "aufenthalt", "de")
    server.set_clock(MORNING.replace(hour=12))
    with chromium(DESKTOP) as browser:
        sign_in_with(browser, server, server.tokens["admin"], "de")
        browser.get(f"{server.url}/console/results?period=day&from=2026-11-30")
        image = browser.find_element("css selector", "#plot-arrivals img")
        wait_until(lambda: browser.execute_script("return arguments[0].complete && arguments[0].naturalWidth", image))
        link = browser.find_element("css selector", "#plot-arrivals figcaption a").get_attribute("href")
        rows = _csv(browser, server, link.removeprefix(server.url))
        drawing = requests.get(image.get_attribute("src"), cookies=cookies_of(browser), timeout=30).text
        screenshot(browser, artifacts_dir / "screenshots" / "console-results-de.png")
        browser.get(f"{server.url}/console/results?period=day&from=2026-11-30")
        browser.execute_cdp_cmd("Emulation.setEmulatedMedia", {"media": "print"})
        browser.set_window_size(A4_WIDTH, 1000)
        screenshot(browser, artifacts_dir / "screenshots" / "console-results-print-a4.png")
        width = browser.execute_script("return document.documentElement.scrollWidth")
        assert width <= A4_WIDTH, f"the printed page is {width} px wide, A4 holds {A4_WIDTH}"
    assert {int(r["hour"]): int(r["issued"]) for r in rows if int(r["issued"])} == made
    bars = {int(h): int(n) for h, n in re.findall(r'id="issued-(\d+)-(\d+)"', drawing)}
    assert {hour: count for hour, count in bars.items() if count} == made
    assert len(bars) == 24


def _at(server, moment: datetime, action=None) -> dict:
    server.set_clock(moment)
    return issue(server, "aufenthalt", "en").json() if action is None else action()


def test_a_range_across_the_end_of_summer_time(server_factory):
    """25 October 2026, Europe/Berlin: at 03:00 summer time the clocks go back to 02:00; the day has 25 hours."""
    server = server_factory(clock=datetime(2026, 10, 24, 10, 0, tzinfo=BERLIN))
    call(server, "POST", "/api/v1/counters/1/open", "staff")
    _at(server, datetime(2026, 10, 24, 10, 0, tzinfo=BERLIN))
    # 02:30 in summer time, then 02:30 again an hour later in winter time: both are 2 o'clock.
    early = _at(server, datetime(2026, 10, 25, 0, 30, tzinfo=UTC))
    # The early ticket is called at 02:10 winter time: 40 minutes after it was drawn (not -20, not 100).
    server.set_clock(datetime(2026, 10, 25, 1, 10, tzinfo=UTC))
    assert call(server, "POST", f"/api/v1/tickets/{early['id']}/call", "staff", json={"counter": "1"}).ok
    late = _at(server, datetime(2026, 10, 25, 1, 30, tzinfo=UTC))
    server.set_clock(datetime(2026, 10, 25, 1, 40, tzinfo=UTC))
    assert act(server, late["id"], "cancel").ok
    _at(server, datetime(2026, 10, 26, 10, 0, tzinfo=BERLIN))
    with chromium(DESKTOP) as browser:
        sign_in_with(browser, server, server.tokens["manager"])
        browser.get(f"{server.url}/console/results?period=custom&from=2026-10-24&to=2026-10-26")
        assert "2026-10-24" in browser.find_element("id", "range").text
        hours = _csv(browser, server, "/console/results/arrivals.csv?period=custom&from=2026-10-24&to=2026-10-26")
        services = _csv(browser, server, "/console/results/services.csv?period=custom&from=2026-10-24&to=2026-10-26")
        days = _csv(browser, server, "/console/results/service-level.csv?period=custom&from=2026-10-24&to=2026-10-26")
    issued = {int(r["hour"]): int(r["issued"]) for r in hours if int(r["issued"])}
    assert issued == {2: 2, 10: 2}
    line = next(r for r in services if r["service"] == "aufenthalt")
    assert line["issued"] == "4" and line["wait_median_min"] == "40.0"
    assert [r["day"] for r in days] == ["2026-10-24", "2026-10-25", "2026-10-26"]
    # The one call (40 min, target 60) was in time; days without calls have no level.
    assert [r["Residence permit (appointment)"] for r in days] == ["", "100.0", ""]


@pytest.mark.parametrize("language", ["de", "en"])
def test_the_steering_page_of_an_admin(live_server, artifacts_dir, language):
    with chromium(DESKTOP) as browser:
        sign_in_with(browser, live_server, live_server.tokens["admin"], language)
        browser.get(f"{live_server.url}/console/steering")
        assert browser.find_element("tag name", "html").get_attribute("lang") == language
        # Keyboard: the first Tab reaches the skip link, which leads to the content.
        browser.find_element("tag name", "body").send_keys("\ue004")
        assert browser.switch_to.active_element.get_attribute("class") == "skip"
        screenshot(browser, artifacts_dir / "screenshots" / f"console-steering-admin-{language}.png")

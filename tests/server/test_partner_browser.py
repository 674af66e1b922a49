"""The partner page in a real browser (headless Chromium), in German and English: a counsellor signs in
with the organisation's token, books within its allotment (once with the keyboard alone), is refused
beyond it and for a concern the office has not opened to it, saves the slot's paper (its QR code is
the slot's code), and later sees which booking was kept. Screenshots land in artifacts/screenshots/.

The office is tests/server/site-slots.toml on Monday 30 November 2026: partner `caritas` may book
`notfall`, two slots a day; Tuesday 1 December is the first bookable day.
"""

from __future__ import annotations

import io
import re
from datetime import datetime

import pytest
import requests
import zxingcpp
from PIL import Image
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys

from tests.server.conftest import BERLIN, MONDAY_10, SLOTS_SITE
from tests.server.office_web import csrf_of, sign_in
from tests.server.test_api import V1, call
from tests.server.test_later_slots import check_in
from tests.server.test_partners import partner_book, partner_token
from tests.server.test_phone_page import _readable
from tests.web_browser import chromium, console_errors, screenshot, wait_until

DESKTOP = (1280, 900)
WORDS = {
    "de": {"booked": "Der Termin ist gebucht", "allotment": "schon ihre 2 Termine", "concern": "keine Termine buchen"},
    "en": {"booked": "The slot is booked", "allotment": "already holds its 2 slots", "concern": "cannot book slots"},
}
KEPT = {"de": "wahrgenommen (angemeldet)", "en": "kept (checked in)"}


def signed_in_browser(browser, server, language: str) -> None:
    """Open the page, get sent to its sign-in form, sign in as a counsellor does."""
    browser.get(f"{server.url}/partner")
    wait_until(lambda: browser.current_url.startswith(f"{server.url}/partner/sign-in"))
    browser.find_element("id", "token").send_keys(server.tokens["partner"])
    browser.execute_script(f"document.getElementById('language').value = '{language}'")
    browser.find_element("css selector", "form[action$='/sign-in'] button[type=submit]").click()
    wait_until(lambda: browser.current_url == f"{server.url}/partner")


def book_with_mouse(browser, visitor_language: str = "uk") -> None:
    browser.find_element("css selector", "input[name=choice]:not([disabled])").click()
    browser.execute_script(f"document.getElementById('language').value = '{visitor_language}'")
    browser.find_element("css selector", "form.booking button[type=submit]").click()


def problem_of(browser) -> str:
    return wait_until(lambda: browser.find_element("id", "problem").text)


def cookies_of(browser) -> dict[str, str]:
    return {cookie["name"]: cookie["value"] for cookie in browser.get_cookies()}


@pytest.mark.parametrize("language", ["de", "en"])
def test_a_counsellor_books_saves_the_paper_and_sees_what_was_kept(server_factory, artifacts_dir, language):
    server = server_factory(config=SLOTS_SITE, clock=MONDAY_10)
    shots = artifacts_dir / "screenshots"
    words = WORDS[language]
    with chromium(DESKTOP, languages=f"{language},en") as browser:
        signed_in_browser(browser, server, language)
        assert browser.find_element("tag name", "html").get_attribute("lang") == language
        _readable(browser, f"partner booking {language}")
        screenshot(browser, shots / f"partner-book-{language}.png")
        browser.set_window_size(*DESKTOP)

        # The first booking with the mouse: Tuesday's earliest time, for a Ukrainian-speaking visitor.
        book_with_mouse(browser)
        assert words["booked"] in wait_until(lambda: browser.find_element("css selector", ".notice").text)
        wait_until(lambda: browser.execute_script("return document.querySelector('.paper img').naturalWidth > 0"))
        slot_url = browser.current_url.split("?")[0]
        slot = call(server, "GET", f"{V1}/partner/slots/{slot_url.rsplit('/', 1)[1]}", "partner").json()
        assert (slot["day"], slot["language"], slot["partner"]) == ("2026-12-01", "uk", "caritas")
        _readable(browser, f"partner slot {language}")
        screenshot(browser, shots / f"partner-slot-{language}.png")
        browser.set_window_size(*DESKTOP)

        # Its paper, saved as a picture: the QR code on it is the slot's code.
        picture = requests.get(f"{slot_url}/paper.png?download=1", cookies=cookies_of(browser), timeout=30)
        assert picture.headers["content-type"] == "image/png"
        assert picture.headers["content-disposition"].startswith("attachment;")
        image = Image.open(io.BytesIO(picture.content)).convert("L")
        assert [found.text for found in zxingcpp.read_barcodes(image)] == [slot["code"]]
        pdf = requests.get(f"{slot_url}/paper.pdf", cookies=cookies_of(browser), timeout=30)
        assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")

        # The second with the keyboard alone: Tab to the button, Enter.
        browser.get(f"{server.url}/partner")
        for _press in range(60):
            if browser.execute_script("return document.activeElement.matches('form.booking button[type=submit]')"):
                break
            ActionChains(browser).send_keys(Keys.TAB).perform()
        else:
            raise AssertionError("the booking button cannot be reached with the Tab key")
        ActionChains(browser).send_keys(Keys.ENTER).perform()
        assert words["booked"] in wait_until(lambda: browser.find_element("css selector", ".notice").text)

        # A third on the same day is beyond the allotment; the page says so and books nothing.
        browser.get(f"{server.url}/partner")
        day = browser.find_element("css selector", "input[name=choice]:not([disabled])").get_attribute("value")
        assert day == "2026-12-03"  # Tuesday is offered no more: its two slots are held
        browser.execute_script("document.querySelector('#day-2026-12-01').disabled = false")
        browser.find_element("id", "day-2026-12-01").click()
        browser.find_element("css selector", "form.booking button[type=submit]").click()
        assert words["allotment"] in problem_of(browser)
        _readable(browser, f"partner refused {language}")
        screenshot(browser, shots / f"partner-refused-{language}.png")
        browser.set_window_size(*DESKTOP)

        # A concern the office has not opened to caritas (a forged form): refused, with the reason.
        browser.execute_script("document.querySelector('form.booking input[name=service]').value = 'nacht'")
        browser.find_element("css selector", "input[name=choice]:not([disabled])").click()
        browser.find_element("css selector", "form.booking button[type=submit]").click()
        assert words["concern"] in problem_of(browser)
        held = call(server, "GET", f"{V1}/partner/slots", "partner").json()
        assert [s["day"] for s in held] == ["2026-12-01", "2026-12-01"]

        # Tuesday: the first visitor comes and checks in; at noon the page shows one kept, one missed.
        server.set_clock(datetime(2026, 12, 1, 8, 5, tzinfo=BERLIN))
        assert check_in(server, slot["code"]).status_code == 201
        server.set_clock(datetime(2026, 12, 1, 12, 0, tzinfo=BERLIN))
        signed_in_browser(browser, server, language)  # a day later: yesterday's session has ended
        browser.find_element("css selector", "nav a[href='/partner/slots']").click()
        table = wait_until(lambda: browser.find_element("css selector", "main table").text)
        assert KEPT[language] in table
        outcomes = browser.find_element("css selector", ".outcomes").text
        assert re.search(r"\b1\b.*\b1\b", outcomes) and "50 %" in outcomes
        _readable(browser, f"partner bookings {language}")
        screenshot(browser, shots / f"partner-bookings-{language}.png")
        assert not [m for m in console_errors(browser) if "Failed to load resource" not in m]


def test_the_page_admits_only_partner_tokens_and_their_own_slots_and_refuses_forged_forms(server_factory):
    server = server_factory(config=SLOTS_SITE, clock=MONDAY_10)
    kim = partner_token(server, "kim")
    theirs = partner_book(server, kim, "2026-12-01").json()

    _browser, kiosk = sign_in(server, server.tokens["kiosk"], "partner")
    assert kiosk.status_code == 403 and "cannot sign in here" in kiosk.text
    _browser, to_console = sign_in(server, server.tokens["partner"], "console")
    assert to_console.status_code == 403

    browser, landed = sign_in(server, server.tokens["partner"], "partner")
    assert landed.status_code == 200 and "Caritas migration counselling" in landed.text
    for path in (f"/partner/slots/{theirs['id']}", f"/partner/slots/{theirs['id']}/paper.png", "/partner/slots/x"):
        assert browser.get(f"{server.url}{path}", timeout=10).status_code == 404
    cancel_theirs = browser.post(
        f"{server.url}/partner/slots/{theirs['id']}/cancel", data={"csrf": csrf_of(landed)}, timeout=10
    )
    assert cancel_theirs.status_code == 404
    assert call(server, "GET", f"{V1}/status/{theirs['code'].rsplit('/', 1)[1]}").json()["status"] == "booked"

    form = {"service": "notfall", "choice": "2026-12-01", "language": "uk", "key": "k1"}
    forged = browser.post(f"{server.url}/partner/book", data={**form, "csrf": "not-this-sessions"}, timeout=10)
    assert forged.status_code == 403
    assert call(server, "GET", f"{V1}/partner/slots", "partner").json() == []
    # The same form sent twice (a double click, "resend") books one slot.
    first = browser.post(f"{server.url}/partner/book", data={**form, "csrf": csrf_of(landed)}, timeout=10)
    again = browser.post(f"{server.url}/partner/book", data={**form, "csrf": csrf_of(landed)}, timeout=10)
    assert first.url == again.url and len(call(server, "GET", f"{V1}/partner/slots", "partner").json()) == 1
    # Signed out, the page is gone for this browser.
    browser.post(f"{server.url}/partner/sign-out", data={"csrf": csrf_of(landed)}, timeout=10)
    assert browser.get(f"{server.url}/partner", timeout=10).url.startswith(f"{server.url}/partner/sign-in")

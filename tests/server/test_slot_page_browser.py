"""A later slot's status page in a real browser (headless Chromium), on the narrowest phone, in a
Latin, a Cyrillic and a right-to-left language: the window is shown whole, nothing runs off the
screen. Screenshots land in artifacts/screenshots/ for people to look at."""

from __future__ import annotations

import pytest

from tests.server.conftest import MONDAY_10, SLOTS_SITE
from tests.server.test_later_slots import book, exhaust, token_of
from tests.web_browser import NARROW_PHONE, chromium, screenshot, wait_until


@pytest.mark.parametrize("language, day", [("de", "Dienstag"), ("uk", "вівторок"), ("ar", "الثلاثاء")])
def test_the_slot_page_shows_day_and_window_on_a_narrow_phone(server_factory, artifacts_dir, language, day):
    server = server_factory(config=SLOTS_SITE, clock=MONDAY_10)
    exhaust(server)
    slot = book(server, language=language).json()
    with chromium(NARROW_PHONE) as browser:
        browser.get(f"{server.url}/t/{token_of(slot['code'])}")
        text = wait_until(lambda: browser.find_element("tag name", "main").text)
        assert "08:00\u2060–\u206008:30" in text and day in text
        assert browser.find_element("tag name", "html").get_attribute("dir") == ("rtl" if language == "ar" else "ltr")
        overflow = browser.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"the page is {overflow} px wider than the phone"
        screenshot(browser, artifacts_dir / "screenshots" / f"phone-slot-{language}.png")

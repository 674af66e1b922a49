"""The visitor's phone page in a real browser (Debian's Chromium, headless): live in place, "it's your turn",
without JavaScript, error pages in the phone's language, the Content-Security-Policy, and how it looks.
"""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
import requests
from selenium.webdriver.common.by import By

from launcher.live_server import LiveServer
from tests.web_browser import NARROW_PHONE, PHONE, chromium, console_errors, screenshot, wait_until
from wartemarke.contrast import contrast_ratio

# Generous: a call reaches the page in milliseconds (bench/phone_fanout.py measures it); a loaded
# machine may still take a while.
ARRIVES = 20.0


def issue(server: LiveServer, language: str, service: str = "notfall") -> dict:
    answer = requests.post(
        f"{server.url}/api/v1/tickets",
        json={"service": service, "language": language},
        headers={**server.headers("kiosk"), "Idempotency-Key": str(uuid.uuid4())},
        timeout=10,
    )
    assert answer.status_code == 201, answer.text
    return answer.json()


def staff(server: LiveServer, path: str, **body: str) -> requests.Response:
    answer = requests.post(f"{server.url}/api/v1{path}", json=body or None, headers=server.headers("staff"), timeout=10)
    assert answer.ok, answer.text
    return answer


def page_url(server: LiveServer, ticket: dict) -> str:
    return f"{server.url}/t/{ticket['code'].rsplit('/', 1)[1]}"


def visible_text(driver, selector: str) -> str:
    return " ".join(e.text for e in driver.find_elements(By.CSS_SELECTOR, selector) if e.is_displayed())


def csp_violations(driver) -> list[str]:
    return [m for m in console_errors(driver) if "Content Security Policy" in m or "Refused to" in m]


def test_the_page_changes_in_place_and_announces_the_turn_and_a_recall(live_server: LiveServer, artifacts_dir):
    server = live_server
    first, second, mine = issue(server, "de"), issue(server, "de"), issue(server, "uk")
    with chromium() as driver:
        driver.get(page_url(server, mine))
        assert driver.execute_script("return document.documentElement.lang") == "uk"
        assert "Людей перед вами: 2" in visible_text(driver, "[data-for-state=waiting]")
        # A marker that only survives if the page is never loaded again.
        driver.execute_script("window.loadedOnce = 'yes'")
        wait_until(lambda: driver.execute_script("return document.querySelector('[data-show=live]').hidden === false"))

        staff(server, "/counters/1/call-next")
        wait_until(lambda: "Людей перед вами: 1" in visible_text(driver, "[data-for-state=waiting]"), ARRIVES)
        staff(server, "/counters/1/call-next")
        wait_until(lambda: "Ви наступні." in visible_text(driver, "[data-for-state=waiting]"), ARRIVES)

        staff(server, "/counters/1/call-next")
        wait_until(lambda: visible_text(driver, ".turn"), ARRIVES)
        turn = driver.find_element(By.CSS_SELECTOR, ".turn")
        assert "Ваша черга!" in turn.text and "Віконце 1" in turn.text and mine["number"] in turn.text
        # Over the whole screen, not a line among others.
        width, height = driver.execute_script("return [window.innerWidth, window.innerHeight]")
        assert (turn.rect["width"], turn.rect["height"]) == (width, height)
        assert driver.title == "Ваша черга: Віконце 1"
        assert driver.execute_script("return window.loadedOnce") == "yes"
        screenshot(driver, artifacts_dir / "screenshots" / "phone-called-uk-390.png")

        staff(server, f"/tickets/{mine['id']}/recall")
        wait_until(lambda: "Вас викликають ще раз!" in visible_text(driver, ".turn"), ARRIVES)
        assert driver.title == "Повторний виклик: Віконце 1"
        assert driver.find_element(By.ID, "ticket").get_attribute("data-announcements") == "2"

        staff(server, f"/tickets/{mine['id']}/finish")
        wait_until(lambda: "Ваш візит завершено. Дякуємо!" in visible_text(driver, "[data-for-state=done]"), ARRIVES)
        assert not visible_text(driver, ".turn") and not visible_text(driver, "[data-show=live]")
        assert driver.execute_script("return window.loadedOnce") == "yes"
        assert csp_violations(driver) == []
    assert first["number"] != second["number"]


def test_a_dropped_connection_resumes_and_the_next_call_arrives(live_server: LiveServer):
    server = live_server
    ahead, mine = issue(server, "ar"), issue(server, "ar")
    with chromium() as driver:
        driver.get(page_url(server, mine))
        driver.execute_script("window.loadedOnce = 'yes'")
        wait_until(lambda: driver.execute_script("return document.querySelector('[data-show=live]').hidden === false"))
        server.stop()
        wait_until(lambda: visible_text(driver, "[data-show=offline]"), ARRIVES)
        server.start()
        staff(server, "/counters/1/call-next")
        staff(server, "/counters/1/call-next")
        wait_until(lambda: "الشباك 1" in visible_text(driver, ".turn"), ARRIVES)
        assert not visible_text(driver, "[data-show=offline]")
        assert driver.execute_script("return window.loadedOnce") == "yes"
        assert driver.title == "حان دورك: الشباك 1"
    assert ahead["number"] != mine["number"]


def refresh_seconds(driver) -> list[str]:
    return [m.get_attribute("content") for m in driver.find_elements(By.CSS_SELECTOR, 'meta[http-equiv="refresh"]')]


def test_without_javascript_the_page_refreshes_while_waiting_and_stops_after_the_visit(live_server: LiveServer):
    server = live_server
    mine = issue(server, "fa")
    with chromium(javascript=False) as driver:
        driver.get(page_url(server, mine))
        assert refresh_seconds(driver) == ["45"]
        assert "نفر بعدی شما هستید." in visible_text(driver, "main")
        staff(server, "/counters/1/call-next")
        driver.refresh()  # what the refresh does by itself
        assert "باجه 1" in visible_text(driver, "main") and refresh_seconds(driver) == ["45"]
        staff(server, f"/tickets/{mine['id']}/finish")
        driver.refresh()
        assert "مراجعه شما به پایان رسید. سپاسگزاریم!" in visible_text(driver, "main")
        assert refresh_seconds(driver) == []
        assert csp_violations(driver) == []
    with chromium(javascript=True) as driver:
        # With a script the page listens instead of reloading.
        driver.get(page_url(server, issue(server, "fa")))
        assert refresh_seconds(driver) == []


@pytest.mark.parametrize(
    ("accept_language", "lang", "direction", "words"),
    [
        ("uk-UA,uk,en", "uk", "ltr", "Це недійсний код талона."),
        ("fr-FR,fa", "fa", "rtl", "این کد نوبت معتبر نیست."),
        ("zh-CN", "en", "ltr", "This is not a valid ticket code."),
    ],
)
def test_error_pages_speak_the_language_the_phone_asks_for(live_server, accept_language, lang, direction, words):
    with chromium(languages=accept_language) as driver:
        driver.get(f"{live_server.url}/t/{'a' * 32}")
        assert driver.execute_script("return [document.documentElement.lang, document.dir]") == [lang, direction]
        assert words in visible_text(driver, "h1")
        assert refresh_seconds(driver) == [] and csp_violations(driver) == []


def _colours_and_backgrounds(driver) -> list[tuple[str, str, str]]:
    """(text, its colour, the colour behind it) of every visible text element, as the browser draws them."""
    return driver.execute_script(
        """
        const found = [];
        for (const el of document.querySelectorAll('main *')) {
          if (!el.offsetParent && getComputedStyle(el).position !== 'fixed') continue;
          const own = Array.from(el.childNodes).some(n => n.nodeType === 3 && n.textContent.trim());
          if (!own) continue;
          const clear = 'rgba(0, 0, 0, 0)';
          let back = el, bg = clear;
          while (back && (bg = getComputedStyle(back).backgroundColor) === clear) back = back.parentElement;
          found.push([el.textContent.trim().slice(0, 40), getComputedStyle(el).color, bg]);
        }
        return found;
        """
    )


def _rgb(css: str) -> tuple[float, float, float]:
    values = css[css.index("(") + 1 : css.index(")")].split(",")
    return tuple(float(v) / 255 for v in values[:3])  # type: ignore[return-value]


def _readable(driver, where: str) -> None:
    page = "document.documentElement"
    widths = driver.execute_script(f"return [{page}.scrollWidth, {page}.clientWidth]")
    assert widths[0] <= widths[1], f"{where}: wider than the phone"
    for text, colour, background in _colours_and_backgrounds(driver):
        ratio = contrast_ratio(_rgb(colour), _rgb(background))
        assert ratio >= 4.5, f"{where}: {text!r} {colour} on {background}: {ratio:.2f}"


@pytest.mark.parametrize(("size", "font_size"), [(PHONE, 16), (NARROW_PHONE, 32)], ids=["390px", "320px-large-text"])
def test_screens_in_four_languages_are_readable(live_server: LiveServer, artifacts_dir: Path, size, font_size):
    server = live_server
    shots = artifacts_dir / "screenshots"
    tickets = {language: issue(server, language) for language in ("de", "uk", "ar", "fa")}
    moved = issue(server, "fa", service="aufenthalt")
    staff(server, f"/tickets/{moved['id']}/transfer", service="ukraine")
    label = f"{size[0]}{'-large' if font_size > 16 else ''}"
    with chromium(size=size, font_size=font_size) as driver:
        for language, ticket in tickets.items():
            driver.get(page_url(server, ticket))
            assert driver.execute_script("return document.dir") == ("rtl" if language in ("ar", "fa") else "ltr")
            _readable(driver, f"{language} waiting")
            screenshot(driver, shots / f"phone-waiting-{language}-{label}.png")
            driver.set_window_size(*size)
        driver.get(page_url(server, moved))
        assert "پناهندگان از اوکراین" in visible_text(driver, ".concern")
        assert "اجازه اقامت (با وقت قبلی)" in visible_text(driver, "[data-show=transferred]")
        _readable(driver, "fa transferred")
        screenshot(driver, shots / f"phone-transferred-fa-{label}.png")
        driver.set_window_size(*size)
        for language, ticket in tickets.items():
            staff(server, f"/tickets/{ticket['id']}/call", counter="2")
            driver.get(page_url(server, ticket))
            wait_until(lambda: visible_text(driver, ".turn"))
            _readable(driver, f"{language} called")
            screenshot(driver, shots / f"phone-called-{language}-{label}.png")
            driver.set_window_size(*size)
        driver.get(f"{server.url}/t/hello")
        screenshot(driver, shots / f"phone-refused-en-{label}.png")
        assert csp_violations(driver) == []

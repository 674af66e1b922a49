"""A real browser for the web-page tests: Debian's Chromium, headless, driven by Selenium.

Pages (the visitor's phone page, the office console, the partner page) are tested the way people
see them: scripts run, the Content-Security-Policy is enforced, layout happens. `make test` installs
`chromium` and `chromium-driver`; Selenium is pointed at them, never at a downloaded browser.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
#: A phone (CSS pixels) and the narrowest phone a page must still work on.
PHONE = (390, 844)
NARROW_PHONE = (320, 640)

T = TypeVar("T")


@contextmanager
def chromium(
    size: tuple[int, int] = PHONE, javascript: bool = True, languages: str = "en-US,en", font_size: int = 16
) -> Iterator:
    """A headless Chromium window of `size`; no network but loopback is needed or attempted.

    `languages` is what it sends as Accept-Language; `font_size` its default font size in px (a
    phone set to large text: 32, twice the usual 16).
    """
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="wartemarke-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    # Without the background-networking flags Chromium keeps trying to reach Google's hosts, which
    # this machine's closed network refuses; --no-sandbox because the tests may run as root.
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        # Phones draw scrollbars over the page; a classic one would take 15 px of a 320 px screen.
        "--hide-scrollbars",
        f"--user-data-dir={profile}",
        f"--window-size={size[0]},{size[1]}",
    ):
        options.add_argument(flag)
    prefs: dict[str, object] = {"intl.accept_languages": languages, "webkit.webprefs.default_font_size": font_size}
    if not javascript:
        prefs["profile.managed_default_content_settings.javascript"] = 2
    options.add_experimental_option("prefs", prefs)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    try:
        driver.set_window_size(*size)
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def wait_until(condition: Callable[[], T | None], timeout: float = 10.0, interval: float = 0.05) -> T:
    """Poll `condition` until it returns something truthy (and return that), or fail after `timeout`."""
    deadline = time.monotonic() + timeout
    last_error: Exception | None = None
    while time.monotonic() < deadline:
        try:
            value = condition()
        except Exception as exc:  # noqa: BLE001 - the page may be between two states
            last_error = exc
        else:
            if value:
                return value
        time.sleep(interval)
    raise AssertionError(
        f"condition not met within {timeout} s" + (f" (last error: {last_error})" if last_error else "")
    )


def screenshot(driver, path: Path) -> Path:
    """The whole page (not just the viewport) as a PNG, for people to look at."""
    path.parent.mkdir(parents=True, exist_ok=True)
    width = driver.execute_script("return document.documentElement.scrollWidth")
    height = driver.execute_script("return document.documentElement.scrollHeight")
    # The window is larger than the page's viewport by the browser's own bars, even headless.
    bars = driver.execute_script("return window.outerHeight - window.innerHeight")
    driver.set_window_size(width, max(height, 200) + max(bars, 0))
    driver.save_screenshot(str(path))
    return path


def console_errors(driver) -> list[str]:
    """The browser console's errors and warnings since the last call (CSP violations are among them)."""
    return [entry["message"] for entry in driver.get_log("browser") if entry["level"] in ("SEVERE", "WARNING")]

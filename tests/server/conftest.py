"""API tests run against real server processes, on every supported database backend."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from launcher.live_server import DEMO_SITE

BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(params=BACKENDS)
def db_url(request, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path}/api.db"
    return request.getfixturevalue("postgres_url")


def site_variant(tmp_path: Path, quota: int = 3, rate: int = 1000, extra: str = "") -> Path:
    """The demo site with a small emergency quota (and whatever else a test needs)."""
    text = DEMO_SITE.read_text(encoding="utf-8")
    text = text.replace("kiosk_tickets_per_minute = 60", f"kiosk_tickets_per_minute = {rate}")
    assert "quota = 75\n" in text
    text = text.replace("quota = 75\n", f"quota = {quota}\n", 1)
    path = tmp_path / f"site-q{quota}-r{rate}.toml"
    path.write_text(text + extra, encoding="utf-8")
    return path


@pytest.fixture
def api_server(server_factory, db_url, tmp_path):
    """A server on the demo site with an emergency quota of 3, on the parametrised backend."""
    return server_factory(config=site_variant(tmp_path), db_url=db_url)


BERLIN = ZoneInfo("Europe/Berlin")
#: The office of the later-slot tests (see the file), and the Monday its same-day tickets run out.
SLOTS_SITE = Path(__file__).parent / "site-slots.toml"
MONDAY_10 = datetime(2026, 11, 30, 10, 0, tzinfo=BERLIN)


@pytest.fixture
def office(server_factory, db_url):
    """The later-slots office on Monday 30 November 2026 at 10:00, its two same-day tickets not drawn yet."""
    return server_factory(config=SLOTS_SITE, db_url=db_url, clock=MONDAY_10)

"""Signed-in browsers of the office's web pages, kept in the database.

A session is opened by signing in with a role token (server/web/sign_in.py) and lives in the
`web_sessions` table, so it survives a restart and every server process sees it (SQLite or
PostgreSQL alike). The browser's cookie carries a random secret; the table keeps only its SHA-256,
as it does for tokens, so a copy of the database opens no session. Each session has its own CSRF
token, which every form of its pages carries back.

A session ends when it is signed out, when nobody opened a page for `idle_minutes`, when it is
`longest_hours` old (the site's `[web_sessions]`), or when its token is revoked: a revoked
token signs out every browser it signed in, at their next page.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, insert, select, update

from server.clock import Clock, to_db
from server.config import WebSessions
from server.storage.engine import Engines
from server.storage.schema import device_tokens, web_sessions
from server.storage.token_store import Device

#: A page opened within this long of the last one does not write: reading the console stays read-only.
TOUCH_AFTER = timedelta(seconds=60)


@dataclass(frozen=True)
class WebSession:
    """Who is signed in, where, in which language, and the CSRF token their forms carry."""

    site_id: str
    token_id: str
    role: str
    #: The name the token was given ("Leitung Frau Şahin"): shown on the pages and in the steering log.
    name: str
    area: str
    language: str
    csrf_token: str
    #: For a partner token: the counselling partner it acts for.
    partner_id: str | None = None

    @property
    def device(self) -> Device:
        """The token behind the session, as the API's own checks know callers."""
        return Device(self.token_id, self.site_id, self.role, self.name, self.partner_id)


def _hash(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


class SessionStore:
    """Opens, finds and ends sessions; `policy(site_id)` says how long a site's sessions last."""

    def __init__(self, engines: Engines, clock: Clock, policy: Callable[[str], WebSessions]) -> None:
        self._engines = engines
        self._clock = clock
        self._policy = policy

    def open(self, device: Device, area: str, language: str) -> tuple[str, WebSession]:
        """A new session for `device` in `area`: (the cookie's secret, shown to this browser only, the session)."""
        secret = secrets.token_urlsafe(32)
        session = WebSession(
            device.site_id,
            device.token_id,
            device.role,
            device.name,
            area,
            language,
            secrets.token_urlsafe(32),
            device.partner_id,
        )
        now = to_db(self._clock())
        with self._engines.write.begin() as connection:
            # Sessions long over go when new ones come, so the table holds about the signed-in browsers.
            connection.execute(delete(web_sessions).where(web_sessions.c.last_seen_at < now - timedelta(days=31)))
            connection.execute(
                insert(web_sessions).values(
                    secret_hash=_hash(secret),
                    site_id=session.site_id,
                    device_token_id=session.token_id,
                    area=area,
                    language=language,
                    csrf_token=session.csrf_token,
                    created_at=now,
                    last_seen_at=now,
                )
            )
        return secret, session

    def find(self, secret: str, area: str) -> WebSession | None:
        """The live session of this cookie in `area`, or None (unknown, ended, expired, token revoked)."""
        query = (
            select(web_sessions, device_tokens.c.role, device_tokens.c.name, device_tokens.c.partner_id)
            .join(device_tokens, device_tokens.c.id == web_sessions.c.device_token_id)
            .where(
                web_sessions.c.secret_hash == _hash(secret),
                web_sessions.c.area == area,
                device_tokens.c.revoked_at.is_(None),
            )
        )
        with self._engines.read.connect() as connection:
            row = connection.execute(query).first()
        if row is None:
            return None
        now = to_db(self._clock())
        policy = self._policy(row.site_id)
        if now - row.last_seen_at > timedelta(minutes=policy.idle_minutes) or now - row.created_at > timedelta(
            hours=policy.longest_hours
        ):
            self.end(secret)
            return None
        if now - row.last_seen_at > TOUCH_AFTER:
            self._touch(row.secret_hash, now)
        return WebSession(
            row.site_id, row.device_token_id, row.role, row.name, area, row.language, row.csrf_token, row.partner_id
        )

    def set_language(self, secret: str, language: str) -> None:
        with self._engines.write.begin() as connection:
            connection.execute(
                update(web_sessions).where(web_sessions.c.secret_hash == _hash(secret)).values(language=language)
            )

    def end(self, secret: str) -> None:
        """Sign out: the cookie opens nothing any more, in any server process."""
        with self._engines.write.begin() as connection:
            connection.execute(delete(web_sessions).where(web_sessions.c.secret_hash == _hash(secret)))

    def _touch(self, secret_hash: str, now: datetime) -> None:
        with self._engines.write.begin() as connection:
            connection.execute(
                update(web_sessions).where(web_sessions.c.secret_hash == secret_hash).values(last_seen_at=now)
            )

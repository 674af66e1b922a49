"""First-start work every process agrees on: the site rows and the ticket-code signing key."""

from __future__ import annotations

import secrets

from sqlalchemy import Engine, insert, select, update
from sqlalchemy.exc import IntegrityError

from server.config import SiteConfig
from server.storage.schema import server_secrets, sites

SIGNING_KEY = "ticket_signing_key"


def ensure_sites(engine: Engine, configs: list[SiteConfig]) -> None:
    with engine.begin() as connection:
        for config in configs:
            site = config.site
            values = {"name": site.name, "timezone": site.timezone}
            if not connection.execute(update(sites).where(sites.c.id == site.id).values(**values)).rowcount:
                connection.execute(insert(sites).values(id=site.id, **values))


def signing_key(engine: Engine) -> bytes:
    """The key created by the first process that started; every later process reads the same one."""
    with engine.connect() as connection:
        stored = connection.execute(
            select(server_secrets.c.value).where(server_secrets.c.name == SIGNING_KEY)
        ).scalar_one_or_none()
    if stored is None:
        try:
            with engine.begin() as connection:
                connection.execute(insert(server_secrets).values(name=SIGNING_KEY, value=secrets.token_hex(32)))
        except IntegrityError:
            pass  # another process won the race; use its key
        with engine.connect() as connection:
            stored = connection.execute(
                select(server_secrets.c.value).where(server_secrets.c.name == SIGNING_KEY)
            ).scalar_one()
    return bytes.fromhex(stored)

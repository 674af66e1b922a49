"""Device and staff tokens in the database: only their SHA-256 hashes are kept."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine, insert, or_, select, update

from server.clock import to_db
from server.device_tokens import Role, hash_device_token, new_device_token
from server.storage.schema import device_tokens


@dataclass(frozen=True)
class Device:
    """Who is calling: the token's id, site, role and the name an admin gave it; for a `partner` token
    the partner (site config `[[partners]]` id) it acts for."""

    token_id: str
    site_id: str
    role: str
    name: str
    partner_id: str | None = None


def create_token(
    engine: Engine, site_id: str, role: Role, name: str, now: datetime, partner_id: str | None = None
) -> tuple[str, str]:
    """(token id, the token itself — shown once, never stored). A `partner` token names its partner."""
    if (role is Role.PARTNER) != (partner_id is not None):
        raise ValueError("a partner token, and only a partner token, names the partner it acts for")
    token = new_device_token()
    token_id = str(uuid.uuid4())
    with engine.begin() as connection:
        connection.execute(
            insert(device_tokens).values(
                id=token_id,
                site_id=site_id,
                role=role.value,
                name=name,
                token_hash=hash_device_token(token),
                created_at=to_db(now),
                partner_id=partner_id,
            )
        )
    return token_id, token


def find_device(engine: Engine, token: str) -> Device | None:
    with engine.connect() as connection:
        row = connection.execute(
            select(
                device_tokens.c.id,
                device_tokens.c.site_id,
                device_tokens.c.role,
                device_tokens.c.name,
                device_tokens.c.partner_id,
            ).where(device_tokens.c.token_hash == hash_device_token(token), device_tokens.c.revoked_at.is_(None))
        ).first()
    return Device(row.id, row.site_id, row.role, row.name, row.partner_id) if row else None


def list_tokens(engine: Engine, site_id: str | None = None) -> list[dict[str, object]]:
    query = select(device_tokens).order_by(device_tokens.c.created_at)
    if site_id:
        query = query.where(device_tokens.c.site_id == site_id)
    with engine.connect() as connection:
        return [dict(row._mapping) for row in connection.execute(query)]


def revoke_token(engine: Engine, id_or_name: str, now: datetime) -> int:
    """Revoke by token id or by name; returns how many tokens were revoked."""
    with engine.begin() as connection:
        return connection.execute(
            update(device_tokens)
            .where(
                or_(device_tokens.c.id == id_or_name, device_tokens.c.name == id_or_name),
                device_tokens.c.revoked_at.is_(None),
            )
            .values(revoked_at=to_db(now))
        ).rowcount

"""The database schema. Alembic migrations (server/migrations) create and evolve it.

Times are stored as naive UTC; service days as local dates of the site's time zone.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

sites = Table(
    "sites",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("name", String(120), nullable=False),
    Column("timezone", String(64), nullable=False),
)

# One row per service per service day: the atomic counter that numbers tickets and enforces the quota.
service_days = Table(
    "service_days",
    metadata,
    Column("site_id", String(32), ForeignKey("sites.id"), primary_key=True),
    Column("service_id", String(32), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("issued", Integer, nullable=False, default=0),
    Column("quota", Integer, nullable=True),
)

# Switches an office manager flips during the day (service off, today's quota changed).
service_settings = Table(
    "service_settings",
    metadata,
    Column("site_id", String(32), ForeignKey("sites.id"), primary_key=True),
    Column("service_id", String(32), primary_key=True),
    Column("enabled", Boolean, nullable=False, default=True),
)

tickets = Table(
    "tickets",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("site_id", String(32), ForeignKey("sites.id"), nullable=False),
    Column("day", Date, nullable=False),
    Column("service_id", String(32), nullable=False),
    Column("issued_service_id", String(32), nullable=False),
    Column("sequence", Integer, nullable=False),
    Column("number", String(16), nullable=False),
    Column("language", String(8), nullable=False),
    Column("status", String(16), nullable=False),
    Column("issued_at", DateTime, nullable=False),
    # When the ticket joined its current queue; kept on transfer so nobody loses their place.
    Column("queued_at", DateTime, nullable=False),
    Column("called_at", DateTime, nullable=True),
    Column("started_at", DateTime, nullable=True),
    Column("finished_at", DateTime, nullable=True),
    Column("counter_id", String(32), nullable=True),
    Column("code_key", String(32), nullable=False, unique=True),
    Column("code_token", String(32), nullable=False),
    Column("device_token_id", String(36), nullable=True),
    Column("idempotency_key", String(128), nullable=True),
    UniqueConstraint("site_id", "day", "number", name="uq_tickets_site_day_number"),
    UniqueConstraint("device_token_id", "idempotency_key", name="uq_tickets_idempotency"),
    Index("ix_tickets_queue", "site_id", "day", "status", "service_id", "queued_at"),
    Index("ix_tickets_device_issued", "device_token_id", "issued_at"),
)

# The event log: SSE subscribers resume from it; ids are strictly increasing in commit order.
events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("site_id", String(32), nullable=False),
    Column("name", String(32), nullable=False),
    Column("data", Text, nullable=False),
    Column("created_at", DateTime, nullable=False),
    Index("ix_events_site_id", "site_id", "id"),
    sqlite_autoincrement=True,
)

device_tokens = Table(
    "device_tokens",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("site_id", String(32), ForeignKey("sites.id"), nullable=False),
    Column("role", String(16), nullable=False),
    Column("name", String(80), nullable=False),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("created_at", DateTime, nullable=False),
    Column("revoked_at", DateTime, nullable=True),
)

counter_states = Table(
    "counter_states",
    metadata,
    Column("site_id", String(32), ForeignKey("sites.id"), primary_key=True),
    Column("counter_id", String(32), primary_key=True),
    Column("open", Boolean, nullable=False, default=False),
    Column("changed_at", DateTime, nullable=False),
)

device_statuses = Table(
    "device_statuses",
    metadata,
    Column("device_token_id", String(36), ForeignKey("device_tokens.id"), primary_key=True),
    Column("status", String(32), nullable=False),
    Column("detail", String(500), nullable=False, default=""),
    Column("reported_at", DateTime, nullable=False),
)

# Server-wide values shared by every process: the ticket-code signing key (created on first start) and
# the time of the last health probe's write (server/storage/write_probe.py).
server_secrets = Table(
    "server_secrets",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", String(128), nullable=False),
)

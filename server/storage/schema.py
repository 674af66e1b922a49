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

# One row per service per service day: the atomic counter that numbers tickets and enforces the quota,
# and the day's demand. `issued` is the last number given (walk-in and checked-in slot tickets share
# one series); `slot_tickets` of them came from later slots and use no quota.
service_days = Table(
    "service_days",
    metadata,
    Column("site_id", String(32), ForeignKey("sites.id"), primary_key=True),
    Column("service_id", String(32), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("issued", Integer, nullable=False, default=0),
    Column("quota", Integer, nullable=True),
    Column("slot_tickets", Integer, nullable=False, default=0, server_default="0"),
    # Counted in the transaction that refused or booked (server/office/demand.py).
    Column("later_slots_booked", Integer, nullable=False, default=0, server_default="0"),
    Column("turned_away_quota_exhausted", Integer, nullable=False, default=0, server_default="0"),
    Column("turned_away_service_closed", Integer, nullable=False, default=0, server_default="0"),
    Column("turned_away_rate_limited", Integer, nullable=False, default=0, server_default="0"),
    Column("turned_away_no_later_slots", Integer, nullable=False, default=0, server_default="0"),
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
    # The window of the later slot this ticket was checked in for (called first once it started).
    Column("slot_window_start", DateTime, nullable=True),
    Column("slot_window_end", DateTime, nullable=True),
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
    # The console's steering log reads one kind of event among a year of tickets' (office.steered).
    Index("ix_events_site_name", "site_id", "name", "id"),
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
    # The counselling partner (site config `[[partners]]` id) a `partner` token acts for.
    Column("partner_id", String(32), nullable=True),
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


# Guaranteed later slots. Nothing about the holder: the paper with the code is the whole identity.
later_slots = Table(
    "later_slots",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("site_id", String(32), ForeignKey("sites.id"), nullable=False),
    Column("service_id", String(32), nullable=False),
    Column("language", String(8), nullable=False),
    Column("day", Date, nullable=False),
    Column("window_start", DateTime, nullable=False),
    Column("window_end", DateTime, nullable=False),
    Column("status", String(16), nullable=False),
    Column("booked_at", DateTime, nullable=False),
    # The window printed on the holder's paper, when the office moved the slot (a date closed).
    Column("moved_from_start", DateTime, nullable=True),
    Column("moved_from_end", DateTime, nullable=True),
    Column("ticket_id", String(36), nullable=True),
    Column("ticket_number", String(16), nullable=True),
    Column("checked_in_at", DateTime, nullable=True),
    Column("cancelled_at", DateTime, nullable=True),
    Column("code_key", String(32), nullable=False, unique=True),
    Column("code_token", String(32), nullable=False),
    Column("device_token_id", String(36), nullable=True),
    Column("idempotency_key", String(128), nullable=True),
    # The counselling partner that booked it (null: a kiosk). The organisation, not its token: a
    # partner keeps seeing its slots after its token is replaced.
    Column("partner_id", String(32), nullable=True),
    UniqueConstraint("device_token_id", "idempotency_key", name="uq_later_slots_idempotency"),
    Index("ix_later_slots_day", "site_id", "day", "service_id"),
    Index("ix_later_slots_device_booked", "device_token_id", "booked_at"),
    Index("ix_later_slots_partner", "site_id", "partner_id", "day"),
)

# The capacity counters of later slots, taken like the ticket counter: a conditional UPDATE that
# only applies while there is room, so exactly `per_window` per window and `per_day` per day exist.
later_slot_windows = Table(
    "later_slot_windows",
    metadata,
    Column("site_id", String(32), ForeignKey("sites.id"), primary_key=True),
    Column("service_id", String(32), primary_key=True),
    Column("window_start", DateTime, primary_key=True),
    Column("day", Date, nullable=False),
    Column("booked", Integer, nullable=False, default=0),
    Index("ix_later_slot_windows_day", "site_id", "service_id", "day"),
)

later_slot_days = Table(
    "later_slot_days",
    metadata,
    Column("site_id", String(32), ForeignKey("sites.id"), primary_key=True),
    Column("service_id", String(32), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("booked", Integer, nullable=False, default=0),
)

# What each counselling partner holds on each day (its slots of that day, cancelled ones not counted),
# taken like a window's place: `… SET held = held + 1 WHERE held < :slots_per_day`.
partner_days = Table(
    "partner_days",
    metadata,
    Column("site_id", String(32), ForeignKey("sites.id"), primary_key=True),
    Column("partner_id", String(32), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("held", Integer, nullable=False, default=0),
)

# Dates closed with `wartemarke admin closed-dates add` (the config's [site] closed_dates count too).
closed_dates = Table(
    "closed_dates",
    metadata,
    Column("site_id", String(32), ForeignKey("sites.id"), primary_key=True),
    Column("day", Date, primary_key=True),
    Column("closed_at", DateTime, nullable=False),
)


# Signed-in browsers of the office's web pages (server/web/sessions.py). The cookie carries a random
# secret; only its hash is kept, like a token's. A session ends when it is signed out, idle too long,
# too old, or when the token it was opened with is revoked.
web_sessions = Table(
    "web_sessions",
    metadata,
    Column("secret_hash", String(64), primary_key=True),
    Column("site_id", String(32), ForeignKey("sites.id"), nullable=False),
    Column("device_token_id", String(36), ForeignKey("device_tokens.id"), nullable=False),
    # Which web area it was opened for ("console", "partner"): a console session opens no other area.
    Column("area", String(16), nullable=False),
    Column("language", String(8), nullable=False),
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("last_seen_at", DateTime, nullable=False),
    Index("ix_web_sessions_last_seen", "last_seen_at"),
)

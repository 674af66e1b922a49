"""later slots, closed dates, and the day's demand (turned away, later slots booked)

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 16:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_DAY_COUNTS = (
    "slot_tickets",
    "later_slots_booked",
    "turned_away_quota_exhausted",
    "turned_away_service_closed",
    "turned_away_rate_limited",
    "turned_away_no_later_slots",
)


def upgrade() -> None:
    with op.batch_alter_table("service_days", schema=None) as batch_op:
        for name in _DAY_COUNTS:
            batch_op.add_column(sa.Column(name, sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("slot_window_start", sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column("slot_window_end", sa.DateTime(), nullable=True))

    op.create_table(
        "later_slots",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("site_id", sa.String(length=32), nullable=False),
        sa.Column("service_id", sa.String(length=32), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("window_start", sa.DateTime(), nullable=False),
        sa.Column("window_end", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("booked_at", sa.DateTime(), nullable=False),
        sa.Column("moved_from_start", sa.DateTime(), nullable=True),
        sa.Column("moved_from_end", sa.DateTime(), nullable=True),
        sa.Column("ticket_id", sa.String(length=36), nullable=True),
        sa.Column("ticket_number", sa.String(length=16), nullable=True),
        sa.Column("checked_in_at", sa.DateTime(), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(), nullable=True),
        sa.Column("code_key", sa.String(length=32), nullable=False),
        sa.Column("code_token", sa.String(length=32), nullable=False),
        sa.Column("device_token_id", sa.String(length=36), nullable=True),
        sa.Column("idempotency_key", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("code_key"),
        sa.UniqueConstraint("device_token_id", "idempotency_key", name="uq_later_slots_idempotency"),
    )
    with op.batch_alter_table("later_slots", schema=None) as batch_op:
        batch_op.create_index("ix_later_slots_day", ["site_id", "day", "service_id"], unique=False)
        batch_op.create_index("ix_later_slots_device_booked", ["device_token_id", "booked_at"], unique=False)

    op.create_table(
        "later_slot_windows",
        sa.Column("site_id", sa.String(length=32), nullable=False),
        sa.Column("service_id", sa.String(length=32), nullable=False),
        sa.Column("window_start", sa.DateTime(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("booked", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"]),
        sa.PrimaryKeyConstraint("site_id", "service_id", "window_start"),
    )
    with op.batch_alter_table("later_slot_windows", schema=None) as batch_op:
        batch_op.create_index("ix_later_slot_windows_day", ["site_id", "service_id", "day"], unique=False)

    op.create_table(
        "later_slot_days",
        sa.Column("site_id", sa.String(length=32), nullable=False),
        sa.Column("service_id", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("booked", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"]),
        sa.PrimaryKeyConstraint("site_id", "service_id", "day"),
    )
    op.create_table(
        "closed_dates",
        sa.Column("site_id", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("closed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"]),
        sa.PrimaryKeyConstraint("site_id", "day"),
    )


def downgrade() -> None:
    op.drop_table("closed_dates")
    op.drop_table("later_slot_days")
    with op.batch_alter_table("later_slot_windows", schema=None) as batch_op:
        batch_op.drop_index("ix_later_slot_windows_day")
    op.drop_table("later_slot_windows")
    with op.batch_alter_table("later_slots", schema=None) as batch_op:
        batch_op.drop_index("ix_later_slots_device_booked")
        batch_op.drop_index("ix_later_slots_day")
    op.drop_table("later_slots")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_column("slot_window_end")
        batch_op.drop_column("slot_window_start")
    with op.batch_alter_table("service_days", schema=None) as batch_op:
        for name in reversed(_DAY_COUNTS):
            batch_op.drop_column(name)

"""counselling partners: partner tokens, the partner that booked a later slot, what each partner holds per day

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01 09:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("device_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("partner_id", sa.String(length=32), nullable=True))
    with op.batch_alter_table("later_slots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("partner_id", sa.String(length=32), nullable=True))
        batch_op.create_index("ix_later_slots_partner", ["site_id", "partner_id", "day"], unique=False)
    op.create_table(
        "partner_days",
        sa.Column("site_id", sa.String(length=32), nullable=False),
        sa.Column("partner_id", sa.String(length=32), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("held", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["site_id"], ["sites.id"]),
        sa.PrimaryKeyConstraint("site_id", "partner_id", "day"),
    )


def downgrade() -> None:
    op.drop_table("partner_days")
    with op.batch_alter_table("later_slots", schema=None) as batch_op:
        batch_op.drop_index("ix_later_slots_partner")
        batch_op.drop_column("partner_id")
    with op.batch_alter_table("device_tokens", schema=None) as batch_op:
        batch_op.drop_column("partner_id")

"""surge: computed surge state, agents' surge notification settings, in-app surge notices

Revision ID: 0006
Revises: 0002
Create Date: 2026-11-25 20:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "surge_state",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("interval_start", sa.Float(), nullable=False),
        sa.Column("interval_minutes", sa.Integer(), nullable=False),
        sa.Column("arrivals", sa.Float(), nullable=False),
        sa.Column("arrivals_source", sa.String(length=16), nullable=False),
        sa.Column("containment", sa.Float(), nullable=False),
        sa.Column("demand", sa.Float(), nullable=False),
        sa.Column("handle_s", sa.Float(), nullable=False),
        sa.Column("required", sa.Integer(), nullable=False),
        sa.Column("online", sa.Integer(), nullable=False),
        sa.Column("free_slots", sa.Integer(), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("bonus", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_surge_state_at", "surge_state", ["at"])
    op.create_table(
        "agent_notifications",
        sa.Column("agent_id", sa.String(length=64), nullable=False),
        sa.Column("opted_in", sa.Boolean(), nullable=False),
        sa.Column("webhook_url", sa.String(length=500), nullable=True),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("agent_id"),
    )
    op.create_table(
        "surge_notices",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agent_id", sa.String(length=64), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("level", sa.String(length=8), nullable=False),
        sa.Column("bonus", sa.Numeric(precision=10, scale=2), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("webhook", sa.String(length=16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["agent_id"], ["agents.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_surge_notices_agent_at", "surge_notices", ["agent_id", "at"])


def downgrade() -> None:
    op.drop_index("ix_surge_notices_agent_at", table_name="surge_notices")
    op.drop_table("surge_notices")
    op.drop_table("agent_notifications")
    op.drop_index("ix_surge_state_at", table_name="surge_state")
    op.drop_table("surge_state")


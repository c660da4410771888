"""review offers: QA review tasks offered to idle senior agents with a deadline and a pay fixed at offer time

Revision ID: 0007
Revises: 0002
Create Date: 2026-11-26 12:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0002"
branch_labels = None
# review_offers points at review_tasks, which migration 0004 creates on its own branch
depends_on = "0004"


def upgrade() -> None:
    op.create_table(
        "review_offers",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("task_id", sa.String(64), sa.ForeignKey("review_tasks.id", ondelete="CASCADE"), nullable=False),
        sa.Column("agent_id", sa.String(64), sa.ForeignKey("agents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.Column("answered_at", sa.Float(), nullable=True),
        sa.Column("decline_reason", sa.String(200), nullable=True),
        sa.Column("pay", sa.Numeric(10, 2), nullable=False),
    )
    op.create_index("ix_review_offers_state_expires", "review_offers", ["state", "expires_at"])
    op.create_index("ix_review_offers_agent_state", "review_offers", ["agent_id", "state"])
    op.create_index("ix_review_offers_task", "review_offers", ["task_id"])


def downgrade() -> None:
    op.drop_table("review_offers")

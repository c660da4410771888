"""agent_invites: single-use sign-up links made by supervisors (issue 15 item 5)

Revision ID: agent_invites_1
Revises: 0001
Create Date: 2026-12-03 23:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = "agent_invites_1"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agent_invites",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("token_digest", sa.String(64), nullable=False, unique=True),
        sa.Column("email", sa.String(254), nullable=True),
        sa.Column("languages", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.String(40), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.Column("used_at", sa.Float(), nullable=True),
        sa.Column("used_by", sa.String(40), nullable=True),
        sa.Column("revoked_at", sa.Float(), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("agent_invites")

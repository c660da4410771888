"""per-agent webhook secret: a random salt from which the agent's signing secret is derived (issue 14, finding 4)

Revision ID: 0009_webhook_salt
Revises: 0008
Create Date: 2026-12-03 09:50:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_webhook_salt"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("agent_notifications") as batch:
        batch.add_column(sa.Column("webhook_salt", sa.String(64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("agent_notifications") as batch:
        batch.drop_column("webhook_salt")

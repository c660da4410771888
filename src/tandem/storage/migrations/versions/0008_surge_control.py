"""surge control state: the controller's boost and release count carried from look to look, acknowledged logins

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-26 02:15:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("surge_state") as batch:
        batch.add_column(sa.Column("boost", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("surplus_looks", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("pending", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("released", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("surge_notices") as batch:
        batch.add_column(sa.Column("kind", sa.String(16), nullable=False, server_default="surge"))
        batch.add_column(sa.Column("acked_at", sa.Float(), nullable=True))
    op.create_index("ix_surge_notices_acked_at", "surge_notices", ["acked_at"])


def downgrade() -> None:
    op.drop_index("ix_surge_notices_acked_at", "surge_notices")
    with op.batch_alter_table("surge_notices") as batch:
        batch.drop_column("acked_at")
        batch.drop_column("kind")
    with op.batch_alter_table("surge_state") as batch:
        for name in ("released", "pending", "surplus_looks", "boost"):
            batch.drop_column(name)

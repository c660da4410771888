"""handoffs: which layer detected a free-text request for a person (rule or model) and its score

Revision ID: handoff_detection_1
Revises: 0001
Create Date: 2026-12-03 09:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "handoff_detection_1"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("handoffs") as batch:
        batch.add_column(sa.Column("detected_by", sa.String(8), nullable=True))
        batch.add_column(sa.Column("detection_score", sa.Float(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("handoffs") as batch:
        batch.drop_column("detection_score")
        batch.drop_column("detected_by")

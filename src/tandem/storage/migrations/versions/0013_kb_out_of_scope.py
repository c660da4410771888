"""help center's own out-of-scope questions (`out_of_scope.txt` beside the articles), kept on the kb_version row

Revision ID: kb_out_of_scope_1
Revises: help_center_1
Create Date: 2026-12-04 14:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "kb_out_of_scope_1"
down_revision = "help_center_1"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("kb_version") as batch:
        batch.add_column(sa.Column("out_of_scope", sa.JSON(), nullable=False, server_default="[]"))


def downgrade() -> None:
    with op.batch_alter_table("kb_version") as batch:
        batch.drop_column("out_of_scope")

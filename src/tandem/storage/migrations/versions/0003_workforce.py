"""workforce: sign-up profiles, certification attempts, append-only earnings ledger

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 19:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_PG_FUNCTION = """
CREATE FUNCTION earnings_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'earnings_ledger is append-only: add an adjustment entry instead';
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    op.create_table(
        "workforce_profiles",
        sa.Column("agent_id", sa.String(length=64), sa.ForeignKey("agents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("signed_up_at", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("agent_id"),
    )
    op.create_table(
        "certification_attempts",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("agent_id", sa.String(length=64), sa.ForeignKey("agents.id", ondelete="CASCADE"), nullable=False),
        sa.Column("topic", sa.String(length=32), nullable=False),
        sa.Column("question_ids", sa.JSON(), nullable=False),
        sa.Column("started_at", sa.Float(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.Column("submitted_at", sa.Float(), nullable=True),
        sa.Column("correct", sa.Integer(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_cert_attempts_agent_topic_started", "certification_attempts",
                    ["agent_id", "topic", "started_at"])
    op.create_table(
        "earnings_ledger",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("agent_id", sa.String(length=64), sa.ForeignKey("agents.id"), nullable=False),
        sa.Column("conversation_id", sa.String(length=64), nullable=True),
        sa.Column("offer_id", sa.String(length=64), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("amount", sa.BigInteger(), nullable=False),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("assignment_at", sa.Float(), nullable=True),
        sa.Column("outcome", sa.String(length=16), nullable=True),
        sa.Column("seconds", sa.Integer(), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("agent_id", "conversation_id", "assignment_at", "kind", name="uq_earnings_assignment_kind"),
        sa.CheckConstraint("kind IN ('base', 'per_minute', 'surge_bonus', 'adjustment')", name="ck_earnings_kind"),
    )
    op.create_index("ix_earnings_agent_at", "earnings_ledger", ["agent_id", "at"])
    op.create_index("ix_earnings_at", "earnings_ledger", ["at"])
    op.create_index("ix_earnings_ledger_conversation_id", "earnings_ledger", ["conversation_id"])
    _append_only_triggers()


def _append_only_triggers() -> None:
    # the ledger is the pay record: the database itself refuses edits, whatever code or console runs them
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        op.execute("CREATE TRIGGER earnings_ledger_append_only BEFORE UPDATE OR DELETE ON earnings_ledger "
                   "FOR EACH ROW EXECUTE FUNCTION earnings_ledger_append_only()")
        return
    for verb in ("UPDATE", "DELETE"):
        op.execute(f"CREATE TRIGGER earnings_ledger_no_{verb.lower()} BEFORE {verb} ON earnings_ledger "
                   "BEGIN SELECT RAISE(ABORT, 'earnings_ledger is append-only: add an adjustment entry instead'); "
                   "END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS earnings_ledger_append_only ON earnings_ledger")
        op.execute("DROP FUNCTION IF EXISTS earnings_ledger_append_only()")
    op.drop_table("earnings_ledger")
    op.drop_index("ix_cert_attempts_agent_topic_started", table_name="certification_attempts")
    op.drop_table("certification_attempts")
    op.drop_table("workforce_profiles")

"""earnings_ledger stays append-only except for one change: erasing a note (GDPR art. 17)

An erasure request must reach pay-ledger notes ("bonus for the chat with Maya") while the amounts, dates and
everything else stay exactly as they were. The triggers now let through an UPDATE that only replaces `note` with
the erasure marker, and still refuse every other UPDATE and every DELETE.

Revision ID: ledger_note_erasure_1
Revises: 0003
Create Date: 2026-12-03 11:00:00
"""

from alembic import op

revision = "ledger_note_erasure_1"
down_revision = "0003"
branch_labels = None
depends_on = None

MARKER = "[erased at the customer''s request]"  # privacy.ERASED, quoted for SQL
_SAME = ("id", "agent_id", "conversation_id", "offer_id", "kind", "amount", "at", "assignment_at", "outcome",
         "seconds", "created_by")
_REFUSE = "earnings_ledger is append-only: add an adjustment entry instead"

_PG_FUNCTION = f"""
CREATE OR REPLACE FUNCTION earnings_ledger_append_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE' AND NEW.note = '{MARKER}'
       AND ROW({", ".join("NEW." + c for c in _SAME)}) IS NOT DISTINCT FROM ROW({", ".join("OLD." + c for c in _SAME)})
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION '{_REFUSE}';
END;
$$ LANGUAGE plpgsql
"""
_PG_OLD = f"""
CREATE OR REPLACE FUNCTION earnings_ledger_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{_REFUSE}';
END;
$$ LANGUAGE plpgsql
"""


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        return
    same = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in _SAME)
    op.execute("DROP TRIGGER IF EXISTS earnings_ledger_no_update")
    op.execute(f"CREATE TRIGGER earnings_ledger_no_update BEFORE UPDATE ON earnings_ledger "
               f"WHEN NOT (NEW.note IS '{MARKER}' AND {same}) "
               f"BEGIN SELECT RAISE(ABORT, '{_REFUSE}'); END")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_OLD)
        return
    op.execute("DROP TRIGGER IF EXISTS earnings_ledger_no_update")
    op.execute(f"CREATE TRIGGER earnings_ledger_no_update BEFORE UPDATE ON earnings_ledger "
               f"BEGIN SELECT RAISE(ABORT, '{_REFUSE}'); END")

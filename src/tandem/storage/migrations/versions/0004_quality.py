"""quality: QA review tasks and scores, guardrail targets and state, policy changes, ops samples

Revision ID: 0004
Revises: 0002
Create Date: 2026-11-25 19:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "review_tasks",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("conversation_id", sa.String(64), sa.ForeignKey("conversations.id", ondelete="CASCADE"),
                  nullable=False, unique=True),
        sa.Column("handled_by", sa.String(8), nullable=False),
        sa.Column("intent", sa.String(64), nullable=True),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("created_at", sa.Float(), nullable=False),
        sa.Column("reviewer_id", sa.String(64), sa.ForeignKey("agents.id"), nullable=True),
        sa.Column("assigned_at", sa.Float(), nullable=True),
        sa.Column("due_at", sa.Float(), nullable=True),
        sa.Column("completed_at", sa.Float(), nullable=True),
        sa.Column("pay", sa.Numeric(10, 2), nullable=False),
    )
    op.create_index("ix_review_tasks_status_created", "review_tasks", ["status", "created_at"])
    op.create_index("ix_review_tasks_reviewer_id", "review_tasks", ["reviewer_id"])
    op.create_table(
        "review_scores",
        sa.Column("task_id", sa.String(64), sa.ForeignKey("review_tasks.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("reviewer_id", sa.String(64), sa.ForeignKey("agents.id"), nullable=False),
        sa.Column("correct", sa.Boolean(), nullable=False),
        sa.Column("complete", sa.Boolean(), nullable=False),
        sa.Column("policy_safe", sa.Boolean(), nullable=False),
        sa.Column("tone", sa.Integer(), nullable=False),
        sa.Column("should_have_escalated", sa.Boolean(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("comment", sa.Text(), nullable=True),
        sa.Column("at", sa.Float(), nullable=False),
    )
    op.create_index("ix_review_scores_passed", "review_scores", ["passed"])
    op.create_index("ix_review_scores_at", "review_scores", ["at"])
    op.create_table(
        "quality_targets",
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.Float(), nullable=False),
        sa.Column("updated_by", sa.String(64), nullable=False),
    )
    op.create_table(
        "guarded_intents",
        sa.Column("intent", sa.String(64), primary_key=True),
        sa.Column("guarded", sa.Boolean(), nullable=False),
        sa.Column("source", sa.String(12), nullable=False),
        sa.Column("reason", sa.String(300), nullable=False),
        sa.Column("since", sa.Float(), nullable=False),
    )
    op.create_table(
        "policy_changes",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("actor", sa.String(64), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("intent", sa.String(64), nullable=True),
        sa.Column("reason", sa.String(300), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_index("ix_policy_changes_at", "policy_changes", ["at"])
    op.create_table(
        "ops_samples",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("at", sa.Float(), nullable=False),
        sa.Column("queue_length", sa.Integer(), nullable=False),
        sa.Column("longest_wait_s", sa.Float(), nullable=False),
        sa.Column("agents_online", sa.Integer(), nullable=False),
        sa.Column("agents_available", sa.Integer(), nullable=False),
        sa.Column("agents_needed", sa.Integer(), nullable=True),
        sa.Column("occupancy", sa.Float(), nullable=True),
        sa.Column("arrivals_per_min", sa.Float(), nullable=False),
    )
    op.create_index("ix_ops_samples_at", "ops_samples", ["at"])


def downgrade() -> None:
    for table in ("ops_samples", "policy_changes", "guarded_intents", "quality_targets", "review_scores",
                  "review_tasks"):
        op.drop_table(table)

"""money in cents: every money column becomes a BIGINT of whole cents (core/money.py, storage.models.Cents);
the per-minute rate keeps four places, as hundredths of a cent

Revision ID: money_cents_1
Revises: 0007, 0009_webhook_salt
Create Date: 2026-12-04 05:40:00

Each column is replaced in place without rebuilding its table: add `<col>_new`, fill it with the amount times
10^places, rounded, drop the old column, rename. A rebuild would be the usual SQLite way, but with foreign keys on,
dropping `review_tasks` would cascade to its offers and scores.
"""

import sqlalchemy as sa
from alembic import op

revision = "money_cents_1"
# offers (0001), review_tasks and review_offers (0004, 0007) and the surge tables (0006, 0008, 0009)
down_revision = ("0007", "0009_webhook_salt")
branch_labels = None
depends_on = None

MONEY = {
    "offers": {"base_pay": 2, "per_minute_pay": 4, "surge_bonus": 2},
    "review_tasks": {"pay": 2},
    "review_offers": {"pay": 2},
    "surge_state": {"bonus": 2},
    "surge_notices": {"bonus": 2},
}


def _replace(table: str, column: str, new_type: sa.types.TypeEngine, fill: str) -> None:
    temp = f"{column}_new"
    op.add_column(table, sa.Column(temp, new_type, nullable=False, server_default="0"))
    op.execute(f"UPDATE {table} SET {temp} = {fill}")
    op.drop_column(table, column)
    op.alter_column(table, temp, new_column_name=column)
    if op.get_bind().dialect.name != "sqlite":  # SQLite cannot drop a default in place; it is never relied on
        op.alter_column(table, column, server_default=None)


def upgrade() -> None:
    for table, columns in MONEY.items():
        for column, places in columns.items():
            _replace(table, column, sa.BigInteger(), f"CAST(ROUND({column} * {10 ** places}) AS BIGINT)")


def downgrade() -> None:
    for table, columns in MONEY.items():
        for column, scale in columns.items():
            _replace(table, column, sa.Numeric(10, scale), f"{column} / {10 ** scale}.0")

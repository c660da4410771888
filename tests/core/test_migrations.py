"""The migrations build exactly the schema the models describe, and the money migration keeps every amount."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, create_engine, inspect, select, text

from tandem.storage.db import alembic_config, migrate
from tandem.storage.models import Base, Offer
from tandem.storage.models_quality import ReviewOffer, ReviewTask
from tandem.storage.models_surge import SurgeNotice, SurgeState
from tandem.testing import pg

MONEY_REVISION = "money_cents_1"
MONEY_PARENTS = ("0007", "0009_webhook_salt")


@pytest.fixture(params=["sqlite", "postgres"])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database of its own (migrations are run up and down here, never in the shared test database)."""
    if request.param == "sqlite":
        engine = create_engine(f"sqlite:///{tmp_path / 'm.sqlite3'}")
        yield engine
        engine.dispose()
        return
    pg.require_postgres()
    with pg.scratch_database("tandem_mig") as url:
        engine = create_engine(url)
        yield engine
        engine.dispose()


def test_the_migrations_build_the_models_schema(empty_engine: Engine) -> None:
    migrate(empty_engine)
    with empty_engine.connect() as conn:
        differences = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}),
                                       Base.metadata)
    assert differences == []


def _filler(column: dict[str, Any]) -> Any:
    try:
        kind = column["type"].python_type
    except NotImplementedError:
        kind = str
    return {int: 1, float: 1.0, bool: False, Decimal: Decimal("1")}.get(kind, "x")


def _insert(conn: Any, table: str, values: dict[str, Any]) -> None:
    """A row with `values`, every other NOT NULL column filled with a placeholder (foreign keys are not checked)."""
    sqlite = conn.dialect.name == "sqlite"  # SQLAlchemy's Numeric stored floats there; do the same
    row = {k: float(v) if sqlite and isinstance(v, Decimal) else v for k, v in values.items()}
    for column in inspect(conn).get_columns(table):
        if column["name"] not in row and not column["nullable"] and column.get("default") is None:
            row[column["name"]] = _filler(column)
    names = ", ".join(row)
    conn.execute(text(f"INSERT INTO {table} ({names}) VALUES ({', '.join(':' + n for n in row)})"), row)


def test_money_moves_to_whole_cents_and_back_without_losing_an_amount(empty_engine: Engine) -> None:
    for parent in MONEY_PARENTS:  # the schema just before the money migration
        migrate(empty_engine, parent)
    with empty_engine.begin() as conn:
        if empty_engine.dialect.name == "postgresql":
            conn.execute(text("SET session_replication_role = replica"))  # placeholders break foreign keys
        _insert(conn, "offers", {"id": "o1", "base_pay": Decimal("0.80"), "per_minute_pay": Decimal("0.1234"),
                                 "surge_bonus": Decimal("1.05")})
        _insert(conn, "review_tasks", {"id": "t1", "pay": Decimal("2.35")})
        _insert(conn, "review_offers", {"id": "r1", "task_id": "t1", "pay": Decimal("0.07")})
        _insert(conn, "surge_state", {"id": 1, "bonus": Decimal("2.00")})
        _insert(conn, "surge_notices", {"id": 1, "bonus": Decimal("0.50")})
    migrate(empty_engine)
    with empty_engine.connect() as conn:
        offer = conn.execute(select(Offer.base_pay, Offer.per_minute_pay, Offer.surge_bonus)).one()
        assert tuple(offer) == (Decimal("0.80"), Decimal("0.1234"), Decimal("1.05"))
        assert conn.execute(select(ReviewTask.pay)).scalar_one() == Decimal("2.35")
        assert conn.execute(select(ReviewOffer.pay)).scalar_one() == Decimal("0.07")
        assert conn.execute(select(SurgeState.bonus)).scalar_one() == Decimal("2.00")
        assert conn.execute(select(SurgeNotice.bonus)).scalar_one() == Decimal("0.50")
        stored = conn.execute(text("SELECT base_pay, per_minute_pay FROM offers")).one()
        assert tuple(stored) == (80, 1234)  # whole cents; the per-minute rate in hundredths of a cent
    with empty_engine.begin() as conn:
        command.downgrade(alembic_config(conn), "0007")
    with empty_engine.connect() as conn:
        assert "agent_invites" in inspect(conn).get_table_names()  # other branches stay where they are
        back = conn.execute(text("SELECT surge_bonus, per_minute_pay FROM offers")).one()
        assert [Decimal(str(v)) for v in back] == [Decimal("1.05"), Decimal("0.1234")]

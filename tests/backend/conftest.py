"""Fixtures: a seeded DemoBackend on a SQLite file and on PostgreSQL (own schema, dropped afterwards)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import OperationalError

from tandem.backend.demo import DemoBackend
from tandem.backend.seed import seed_demo
from tandem.core.clock import FakeClock

PG_URL = os.environ.get("TANDEM_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC).timestamp()


def sqlite_engine(path: Path) -> sa.Engine:
    """Return an engine on a fresh SQLite file."""
    return sa.create_engine(f"sqlite:///{path}")


@pytest.fixture
def pg_engine() -> Iterator[sa.Engine]:
    """Yield an engine bound to a fresh PostgreSQL schema; skip when unreachable (fail when CI=true)."""
    engine = sa.create_engine(PG_URL)
    try:
        with engine.connect():
            pass
    except OperationalError:
        engine.dispose()
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL unreachable at {PG_URL}")
        pytest.skip(f"PostgreSQL unreachable at {PG_URL}")
    schema = f"demo_test_{uuid.uuid4().hex[:12]}"
    with engine.begin() as conn:
        conn.execute(sa.text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield engine.execution_options(schema_translate_map={None: schema})
    finally:
        with engine.begin() as conn:
            conn.execute(sa.text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[sa.Engine]:
    """Yield an engine on each supported database."""
    if request.param == "postgres":
        yield request.getfixturevalue("pg_engine")
        return
    eng = sqlite_engine(tmp_path / "demo.db")
    yield eng
    eng.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(START)


@pytest.fixture
def backend(engine: sa.Engine, clock: FakeClock) -> DemoBackend:
    """Return a DemoBackend seeded with the default demo data."""
    demo = DemoBackend(engine, clock)
    seed_demo(demo)
    return demo

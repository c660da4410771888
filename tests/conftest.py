"""Shared fixtures: every storage test runs on SQLite and on PostgreSQL (required when CI=true)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import BaseModel
from sqlalchemy import create_engine, text

from tandem.api import responses
from tandem.core.clock import FakeClock
from tandem.core.settings import Settings
from tandem.services.bootstrap import build_services
from tandem.services.context import Services
from tandem.testing import pg

PG_ADMIN_URL = pg.ADMIN_URL  # TANDEM_TEST_PG, default the local `test` database


def pytest_configure(config: pytest.Config) -> None:
    """Every response model refuses unknown fields for the whole test session, before any app is built.

    In production a response model silently drops a field it does not name; here a field a view returns and its
    model forgot fails the route's test with a response validation error (tests/api/test_response_schemas.py
    shows the check failing). Rebuilt twice: a model's schema embeds the schemas of the models it names."""
    models = [m for m in vars(responses).values()
              if isinstance(m, type) and issubclass(m, BaseModel) and m.__module__ == responses.__name__]
    for model in models:
        model.model_config["extra"] = "forbid"
    for _ in range(2):
        for model in models:
            model.model_rebuild(force=True)


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at the end (required in CI, else skipped)."""
    pg.require_postgres(PG_ADMIN_URL)
    with pg.scratch_database("tandem_test", PG_ADMIN_URL) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL with an empty schema: an SQLite file, or a cleaned PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tandem.sqlite3'}"
        return
    url = request.getfixturevalue("pg_database")
    _truncate_all(url)
    yield url


def _truncate_all(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = [r[0] for r in conn.execute(text(
            "select tablename from pg_tables where schemaname='public' and tablename <> 'alembic_version'"))]
        if tables:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE"))
    engine.dispose()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    # the intent classifier trains in the background, which would make replies depend on timing; the keyword
    # rules and retrieval are deterministic (the classifier has its own tests)
    return Settings(data_dir=tmp_path, database_url=db_url, env="test", demo=True, intent_model=False)


@pytest.fixture
def services(settings: Settings, clock: FakeClock) -> Iterator[Services]:
    svc = build_services(settings, clock)
    yield svc
    svc.db.dispose()

"""Shared fixtures: every storage test runs on SQLite and on PostgreSQL (required when CI=true)."""

from __future__ import annotations

import os
import uuid
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

PG_ADMIN_URL = os.environ.get("TANDEM_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


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


def _pg_reachable() -> bool:
    try:
        engine = create_engine(PG_ADMIN_URL)
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return True
    except Exception:
        return False


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """A fresh PostgreSQL database for this test session, dropped at the end."""
    if not _pg_reachable():
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL is required in CI but not reachable at {PG_ADMIN_URL}")
        pytest.skip("PostgreSQL not reachable")
    name = f"tandem_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


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

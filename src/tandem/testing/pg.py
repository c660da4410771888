"""Scratch PostgreSQL databases for tests and benchmarks: created beside an existing database, always dropped.

    with scratch_database("tandem_test") as url:   # postgresql+psycopg://postgres@127.0.0.1:5432/tandem_test_3f9a...
        ...

The admin URL names a database the server already has (`TANDEM_TEST_PG`, default the local `test` database); a
scratch database gets a unique name with the given prefix and is dropped with `WITH (FORCE)` when the block ends,
also after a failure, so a test run or a benchmark leaves nothing behind. `require_postgres` is the rule the suite
follows: in CI (`CI=true`) PostgreSQL must be there and its absence fails the test; elsewhere the test is skipped.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text

ADMIN_URL = os.environ.get("TANDEM_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def sibling_url(admin_url: str, name: str) -> str:
    """The URL of database `name` on the server of `admin_url` (same user, host and driver)."""
    return admin_url.rsplit("/", 1)[0] + "/" + name


def reachable(admin_url: str = ADMIN_URL) -> bool:
    """Whether the server answers a query on the admin database."""
    try:
        engine = create_engine(admin_url)
        try:
            with engine.connect() as conn:
                conn.execute(text("select 1"))
        finally:
            engine.dispose()
        return True
    except Exception:
        return False


def require_postgres(admin_url: str = ADMIN_URL) -> None:
    """Fail the calling test in CI when PostgreSQL is not reachable, skip it elsewhere."""
    import pytest

    if reachable(admin_url):
        return
    if os.environ.get("CI") == "true":
        pytest.fail(f"PostgreSQL is required in CI but not reachable at {admin_url}")
    pytest.skip(f"PostgreSQL not reachable at {admin_url}")


def create_database(prefix: str, admin_url: str = ADMIN_URL) -> str:
    """Create an empty database named `prefix_<10 hex digits>` and return its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    _admin(admin_url, f'CREATE DATABASE "{name}"')
    return sibling_url(admin_url, name)


def drop_database(url: str, admin_url: str = ADMIN_URL) -> None:
    """Drop the database `url` names, closing its connections first; nothing happens if it is gone already."""
    _admin(admin_url, f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')


def _admin(admin_url: str, statement: str) -> None:
    """Run one statement outside a transaction (CREATE and DROP DATABASE cannot run inside one)."""
    admin = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            conn.execute(text(statement))
    finally:
        admin.dispose()


@contextmanager
def scratch_database(prefix: str, admin_url: str = ADMIN_URL) -> Iterator[str]:
    """A new empty database for the block; dropped when it ends, however it ends."""
    url = create_database(prefix, admin_url)
    try:
        yield url
    finally:
        drop_database(url, admin_url)

"""Engine and session factory; migrations run through Alembic."""

from __future__ import annotations

import re
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from importlib import resources
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from tandem.core import counters


def make_engine(url: str) -> Engine:
    """Create an engine tuned for the URL's database. Bound parameters (message text, emails) never appear in
    error messages or logs: `hide_parameters`."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # a pooled connection for every worker thread that may want one (anyio's 40 plus the loops' own threads):
        # with SQLAlchemy's default 5 + 10 overflow, a saturated server (bench/live_dispatch.py, 10,000 agents,
        # profiled) queued threads for connections and opened and closed overflow ones, PRAGMAs and all
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S},
                               pool_size=SQLITE_POOL_SIZE, max_overflow=SQLITE_POOL_OVERFLOW, hide_parameters=True)
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "before_cursor_execute", write_turns(url).before_execute)
        return engine
    given = make_url(url).query
    bounded = {k: v for k, v in PG_CONNECT_DEFAULTS.items() if k not in given}  # the URL's own values win
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=20, connect_args=bounded,
                         hide_parameters=True)


# libpq settings so that a database that stops answering is noticed in seconds, not at the kernel's TCP timeouts:
# a connection attempt gives up after connect_timeout, and an idle or waiting connection whose peer vanished is
# declared dead after keepalives_idle + keepalives_interval x keepalives_count (about 25 s)
PG_CONNECT_DEFAULTS: dict[str, int] = {"connect_timeout": 5, "keepalives": 1, "keepalives_idle": 10,
                                       "keepalives_interval": 5, "keepalives_count": 3}


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # WAL lets readers proceed during writes; foreign keys are off by default in SQLite
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


SQLITE_BUSY_TIMEOUT_S = 30.0
SQLITE_POOL_SIZE = 48
SQLITE_POOL_OVERFLOW = 16
_WRITE = re.compile(r"\s*(INSERT|UPDATE|DELETE|REPLACE)\b", re.IGNORECASE)


class WriteTurns:
    """SQLite has one writer at a time; the others poll with sleeps of up to 100 ms (its busy handler).

    Within one process, writers instead queue on a lock taken just before a transaction's first write
    statement (the moment SQLite takes its own write lock) and released when the transaction ends, so the
    next writer starts as soon as the previous one commits. Reads never wait for it, and a thread never
    holds it without also holding SQLite's lock, so it adds no wait that SQLite would not impose. Only
    transactions opened through Database.transaction take part; a writer that cannot get its turn in
    SQLITE_BUSY_TIMEOUT_S fails as SQLite itself would ("database is locked").
    """

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._local = threading.local()

    def _stack(self) -> list[bool]:
        stack: list[bool] | None = getattr(self._local, "stack", None)
        if stack is None:
            stack = self._local.stack = []
        return stack

    @contextmanager
    def transaction(self) -> Iterator[None]:
        stack = self._stack()
        stack.append(False)
        try:
            yield
        finally:
            if stack.pop():
                self._lock.release()

    def before_execute(self, _conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        stack = self._stack()
        if not stack or stack[-1] or not _WRITE.match(statement):
            return
        if not self._lock.acquire(timeout=SQLITE_BUSY_TIMEOUT_S):
            raise OperationalError(statement, None, sqlite3.OperationalError("database is locked"))
        stack[-1] = True


# one per SQLite file and process, shared by every engine opened on it
_WRITE_TURNS: dict[str, WriteTurns] = {}
_REGISTRY_LOCK = threading.Lock()


def write_turns(url: str) -> WriteTurns:
    """The write turns of one SQLite database in this process."""
    with _REGISTRY_LOCK:
        return _WRITE_TURNS.setdefault(url, WriteTurns())


def alembic_config(conn: Connection) -> Config:
    """Alembic's configuration for Tandem's migrations, run on this connection."""
    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("tandem.storage") / "migrations"))
    cfg.attributes["connection"] = conn
    return cfg


def migrate(engine: Engine, revision: str = "heads") -> None:
    """Bring the schema to the newest Alembic revision (or to `revision`, for tests of a migration)."""
    with engine.begin() as conn:
        # each feature adds its migration on top of 0002 or later; independent branches are all applied
        command.upgrade(alembic_config(conn), revision)


def _count_commit(_conn: Any) -> None:
    counters.count("db_transactions")


class Database:
    """The engine plus a session factory; the caller (a request or a flow) owns the transaction."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.engine = make_engine(url)
        event.listen(self.engine, "commit", _count_commit)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """Yield a session inside one transaction, committed on success and rolled back on error."""
        turns = write_turns(self.url).transaction() if self.is_sqlite else nullcontext()
        with turns, self._sessions() as session, session.begin():
            yield session

    def ping(self) -> None:
        """One `SELECT 1` on a pooled connection; raises when the database cannot answer."""
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.engine.dispose()

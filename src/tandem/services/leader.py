"""A lease in the database that elects one active dispatcher among any number of replicas.

Every step is a single conditional UPDATE, so it works the same on SQLite and PostgreSQL:

- acquire: take the lease when it is free, expired or (after an error) still ours, and bump the fencing token;
- renew: extend it only while we are still the holder with the same token;
- release: give it up on a clean shutdown so a standby takes over at once instead of after the TTL.

Expiry is measured on the database server's clock, so replicas with skewed clocks still agree. On
PostgreSQL two replicas racing for an expired lease serialize on the row lock and the loser's UPDATE
re-checks the condition against the winner's row, so exactly one of them gets ``rowcount == 1``.
"""

from __future__ import annotations

import logging
import uuid
from typing import Any

from sqlalchemy import Float, cast, func, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from tandem.storage.db import Database
from tandem.storage.models import Lease as LeaseRow

log = logging.getLogger(__name__)

DISPATCHER = "dispatcher"
DEFAULT_TTL_S = 5.0


def db_now(dialect: str) -> ColumnElement[Any]:
    """The database server's time in seconds since the epoch, as an SQL expression."""
    if dialect == "sqlite":
        return (func.julianday("now") - literal(2440587.5)) * literal(86400.0)
    return cast(func.extract("epoch", func.clock_timestamp()), Float)


class Lease:
    """One process's view of a named lease; ``holder`` is a random id per process."""

    def __init__(self, db: Database, name: str = DISPATCHER, ttl_s: float = DEFAULT_TTL_S,
                 holder: str | None = None) -> None:
        self.db = db
        self.name = name
        self.ttl_s = ttl_s
        self.holder = holder or uuid.uuid4().hex
        # the fencing token of our current tenure, None while we do not hold the lease
        self.token: int | None = None
        self._ensured = False

    @property
    def held(self) -> bool:
        return self.token is not None

    def _ensure_row(self) -> None:
        if self._ensured:
            return
        try:
            with self.db.transaction() as session:
                if session.get(LeaseRow, self.name) is None:
                    session.add(LeaseRow(name=self.name, holder=None, token=0, expires_at=0.0))
        except IntegrityError:  # another replica inserted it first
            pass
        self._ensured = True

    def acquire(self) -> bool:
        """Renew the lease if we hold it, else try to take it. Return whether we hold it now.

        Call it once per dispatcher pass; do the pass only when it returns True.
        """
        self._ensure_row()
        now = db_now(self.db.engine.dialect.name)
        with self.db.transaction() as session:
            if self.token is not None:
                renewed = session.execute(
                    update(LeaseRow)
                    .where(LeaseRow.name == self.name, LeaseRow.holder == self.holder, LeaseRow.token == self.token)
                    .values(expires_at=now + self.ttl_s)
                    .execution_options(synchronize_session=False)
                )
                if renewed.rowcount == 1:  # type: ignore[attr-defined]
                    return True
                log.warning("lease %r lost (token %d); another replica took over", self.name, self.token)
                self.token = None
            taken = session.execute(
                update(LeaseRow)
                .where(LeaseRow.name == self.name,
                       LeaseRow.holder.is_(None) | (LeaseRow.holder == self.holder) | (LeaseRow.expires_at <= now))
                .values(holder=self.holder, token=LeaseRow.token + 1, expires_at=now + self.ttl_s)
                .execution_options(synchronize_session=False)
            )
            if taken.rowcount != 1:  # type: ignore[attr-defined]
                return False
            self.token = session.scalar(select(LeaseRow.token).where(LeaseRow.name == self.name))
        log.info("lease %r acquired by %s with fencing token %s", self.name, self.holder[:8], self.token)
        return True

    def release(self) -> None:
        """Give the lease up (clean shutdown) so a standby takes over on its next pass."""
        if self.token is None:
            return
        token, self.token = self.token, None
        with self.db.transaction() as session:
            session.execute(
                update(LeaseRow)
                .where(LeaseRow.name == self.name, LeaseRow.holder == self.holder, LeaseRow.token == token)
                .values(holder=None, expires_at=0.0)
                .execution_options(synchronize_session=False)
            )

    def lose(self) -> None:
        """Forget our tenure without touching the database (after an error we cannot be sure we still hold it)."""
        self.token = None


class LeaseLost(Exception):
    """Raised at the end of a pass whose tenure ended meanwhile: the pass's transaction rolls back."""


def fence(session: Session, lease: Lease) -> None:
    """The last statement of a pass that wrote something, inside its transaction: check that our tenure is still
    the current one, and lock the lease row until commit (a no-op UPDATE of it).

    A replica that took over before this statement has changed the token, so the pass rolls back (LeaseLost)
    and none of its offers or events exist; one that tries after it waits on the row (PostgreSQL) or the
    database's write lock (SQLite) until this pass has committed, and then sees a lease that is not expired
    only if we renewed it. Either way no two leaders' passes interleave their writes.
    """
    if lease.token is None:
        raise LeaseLost(f"lease {lease.name!r} is not held")
    kept = session.execute(
        update(LeaseRow)
        .where(LeaseRow.name == lease.name, LeaseRow.holder == lease.holder, LeaseRow.token == lease.token)
        .values(token=LeaseRow.token)
        .execution_options(synchronize_session=False)
    )
    if kept.rowcount != 1:  # type: ignore[attr-defined]
        lease.lose()
        raise LeaseLost(f"lease {lease.name!r} was taken over (our token {lease.token})")


def current(db: Database, name: str = DISPATCHER) -> dict[str, Any] | None:
    """The lease row as a dict (for the operations page and tests)."""
    with db.transaction() as session:
        row = session.get(LeaseRow, name)
        if row is None:
            return None
        return {"name": row.name, "holder": row.holder, "token": row.token, "expires_at": row.expires_at}

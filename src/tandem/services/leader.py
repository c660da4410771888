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

import asyncio
import contextlib
import functools
import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import AbstractContextManager, contextmanager
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Float, cast, func, literal, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlalchemy.sql.elements import ColumnElement

from tandem.storage.db import Database
from tandem.storage.models import LeaseRow

if TYPE_CHECKING:
    from tandem.services.context import Work

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
        self._lock = threading.Lock()  # the loops sharing this lease find out about a loss from their own threads

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

    def lose(self, token: int | None = None) -> None:
        """Forget our tenure without touching the database (after an error we cannot be sure we still hold it).

        With `token`, only that tenure: a loop that found it deposed does not forget a newer one another loop
        sharing this lease took meanwhile."""
        with self._lock:
            if token is None or self.token == token:
                self.token = None


class LeaseLost(Exception):
    """Raised at the end of a pass whose tenure ended meanwhile: the pass's transaction rolls back."""


def holds(session: Session, lease: Lease) -> bool:
    """Whether our tenure is still the current one, read in this transaction (the check before a pass)."""
    token = lease.token
    if token is None:
        return False
    return session.scalar(select(LeaseRow.token).where(
        LeaseRow.name == lease.name, LeaseRow.holder == lease.holder, LeaseRow.token == token)) is not None


def fence(session: Session, lease: Lease, renew: bool = False) -> None:
    """Inside a pass's transaction, check that our tenure is still the current one and lock the lease row until
    commit (a no-op UPDATE of it, or with `renew` the renewal). The last statement of a pass that wrote something,
    or the first of a dispatcher pass (`fenced`: from then on nobody can take over until it ends).

    A replica that took over before this statement has changed the token, so the pass rolls back (LeaseLost)
    and none of its offers or events exist; one that tries after it waits on the row (PostgreSQL) or the
    database's write lock (SQLite) until this pass has committed, and then sees a lease that is not expired
    only if we renewed it. Either way no two leaders' passes interleave their writes.
    """
    token = lease.token
    if token is None:
        raise LeaseLost(f"lease {lease.name!r} is not held")
    values: dict[str, Any] = {"token": LeaseRow.token}
    if renew:  # the renewal commits with the pass: a pass that fails does not extend the tenure
        values = {"expires_at": db_now(session.get_bind().dialect.name) + lease.ttl_s}
    kept = session.execute(
        update(LeaseRow)
        .where(LeaseRow.name == lease.name, LeaseRow.holder == lease.holder, LeaseRow.token == token)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    if kept.rowcount != 1:  # type: ignore[attr-defined]
        lease.lose(token)
        raise LeaseLost(f"lease {lease.name!r} was taken over (our token {token})")


@contextmanager
def fenced(session: Session, lease: Lease, renew: bool = False) -> Iterator[None]:
    """Bracket a leader's transaction: LeaseLost before anything ran if our tenure is not current (and the lease
    is then known lost), and no commit of anything if a replica took over meanwhile.

    With `renew` (the dispatcher, which owns the lease) that is one statement, the first: `fence`, renewing the
    lease. Its conditional UPDATE of the lease row on our token both checks the tenure and locks the row until
    this transaction ends, so a replica trying to take over waits on the row lock (PostgreSQL) or the database's
    write lock (SQLite) until the pass has committed or rolled back, and then finds a lease that has not expired:
    nobody can take the lease while the pass runs, and no statement is needed at its end. (Until 4 Dec 2026 it
    was a SELECT of the token first and the UPDATE last: two statements per pass.) A pass that fails rolls its
    renewal back with everything else.

    Without `renew` (the surge loop and the quality monitor, whose passes may be long) the token is read first
    and the row locked only at the end (`fence`), so their passes do not hold up the dispatcher's."""
    if renew:
        fence(session, lease, renew=True)
        yield
        return
    token = lease.token
    if not holds(session, lease):
        lease.lose(token)
        raise LeaseLost(f"lease {lease.name!r} is no longer ours (token {token})")
    yield
    fence(session, lease)


T = TypeVar("T")


class LeaderLoop:
    """The one runner for work only the lease holder may do: dispatcher passes, the surge computation and the
    quality monitor (services/dispatch.py, services/surge.py, api/routes_quality.py).

    Every replica runs each loop; a pass runs every `interval_s`, or sooner after `poke()`, on the loop's own
    thread (never waiting behind request handlers for a worker thread), and only while this process holds the
    lease. The `owner` loop (the dispatcher) takes the lease when it does not hold it and renews it with every
    pass; the others only run while the owner holds it. The step gets `unit`, a unit-of-work factory whose every
    transaction is fenced (`fenced`): it checks the lease in the database before anything else, so a leader
    deposed while it slept (its `lease.held` still true in memory) runs nothing, and it fences at the end, so a
    leader deposed during the pass rolls the transaction back. A failing pass is logged and retried next time.
    """

    def __init__(self, name: str, lease: Lease | None, interval_s: float,
                 step: Callable[[Callable[[], AbstractContextManager[Work]]], object],
                 work: Callable[[], AbstractContextManager[Work]], *, owner: bool = False,
                 on_tenure: Callable[[], None] | None = None) -> None:
        self.name = name
        self.lease = lease
        self.interval_s = interval_s
        self.step = step
        self._work = work
        self.owner = owner
        self.on_tenure = on_tenure
        self._tenure: int | None = None
        self._renewed = False
        self._wake: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._task: asyncio.Task[None] | None = None
        self._thread: ThreadPoolExecutor | None = None

    @contextmanager
    def unit(self) -> Iterator[Work]:
        """One fenced transaction of a pass (a plain one without a lease)."""
        with self._work() as work:
            if self.lease is None:
                yield work
                return
            with fenced(work.session, self.lease, renew=self.owner):
                yield work
            self._renewed = self._renewed or self.owner

    def run_once(self) -> bool:
        """One pass, if this process leads; True if the step ran to the end. Synchronous (tests call it)."""
        lease = self.lease
        if lease is not None:
            if self.owner and not lease.held:
                try:
                    lease.acquire()  # a standby tries to take over; it runs the pass at once if it did
                except Exception:  # unsure whether we hold it: do not run, try again next time
                    lease.lose()
                    raise
            if not lease.held:
                return False  # a standby: another replica leads
            if lease.token != self._tenure:  # a new tenure: what the step kept in memory may be stale
                self._tenure = lease.token
                if self.on_tenure is not None:
                    self.on_tenure()
        self._renewed = False
        try:
            self.step(self.unit)
        except LeaseLost as lost:  # deposed before or during the pass: nothing of it was committed
            log.warning("%s pass not run or rolled back: %s", self.name, lost)
            return False
        if lease is not None and self.owner and not self._renewed and lease.held:
            lease.acquire()  # the step opened no transaction: renew the lease on its own
        return True

    def start(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._thread = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"tandem-{self.name}")
        self._task = asyncio.create_task(self._run())

    def poke(self) -> None:
        """Ask for a pass soon; safe from any thread."""
        if self._loop is not None and self._wake is not None:
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._wake.set)

    async def off_loop(self, fn: Callable[..., T], *args: Any) -> T:
        """Run fn on this loop's own thread."""
        assert self._loop is not None and self._thread is not None
        return await self._loop.run_in_executor(self._thread, functools.partial(fn, *args))

    async def _run(self) -> None:
        assert self._wake is not None
        while True:
            with contextlib.suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self.interval_s)
            self._wake.clear()
            try:
                await self.off_loop(self.run_once)
            except Exception:  # a database hiccup: retried on the next interval
                log.exception("%s pass failed", self.name)

    async def stop(self) -> None:
        """Stop the loop; the owner hands the lease over at once instead of after the TTL."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        if self.owner and self.lease is not None and self.lease.held:
            with contextlib.suppress(Exception):
                await self.off_loop(self.lease.release)
        if self._thread is not None:
            self._thread.shutdown(wait=False)
            self._thread = None


def current(db: Database, name: str = DISPATCHER) -> dict[str, Any] | None:
    """The lease row as a dict (for the operations page and tests)."""
    with db.transaction() as session:
        row = session.get(LeaseRow, name)
        if row is None:
            return None
        return {"name": row.name, "holder": row.holder, "token": row.token, "expires_at": row.expires_at}

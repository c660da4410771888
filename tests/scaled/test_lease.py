"""The dispatcher lease on SQLite and PostgreSQL: one holder at a time; expiry hands over with a higher token."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest

from tandem.services.leader import Lease, current
from tandem.storage.db import Database, migrate

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def db(db_url: str) -> Iterator[Database]:
    database = Database(db_url)
    migrate(database.engine)
    yield database
    database.dispose()


def test_two_holders_only_one_wins_and_renewal_keeps_the_token(db: Database) -> None:
    a, b = Lease(db, "t", ttl_s=30), Lease(db, "t", ttl_s=30)
    assert a.acquire() is True
    assert b.acquire() is False
    assert a.acquire() is True and b.acquire() is False  # renewals keep it
    assert a.token == 1 and b.token is None
    row = current(db, "t")
    assert row is not None and row["holder"] == a.holder and row["token"] == 1


def test_expiry_hands_over_with_a_higher_fencing_token(db: Database) -> None:
    a, b = Lease(db, "t", ttl_s=0.4), Lease(db, "t", ttl_s=0.4)
    assert a.acquire() and a.token == 1
    assert not b.acquire()
    time.sleep(0.6)  # a stops renewing (a frozen or killed process)
    assert b.acquire() and b.token == 2
    assert not a.acquire() and a.token is None  # the old holder learns it lost and stops
    b.release()  # a clean shutdown hands over at once, again with a higher token
    assert a.acquire() and a.token == 3


def test_concurrent_acquire_has_exactly_one_winner(db: Database) -> None:
    leases = [Lease(db, "race", ttl_s=30) for _ in range(8)]
    leases[0].acquire()
    leases[0].release()  # the row exists and is free: everybody races for it
    barrier = threading.Barrier(len(leases))
    results: list[bool] = [False] * len(leases)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = leases[i].acquire()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(leases))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sum(results) == 1
    winner = leases[results.index(True)]
    assert winner.token == 2 and current(db, "race")["holder"] == winner.holder  # type: ignore[index]

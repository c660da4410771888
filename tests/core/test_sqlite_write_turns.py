"""Embedded SQLite: writers in one process take turns on a lock instead of SQLite's sleeping busy handler."""

from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import text

from tandem.storage.db import Database, write_turns


def _db(tmp_path: Path, name: str) -> Database:
    db = Database(f"sqlite:///{tmp_path / name}")
    with db.transaction() as s:
        s.execute(text("CREATE TABLE t (v INTEGER)"))
    return db


def test_a_second_writer_waits_for_the_first_to_commit_while_readers_go_on(tmp_path: Path) -> None:
    db = _db(tmp_path, "a.db")
    turns = write_turns(db.url)
    wrote, release, order = threading.Event(), threading.Event(), []

    def first() -> None:
        with db.transaction() as s:
            s.execute(text("INSERT INTO t VALUES (1)"))
            wrote.set()
            release.wait(10)
            order.append("first commits")

    def second() -> None:
        with db.transaction() as s:
            s.execute(text("INSERT INTO t VALUES (2)"))
            order.append("second wrote")

    a = threading.Thread(target=first)
    a.start()
    assert wrote.wait(10)
    with db.transaction() as s:  # a reader is not held up by the writer's turn
        assert s.execute(text("SELECT count(*) FROM t")).scalar() == 0
    b = threading.Thread(target=second)
    b.start()
    b.join(0.3)
    assert b.is_alive() and order == []  # queued on the turn, not failing with "database is locked"
    release.set()
    a.join(10)
    b.join(10)
    assert order == ["first commits", "second wrote"]
    with db.transaction() as s:
        assert s.execute(text("SELECT v FROM t ORDER BY v")).scalars().all() == [1, 2]
    assert turns._lock.acquire(blocking=False)  # every turn was given back
    turns._lock.release()


def test_a_failed_transaction_gives_its_turn_back_and_other_files_never_wait(tmp_path: Path) -> None:
    db, other = _db(tmp_path, "a.db"), _db(tmp_path, "b.db")
    try:
        with db.transaction() as s:
            s.execute(text("INSERT INTO t VALUES (1)"))
            with other.transaction() as o:  # another file has its own turns: no wait while this one writes
                o.execute(text("INSERT INTO t VALUES (9)"))
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    done = threading.Event()

    def write() -> None:
        with db.transaction() as s:
            s.execute(text("INSERT INTO t VALUES (2)"))
        done.set()

    threading.Thread(target=write).start()
    assert done.wait(10)
    with db.transaction() as s:
        assert s.execute(text("SELECT v FROM t")).scalars().all() == [2]  # the failed write was rolled back

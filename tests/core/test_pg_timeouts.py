"""A PostgreSQL server that accepts connections but never answers: connecting gives up in seconds, not never."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy.exc import OperationalError

from tandem.storage.db import PG_CONNECT_DEFAULTS, Database


@pytest.fixture
def black_hole() -> Iterator[int]:
    """A TCP port that accepts connections and never sends a byte (a hung database or a dead network path)."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []

    def accept() -> None:
        while True:
            try:
                held.append(server.accept()[0])
            except OSError:
                return

    threading.Thread(target=accept, daemon=True).start()
    yield int(server.getsockname()[1])
    server.close()
    for conn in held:
        conn.close()


def _ping_seconds(url: str) -> float:
    db = Database(url)
    started = time.monotonic()
    try:
        with pytest.raises(OperationalError):
            db.ping()
        return time.monotonic() - started
    finally:
        db.dispose()


def test_connecting_to_a_silent_server_gives_up_after_the_default_timeout(black_hole: int) -> None:
    took = _ping_seconds(f"postgresql+psycopg://postgres@127.0.0.1:{black_hole}/x")
    # it gives up (without a timeout it waits forever), and at the default, not at some other limit
    assert PG_CONNECT_DEFAULTS["connect_timeout"] - 0.5 <= took < PG_CONNECT_DEFAULTS["connect_timeout"] + 10


def test_the_urls_own_connect_timeout_wins(black_hole: int) -> None:
    took = _ping_seconds(f"postgresql+psycopg://postgres@127.0.0.1:{black_hole}/x?connect_timeout=1")
    assert took < PG_CONNECT_DEFAULTS["connect_timeout"] - 0.5  # 1 s from the URL, not the 5 s default

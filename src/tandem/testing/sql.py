"""Count what a block of code sends to the database (for tests that pin the statements of a hot path)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine


@contextmanager
def statements(engine: Engine | Any) -> Iterator[list[str]]:
    """Yield a list that receives the SQL of every statement the engine executes inside the block."""
    seen: list[str] = []

    def record(_conn: Any, _cursor: Any, sql: str, *_args: Any) -> None:
        seen.append(sql)

    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def selects(sql: list[str]) -> list[str]:
    """The SELECT statements among them."""
    return [s for s in sql if s.lstrip().upper().startswith("SELECT")]

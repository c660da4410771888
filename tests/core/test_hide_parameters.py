"""Database errors never carry bound parameters (message text, emails) into logs (issue 14, finding 15)."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tandem.storage.db import Database


def test_errors_hide_bound_parameters(db_url: str) -> None:
    db = Database(db_url)
    try:
        with pytest.raises(DBAPIError) as caught, db.engine.connect() as conn:
            conn.execute(text("SELECT body FROM no_such_table WHERE body = :b"), {"b": "my secret message"})
        assert "my secret message" not in str(caught.value)
        assert "hidden" in str(caught.value)
    finally:
        db.dispose()

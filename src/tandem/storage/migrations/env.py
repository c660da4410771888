"""Alembic environment: runs migrations on the connection handed in by tandem.storage.db.migrate."""

from __future__ import annotations

from alembic import context

from tandem.storage import load_all_models
from tandem.storage.models import Base

load_all_models()

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("run migrations through tandem.storage.db.migrate (or `tandem migrate`)")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()

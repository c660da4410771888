"""Storage adapter: SQLAlchemy models (one module per domain, `models*.py`) and Alembic migrations."""

from __future__ import annotations

import importlib
import pkgutil


def load_all_models() -> None:
    """Import every `models*.py` module of this package so Base.metadata knows every table."""
    for info in pkgutil.iter_modules(__path__):
        if info.name.startswith("models"):
            importlib.import_module(f"{__name__}.{info.name}")

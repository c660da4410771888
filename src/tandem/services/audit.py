"""Audit log: who read or changed what, append-only."""

from __future__ import annotations

from typing import Any

from tandem.services.context import Work
from tandem.storage.models import AuditEntry


def record(work: Work, *, actor: str, action: str, subject: str, **detail: Any) -> None:
    """Append one audit entry in the caller's transaction."""
    work.session.add(AuditEntry(at=work.now, actor=actor, action=action, subject=subject, detail=detail))

"""Audit log: who read or changed what, append-only."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from tandem.services.context import Work
from tandem.storage.models import AuditEntry


def record(work: Work, *, actor: str, action: str, subject: str, **detail: Any) -> None:
    """Append one audit entry in the caller's transaction."""
    work.session.add(AuditEntry(at=work.now, actor=actor, action=action, subject=subject, detail=detail))


@dataclass(frozen=True, slots=True)
class AuditQuery:
    """Filters for reading the log: exact actor, subject and action; a half-open time range [since, until)."""

    actor: str | None = None
    subject: str | None = None
    action: str | None = None
    since: float | None = None
    until: float | None = None


def query(work: Work, q: AuditQuery, *, limit: int,
          before_id: int | None = None) -> tuple[list[AuditEntry], int | None]:
    """Newest first, one page; return the entries and the cursor (an id) for the next page, None at the end."""
    stmt = select(AuditEntry)
    if q.actor is not None:
        stmt = stmt.where(AuditEntry.actor == q.actor)
    if q.subject is not None:
        stmt = stmt.where(AuditEntry.subject == q.subject)
    if q.action is not None:
        stmt = stmt.where(AuditEntry.action == q.action)
    if q.since is not None:
        stmt = stmt.where(AuditEntry.at >= q.since)
    if q.until is not None:
        stmt = stmt.where(AuditEntry.at < q.until)
    if before_id is not None:
        stmt = stmt.where(AuditEntry.id < before_id)
    rows = list(work.session.scalars(stmt.order_by(AuditEntry.id.desc()).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit]
    return rows, (rows[-1].id if more and rows else None)

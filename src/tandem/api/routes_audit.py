"""The audit log, read by supervisors: who read or changed what, filtered and paginated (newest first)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from tandem.api.deps import ServicesDep, SupervisorDep
from tandem.core.errors import InvalidInput
from tandem.services import audit

router = APIRouter(prefix="/api/audit", tags=["audit"])


class AuditEntryView(BaseModel):
    """One audit entry: when, who (an agent id, or a digest for a failed login), what, on which subject."""

    id: int
    at: float = Field(description="Unix time (seconds)")
    actor: str
    action: str = Field(description="e.g. agent.login, agent.login_failed, conversation.claim, transcript.read")
    subject: str = Field(description="what the action was on: a conversation, an agent, a customer_ref, ...")
    detail: dict[str, Any]


class AuditPage(BaseModel):
    """One page of entries, newest first; pass next_cursor as `cursor` for the next (older) page."""

    entries: list[AuditEntryView]
    next_cursor: int | None = Field(description="null on the last page")


@router.get("", response_model=AuditPage, summary="Read the audit log (supervisors only; the read is audited)")
def read_audit(supervisor: SupervisorDep, services: ServicesDep,
               actor: str | None = Query(None, min_length=1, max_length=80),
               subject: str | None = Query(None, min_length=1, max_length=80),
               action: str | None = Query(None, min_length=1, max_length=64),
               since: float | None = Query(None, ge=0, description="from this Unix time, inclusive"),
               until: float | None = Query(None, ge=0, description="before this Unix time, exclusive"),
               limit: int = Query(100, ge=1, le=500),
               cursor: int | None = Query(None, ge=1, description="next_cursor of the previous page")) -> AuditPage:
    if since is not None and until is not None and until <= since:
        raise InvalidInput("until must be after since")
    q = audit.AuditQuery(actor=actor, subject=subject, action=action, since=since, until=until)
    with services.work() as work:
        rows, next_cursor = audit.query(work, q, limit=limit, before_id=cursor)
        page = AuditPage(entries=[AuditEntryView(id=r.id, at=r.at, actor=r.actor, action=r.action,
                                                 subject=r.subject, detail=dict(r.detail or {})) for r in rows],
                         next_cursor=next_cursor)
        # recorded after the query, so a page never contains its own read
        filters = {"actor": actor, "subject": subject, "action": action, "since": since, "until": until}
        audit.record(work, actor=supervisor.id, action="audit.read", subject="audit_log",
                     filters={k: v for k, v in filters.items() if v is not None})
    return page

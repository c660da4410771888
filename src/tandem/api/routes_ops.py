"""Operations endpoints for supervisors: conversations by state, queue, agents online."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from sqlalchemy import func, select

from tandem.api.deps import ServicesDep, SupervisorDep
from tandem.api.responses import OpsSummary
from tandem.domain.presence import Presence
from tandem.services import conversations, queue
from tandem.services.context import Work
from tandem.storage.models import Agent, Conversation

router = APIRouter(prefix="/api/ops", tags=["operations"])


def summary(work: Work, default_handle_s: float) -> dict[str, Any]:
    """Live operations figures from the database."""
    waiting = queue.waiting(work)
    waits = sorted(work.now - h.queued_since for h in waiting)
    presence = dict(work.session.execute(select(Agent.presence, func.count()).group_by(Agent.presence)).all())
    online = list(work.session.scalars(select(Agent).where(Agent.presence != Presence.OFFLINE.value)))
    rated = work.session.execute(select(func.avg(Conversation.rating), func.count(Conversation.rating))).one()
    return {
        "now": work.now,
        "conversations": conversations.count_by_state(work),
        "queue": {
            "length": len(waiting),
            "longest_wait_s": round(waits[-1], 1) if waits else 0.0,
            "median_wait_s": round(waits[len(waits) // 2], 1) if waits else 0.0,
            "mean_handle_s": round(queue.mean_handle_seconds(work, default_handle_s), 1),
        },
        "agents": {
            "available": int(presence.get(Presence.AVAILABLE.value, 0)),
            "away": int(presence.get(Presence.AWAY.value, 0)),
            "online": [{"id": a.id, "name": a.name, "presence": a.presence, "load": a.load,
                        "capacity": a.capacity, "languages": a.languages} for a in online],
        },
        "csat": {"mean": round(float(rated[0]), 2) if rated[0] is not None else None, "ratings": int(rated[1])},
    }


@router.get("/summary", response_model=OpsSummary,
            summary="Conversations by state, queue length and waits, agents online")
def ops_summary(_: SupervisorDep, services: ServicesDep) -> dict[str, Any]:
    with services.work() as work:
        return summary(work, services.settings.assumed_handle_time_s)

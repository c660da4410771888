"""The human queue: a request for a human always becomes a persisted queue entry (a Handoff)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import and_, case, func, or_, select, update

from tandem.core.i18n import _t, format_duration
from tandem.core.ids import new_id
from tandem.domain.conversation import ConversationState
from tandem.domain.presence import Presence
from tandem.engines.assistant.escalation import EscalationReason
from tandem.services import conversations
from tandem.services.context import ROOM_ONLY, Work
from tandem.storage.models import Agent, Conversation, Handoff

WAITING = "waiting"
ASSIGNED = "assigned"
ABANDONED = "abandoned"
CLOSED = "closed"


def routed_topic(work: Work, conv: Conversation, topic: str | None) -> str:
    """The configured topic a queue entry is routed by: the company's intent mapping first, then the topic the
    assistant named if the company has it; else the configured general topic (never one the company lacks, or
    no agent could ever be eligible)."""
    mapped = work.settings.intents.topics.get(conv.intent or "")
    if mapped is not None:
        return mapped
    named = topic or conv.topic
    return named if named in work.settings.topic_names else work.settings.general_topic


def request_human(work: Work, conv: Conversation, *, reason: EscalationReason, topic: str | None = None,
                  note: str | None = None, queued_since: float | None = None,
                  detected_by: str | None = None, detection_score: float | None = None) -> Handoff:
    """Queue the conversation for a human; idempotent while a request is already open."""
    return open_request(work, conv, reason=reason, topic=topic, note=note, queued_since=queued_since,
                        detected_by=detected_by, detection_score=detection_score)[0]


def open_request(work: Work, conv: Conversation, *, reason: EscalationReason, topic: str | None = None,
                 note: str | None = None, queued_since: float | None = None, detected_by: str | None = None,
                 detection_score: float | None = None, take_seq: bool = False) -> tuple[Handoff, int | None]:
    """`request_human`, and with `take_seq` the message number its conversation UPDATE took for the caller's next
    message (None when the request was already open: nothing was written)."""
    open_entry = open_handoff(work, conv.id)
    if open_entry is not None:
        return open_entry, None
    entry = Handoff(
        id=new_id("hand"), conversation_id=conv.id, reason=reason, topic=routed_topic(work, conv, topic),
        language=conv.language, priority=conv.priority, status=WAITING, requested_at=work.now,
        queued_since=queued_since if queued_since is not None else work.now, note=note,
        detected_by=detected_by, detection_score=detection_score,
    )
    work.session.add(entry)
    seq = conversations.transition(
        work, conv, ConversationState.WAITING_HUMAN, take_seq=take_seq, waiting_since=entry.queued_since,
        escalation_reason=reason, assignee_id=None,
    )
    work.session.flush()
    work.emit("queue", {"type": "queue.changed", "conversation_id": conv.id,
                        "cells": [[entry.topic, entry.language]]})
    return entry, seq


def open_handoff(work: Work, conversation_id: str) -> Handoff | None:
    """Return the conversation's waiting or assigned queue entry, if any."""
    return work.session.scalars(
        select(Handoff).where(Handoff.conversation_id == conversation_id, Handoff.status.in_([WAITING, ASSIGNED]))
    ).first()


def waiting(work: Work, limit: int = 500) -> list[Handoff]:
    """Waiting entries, highest priority first, then longest wait."""
    stmt = (
        select(Handoff)
        .where(Handoff.status == WAITING)
        .order_by(Handoff.priority.desc(), Handoff.queued_since, Handoff.id)
        .limit(limit)
    )
    return list(work.session.scalars(stmt))


def position(work: Work, entry: Handoff) -> int:
    """1-based place in the queue among entries served before this one."""
    ahead = work.session.scalar(
        select(func.count()).select_from(Handoff).where(
            Handoff.status == WAITING,
            or_(
                Handoff.priority > entry.priority,
                and_(Handoff.priority == entry.priority, Handoff.queued_since < entry.queued_since),
            ),
        )
    )
    return int(ahead or 0) + 1


@dataclass(frozen=True, slots=True)
class WaitEstimate:
    position: int
    eta_seconds: float | None
    agents_online: int
    explanation: str
    text: str  # position, wait and explanation in one sentence, in the conversation's language

    def view(self) -> dict[str, Any]:
        """The queue status a customer client shows."""
        return {"position": self.position, "eta_seconds": self.eta_seconds, "agents_online": self.agents_online,
                "explanation": self.explanation, "text": self.text}


def estimate(work: Work, entry: Handoff, default_handle_s: float, language: str | None = None) -> WaitEstimate:
    """An honest wait estimate: from queue position, online capacity and recent handle times.

    Its words are in `language` (the conversation's current language; the queue entry's when not given)."""
    lang = language or entry.language
    pos = position(work, entry)
    online, capacity, free, handle = _floor(work, default_handle_s)
    place = _t(lang, "You are number {position} in the queue for a person.", position=pos)
    if not online:
        why = _t(lang, "No agent is online right now. You keep your place in the queue and we have alerted our "
                 "on-demand team; we will tell you as soon as someone joins.")
        return WaitEstimate(pos, None, 0, why, f"{place} {why}")
    # each finishing conversation frees a slot; slots free at about capacity/handle per second
    eta = 15.0 if pos <= free else 15.0 + (pos - free) * handle / max(1, capacity)
    why = _t(lang, "Agents online: {count}.", count=int(online))  # no plural forms to get wrong
    wait = _t(lang, "Estimated wait: about {duration}.", duration=format_duration(eta, lang))
    return WaitEstimate(pos, round(eta), int(online), why, f"{place} {wait} {why}")


# The floor every wait estimate reads (available agents, their chat slots and free slots, the mean handle time) is
# shared by the estimates of one database for FLOOR_TTL_S of its clock. Each part is an aggregate over every
# available agent or every conversation closed in the last day: at 20 escalations a second and 10,000 agents,
# computing them for every handoff answer and status frame was one of the largest costs of a handoff (profiled).
FLOOR_TTL_S = 1.0
_FLOORS: WeakKeyDictionary[Any, tuple[float, float, tuple[int, int, int, float]]] = WeakKeyDictionary()


def _floor(work: Work, default_handle_s: float) -> tuple[int, int, int, float]:
    """(agents available, their chat slots, free slots, mean handle seconds), at most FLOOR_TTL_S old."""
    engine = work.session.get_bind()
    kept = _FLOORS.get(engine)
    if kept is not None and kept[1] == default_handle_s and 0 <= work.now - kept[0] < FLOOR_TTL_S:
        return kept[2]
    online, capacity, free = work.session.execute(select(
        func.count(), func.coalesce(func.sum(Agent.capacity), 0),
        func.coalesce(func.sum(case((Agent.capacity > Agent.load, Agent.capacity - Agent.load), else_=0)), 0),
    ).where(Agent.presence == Presence.AVAILABLE.value)).one()
    floor = (int(online), int(capacity), int(free), mean_handle_seconds(work, default_handle_s) if online else 0.0)
    _FLOORS[engine] = (work.now, default_handle_s, floor)
    return floor


def mean_handle_seconds(work: Work, default: float, window_s: float = 24 * 3600) -> float:
    """Mean human handling time over the last day, or the configured assumption with no history."""
    value = work.session.scalar(
        select(func.avg(Conversation.closed_at - Conversation.assigned_at)).where(
            Conversation.assigned_at.is_not(None),
            Conversation.closed_at.is_not(None),
            Conversation.closed_at > work.now - window_s,
        )
    )
    return float(value) if value else default


def close_entry(work: Work, conversation_id: str, status: str) -> None:
    """Close the conversation's open queue entry with a final status: one conditional UPDATE (it was a SELECT of
    the entry, then its UPDATE at flush); an entry object this session holds is updated with it."""
    closed = work.session.execute(
        update(Handoff).where(Handoff.conversation_id == conversation_id, Handoff.status.in_([WAITING, ASSIGNED]))
        .values(status=status, closed_at=work.now).returning(Handoff.topic, Handoff.language)).all()
    if closed:
        work.emit("queue", {"type": "queue.changed", "conversation_id": conversation_id, "dispatch": ROOM_ONLY,
                            "cells": cells(closed)})


def cells(rows: Iterable[Any]) -> list[list[str | None]]:
    """The (topic, language) cells of queue entries, for a queue event's "cells": who the change concerns
    (api/ws.py sends its hint only to the consoles of agents who could take work in one of them). An event
    without "cells" concerns everyone. `rows`: (topic, language) pairs or rows."""
    return [list(cell) for cell in dict.fromkeys((topic, language) for topic, language in rows)]


def queue_view(entry: Handoff, conv: Conversation) -> dict[str, Any]:
    """What an agent sees of a waiting entry: no customer data beyond what routing needs."""
    return {
        "conversation_id": conv.id, "reason": entry.reason, "topic": entry.topic, "language": entry.language,
        "priority": entry.priority, "waiting_since": entry.queued_since, "intent": conv.intent,
        "state": conv.state,
    }

"""Which agents and conversations a transaction changed, as far as routing is concerned.

ORM changes are found at flush (a listener on every Session); bulk UPDATE statements call `Work.touch`
themselves. Only the columns routing reads count, so a message appended to a conversation (which bumps
`last_seq`) does not make the dispatcher reload it.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from tandem.storage.models import Agent, AgentSkill, Conversation, Handoff, Offer

AGENT_COLUMNS = ("presence", "capacity", "languages", "active")
CONVERSATION_COLUMNS = ("state", "assignee_id", "topic", "language", "priority", "waiting_since")
HANDOFF_COLUMNS = ("status", "topic", "language", "priority", "queued_since")
OFFER_COLUMNS = ("state", "answered_at")


def _changed(obj: Any, columns: tuple[str, ...]) -> bool:
    attrs = inspect(obj).attrs
    return any(attrs[c].history.has_changes() for c in columns)


@event.listens_for(Session, "before_flush")
def _collect(session: Session, _context: Any, _instances: Any) -> None:
    work = session.info.get("work")
    if work is None:
        return
    for obj in session.new:
        _note(work, obj, new=True)
    for obj in session.dirty:
        _note(work, obj, new=False)
    for obj in session.deleted:
        _note(work, obj, new=True)


def _note(work: Any, obj: Any, *, new: bool) -> None:
    if isinstance(obj, Conversation):
        if new or _changed(obj, CONVERSATION_COLUMNS):
            work.touch(conversation=obj.id)
    elif isinstance(obj, Handoff):
        if new or _changed(obj, HANDOFF_COLUMNS):
            work.touch(conversation=obj.conversation_id)
    elif isinstance(obj, Offer):
        if new:  # a new offer also moves its agent's last offer time (fairness), even a transfer's record
            work.touch(agent=obj.agent_id, conversation=obj.conversation_id)
        elif _changed(obj, OFFER_COLUMNS):
            work.touch(conversation=obj.conversation_id)
    elif isinstance(obj, Agent):
        if new or _changed(obj, AGENT_COLUMNS):
            work.touch(agent=obj.id)
    elif isinstance(obj, AgentSkill):
        work.touch(agent=obj.agent_id)

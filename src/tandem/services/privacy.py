"""Per-customer export and erasure (GDPR articles 15, 17 and 20).

Erasure scrubs personal data in place rather than deleting rows: message bodies, names, comments, summaries
and the customer reference are removed, while counts, timings, ratings and pay records stay so that
metrics and the agents' earnings ledger keep adding up.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from tandem.services import audit, conversations
from tandem.services.context import Work
from tandem.storage.models import Conversation, Handoff, Message
from tandem.storage.models_workbench import ReplySuggestion, Whisper

ERASED = "[erased at the customer's request]"


def customer_conversations(work: Work, customer_ref: str) -> list[Conversation]:
    return list(work.session.scalars(
        select(Conversation).where(Conversation.customer_ref == customer_ref).order_by(Conversation.created_at)))


def export(work: Work, customer_ref: str, actor: str) -> dict[str, Any]:
    """Everything Tandem holds about one customer, as JSON-ready data."""
    convs = customer_conversations(work, customer_ref)
    audit.record(work, actor=actor, action="privacy.export", subject=customer_ref, conversations=len(convs))
    return {
        "customer_ref": customer_ref,
        "conversations": [
            {**conversations.conversation_view(c), "summary": c.summary, "rating_comment": c.rating_comment,
             "messages": [conversations.message_view(m) for m in conversations.messages_after(work, c.id, 0, 100_000)]}
            for c in convs
        ],
    }


def erase(work: Work, customer_ref: str, actor: str) -> int:
    """Scrub the customer's personal data from every conversation; return how many were scrubbed."""
    ids = [c.id for c in customer_conversations(work, customer_ref)]
    if ids:
        # texts derived from the conversation elsewhere: reply drafts, whispers, queue-entry notes
        work.session.execute(update(ReplySuggestion).where(ReplySuggestion.conversation_id.in_(ids))
                             .values(body=ERASED).execution_options(synchronize_session=False))
        work.session.execute(update(Whisper).where(Whisper.conversation_id.in_(ids))
                             .values(body=ERASED).execution_options(synchronize_session=False))
        work.session.execute(update(Handoff).where(Handoff.conversation_id.in_(ids), Handoff.note.is_not(None))
                             .values(note=ERASED).execution_options(synchronize_session=False))
        work.session.execute(update(Message).where(Message.conversation_id.in_(ids))
                             .values(body=ERASED, meta={}).execution_options(synchronize_session=False))
        work.session.execute(update(Conversation).where(Conversation.id.in_(ids))
                             .values(customer_ref=None, customer_name=None, rating_comment=None, summary=None)
                             .execution_options(synchronize_session=False))
    audit.record(work, actor=actor, action="privacy.erase", subject=customer_ref, conversations=len(ids))
    return len(ids)

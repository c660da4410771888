"""Per-customer export and erasure (GDPR articles 15, 17 and 20).

Erasure scrubs personal data in place rather than deleting rows: message bodies, names, comments, summaries,
what the assistant understood (intent, topic, sentiment, escalation reason), QA comments, pay-ledger notes and
the customer reference are removed, and audit rows keep a pseudonym instead of the reference and lose order
ids; counts, timings, ratings and pay amounts stay so that metrics and the agents' earnings ledger keep adding
up. Open chats are closed and their tokens stop working. The account backend's own log is scrubbed by the
backend (`erase_customer_log`, if it has one), after this transaction.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, update

from tandem.core.errors import NotFound
from tandem.core.ids import token_digest
from tandem.domain.conversation import ConversationState
from tandem.services import audit, conversations, dispatch, queue
from tandem.services.context import Work
from tandem.storage.models import AuditEntry, Conversation, Handoff, Message
from tandem.storage.models_quality import ReviewScore, ReviewTask
from tandem.storage.models_workbench import ReplySuggestion, Whisper
from tandem.storage.models_workforce import LedgerEntry

ERASED = "[erased at the customer's request]"
REVOKED = "revoked"  # a token digest no token hashes to


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


def pseudonym(value: str) -> str:
    """A stable stand-in for an erased identifier: proves which request was honoured without storing it."""
    return "erased:" + token_digest(value)[:16]


def erase(work: Work, customer_ref: str, actor: str) -> int:
    """Scrub the customer's personal data from every conversation; return how many were scrubbed."""
    convs = customer_conversations(work, customer_ref)
    _scrub(work, convs, actor)
    # earlier audit rows about this reference (exports, an earlier erasure) keep a pseudonym instead
    work.session.execute(update(AuditEntry).where(AuditEntry.subject == customer_ref)
                         .values(subject=pseudonym(customer_ref)).execution_options(synchronize_session=False))
    audit.record(work, actor=actor, action="privacy.erase", subject=pseudonym(customer_ref), conversations=len(convs))
    return len(convs)


def erase_conversation(work: Work, conversation_id: str, token: str, actor: str) -> int:
    """Erase one chat found by its id and the customer's token: how an anonymous customer is found."""
    conv = work.session.get(Conversation, conversation_id)
    if conv is None or conv.token_digest != token_digest(token):
        raise NotFound("no conversation with this id and token", conversation_id=conversation_id)
    _scrub(work, [conv], actor)
    audit.record(work, actor=actor, action="privacy.erase", subject=conv.id, conversations=1, found_by="token")
    return 1


# audit-detail keys that may carry what the customer said or which order was theirs
_PERSONAL_DETAIL = ("order_id", "note", "amount", "reason", "previous_agent")


def _scrub(work: Work, convs: list[Conversation], actor: str) -> None:
    """Close what is open, revoke tokens, and blank every text or label derived from these conversations."""
    if not convs:
        return
    for conv in convs:
        _close(work, conv)
    ids = [c.id for c in convs]
    ex = {"synchronize_session": False}
    # texts derived from the conversation elsewhere: reply drafts, whispers, queue-entry notes, QA comments,
    # pay-ledger notes
    work.session.execute(update(ReplySuggestion).where(ReplySuggestion.conversation_id.in_(ids))
                         .values(body=ERASED, article_id=None).execution_options(**ex))
    work.session.execute(update(Whisper).where(Whisper.conversation_id.in_(ids))
                         .values(body=ERASED).execution_options(**ex))
    work.session.execute(update(Handoff).where(Handoff.conversation_id.in_(ids), Handoff.note.is_not(None))
                         .values(note=ERASED).execution_options(**ex))
    tasks = select(ReviewTask.id).where(ReviewTask.conversation_id.in_(ids))
    work.session.execute(update(ReviewScore).where(ReviewScore.task_id.in_(tasks), ReviewScore.comment.is_not(None))
                         .values(comment=ERASED).execution_options(**ex))
    work.session.execute(update(ReviewTask).where(ReviewTask.conversation_id.in_(ids))
                         .values(intent=None).execution_options(**ex))
    noted = set(work.session.scalars(select(LedgerEntry.id).where(LedgerEntry.conversation_id.in_(ids),
                                                                   LedgerEntry.note.is_not(None))))
    if noted:  # the ledger refuses every other change (migration ledger_note_erasure_1)
        work.session.execute(update(LedgerEntry).where(LedgerEntry.id.in_(noted))
                             .values(note=ERASED).execution_options(**ex))
        # the audit row of each such adjustment repeats its note
        for row in work.session.scalars(select(AuditEntry).where(AuditEntry.action == "earnings.adjusted")):
            if (row.detail or {}).get("entry") in noted:
                row.detail = {k: v for k, v in row.detail.items() if k != "note"}
    work.session.execute(update(Message).where(Message.conversation_id.in_(ids))
                         .values(body=ERASED, meta={}).execution_options(**ex))
    # what the assistant understood is about the customer too; the token stops working (no sha256 is "erased")
    work.session.execute(update(Conversation).where(Conversation.id.in_(ids))
                         .values(customer_ref=None, customer_name=None, rating_comment=None, summary=None,
                                 intent=None, topic=None, sentiment=None, escalation_reason=None,
                                 token_digest=REVOKED).execution_options(**ex))
    # audit rows about these conversations keep who did what and when, not which order or what was said
    for row in work.session.scalars(select(AuditEntry).where(AuditEntry.subject.in_(ids))):
        if any(k in (row.detail or {}) for k in _PERSONAL_DETAIL):
            row.detail = {k: v for k, v in row.detail.items() if k not in _PERSONAL_DETAIL}
    # open customer WebSockets on these conversations close (4401) once this commits (api/ws.py)
    for conv_id in ids:
        work.emit(f"conv:{conv_id}", {"type": "erased", "conversation_id": conv_id})


def _close(work: Work, conv: Conversation) -> None:
    """End an open conversation: an agent's is resolved (and paid), a queued one abandoned, the assistant's closed."""
    state = ConversationState(conv.state)
    if state == ConversationState.WITH_HUMAN:
        dispatch.release(work, conv, target=ConversationState.RESOLVED, reason="erased")
    elif state in (ConversationState.WAITING_HUMAN, ConversationState.OFFERED):
        dispatch.withdraw_offers(work, conv.id)
        queue.close_entry(work, conv.id, queue.ABANDONED)
        conversations.transition(work, conv, ConversationState.ABANDONED, closed_at=work.now)
    elif state == ConversationState.AI:
        conversations.transition(work, conv, ConversationState.RESOLVED, closed_at=work.now)
    else:
        return
    work.emit(f"conv:{conv.id}", {"type": "state", "state": conv.state, "conversation_id": conv.id})

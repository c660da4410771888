"""Conversations and their messages: create, read, append (idempotent), change state."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm.attributes import set_committed_value

from tandem.core.errors import Conflict, InvalidInput, NotFound, Unauthorized
from tandem.core.ids import new_id, new_token, token_digest
from tandem.core.masking import mask_cards
from tandem.domain.conversation import Author, ConversationState, move_conversation
from tandem.services.context import Work
from tandem.storage.models import Conversation, Message

MAX_CLIENT_ID = 64


def create(work: Work, *, language: str, channel: str = "web", customer_ref: str | None = None,
           customer_name: str | None = None) -> tuple[Conversation, str]:
    """Open a conversation with the assistant; return it and the customer's bearer token (shown once)."""
    token = new_token()
    conv = Conversation(
        id=new_id("conv"), token_digest=token_digest(token), state=ConversationState.AI.value,
        channel=channel, language=language, customer_ref=customer_ref, customer_name=customer_name,
        last_seq=0, created_at=work.now, updated_at=work.now, priority=0,
    )
    work.session.add(conv)
    work.session.flush()
    work.emit("ops", {"type": "conversation.created", "conversation_id": conv.id})
    return conv, token


def get(work: Work, conversation_id: str, *, for_update: bool = False) -> Conversation:
    """Return a conversation or raise NotFound."""
    stmt = select(Conversation).where(Conversation.id == conversation_id)
    if for_update:
        stmt = stmt.with_for_update()
    conv = work.session.scalars(stmt).first()
    if conv is None:
        raise NotFound("no such conversation", conversation_id=conversation_id)
    return conv


def get_for_customer(work: Work, conversation_id: str, token: str) -> Conversation:
    """Return the conversation if the token is its customer's; the same error for unknown id and bad token."""
    conv = work.session.get(Conversation, conversation_id)
    if conv is None or not token or conv.token_digest != token_digest(token):
        raise Unauthorized("unknown conversation or wrong token")
    if work.now - conv.updated_at > work.customer_token_idle_s:
        hours = round(work.customer_token_idle_s / 3600)
        raise Unauthorized(f"this conversation's link expired after {hours} hours without activity; "
                           "start a new conversation", expired=True)
    return conv


def messages_after(work: Work, conversation_id: str, after_seq: int = 0, limit: int = 1000) -> list[Message]:
    """Return messages with seq > after_seq, in order."""
    stmt = (
        select(Message)
        .where(Message.conversation_id == conversation_id, Message.seq > after_seq)
        .order_by(Message.seq)
        .limit(limit)
    )
    return list(work.session.scalars(stmt))


def clean_body(body: Any, max_chars: int) -> str:
    """Validate and mask a message body; raise InvalidInput with a clear reason."""
    if not isinstance(body, str):
        raise InvalidInput("message body must be a string")
    text = body.replace("\x00", "").strip()
    if not text:
        raise InvalidInput("message is empty")
    if len(text) > max_chars:
        raise InvalidInput(f"message is longer than {max_chars} characters", limit=max_chars)
    return mask_cards(text)


def append(work: Work, conv: Conversation, *, author: Author, body: str, client_id: str | None = None,
           agent_id: str | None = None, meta: dict[str, Any] | None = None,
           reserved_seq: int | None = None) -> tuple[Message, bool]:
    """Store a message with the next sequence number; a repeated client_id returns the stored one.

    `reserved_seq`: the number the caller's own conditional UPDATE of this conversation already took for it
    (`last_seq = last_seq + 1`, with `updated_at`, in the UPDATE that also changed the conversation: `NEXT_SEQ`),
    so the increment is not a statement of its own."""
    existing = find_by_client_id(work, conv.id, client_id)
    if existing is not None:
        return existing, False
    seq = _next_seq(work, conv) if reserved_seq is None else reserved_seq
    msg = Message(
        conversation_id=conv.id, seq=seq, author=author.value, agent_id=agent_id, client_id=client_id,
        body=mask_cards(body), meta=meta or {}, created_at=work.now,
    )
    work.session.add(msg)
    work.session.flush()
    event = {"type": "message", "conversation_id": conv.id, "message": message_view(msg)}
    work.emit(f"conv:{conv.id}", event)
    if conv.assignee_id:
        work.emit(f"agent:{conv.assignee_id}", event)
    return msg, True


def find_by_client_id(work: Work, conversation_id: str, client_id: str | None) -> Message | None:
    """Return the message stored under this client id, if any (validating the id)."""
    if client_id is None:
        return None
    if not isinstance(client_id, str) or not 0 < len(client_id) <= MAX_CLIENT_ID:
        raise InvalidInput(f"client_id must be a string of 1-{MAX_CLIENT_ID} characters")
    return work.session.scalars(
        select(Message).where(Message.conversation_id == conversation_id, Message.client_id == client_id)
    ).first()


# the values a conditional UPDATE of a conversation adds to take the next message number in the same statement
# (read it back with RETURNING and pass it to append as reserved_seq)
NEXT_SEQ = {"last_seq": Conversation.last_seq + 1}


def _next_seq(work: Work, conv: Conversation) -> int:
    # one atomic increment in the database: concurrent writers (threads or replicas) never share a number; the
    # same statement stamps updated_at, and the in-session copy takes both as already stored (no second UPDATE
    # at flush)
    seq = int(work.write(
        update(Conversation)
        .where(Conversation.id == conv.id)
        .values(last_seq=Conversation.last_seq + 1, updated_at=work.now)
        .returning(Conversation.last_seq)
    ).scalar_one())
    set_committed_value(conv, "last_seq", seq)
    set_committed_value(conv, "updated_at", work.now)
    return seq


def transition(work: Work, conv: Conversation, target: ConversationState, *, take_seq: bool = False,
               **fields: Any) -> int | None:
    """Move a conversation to target if legal and if nobody moved it meanwhile (compare-and-swap on state).

    `take_seq`: the same UPDATE also takes the next message number and returns it, for a message the caller
    appends next (`append(reserved_seq=)`); else None."""
    current = ConversationState(conv.state)
    move_conversation(current, target)
    values = {"state": target.value, "updated_at": work.now, **fields}
    stmt = update(Conversation).where(Conversation.id == conv.id, Conversation.state == current.value)
    if take_seq:
        seq = work.write(stmt.values(**values, **NEXT_SEQ).returning(Conversation.last_seq)).scalar_one_or_none()
        moved_rows = 0 if seq is None else 1
    else:
        seq, moved_rows = None, work.write(stmt.values(**values)).rowcount
    if moved_rows != 1:
        raise Conflict("the conversation changed meanwhile; retry", conversation_id=conv.id)
    for key, value in values.items():  # stored by the UPDATE above: not marked for another one at flush
        set_committed_value(conv, key, value)
    if seq is not None:
        set_committed_value(conv, "last_seq", seq)
    moved(work, conv.id, target)
    return seq


def moved(work: Work, conversation_id: str, target: ConversationState) -> None:
    """Report a state change already written (by `transition`, or by a caller's own conditional UPDATE)."""
    work.touch(conversation=conversation_id)
    work.emit(f"conv:{conversation_id}", {"type": "state", "state": target.value, "conversation_id": conversation_id})
    work.emit("ops", {"type": "conversation.state", "conversation_id": conversation_id, "state": target.value})


def rate(work: Work, conv: Conversation, score: Any, comment: Any) -> None:
    """Record the customer's 1-5 rating of a closed conversation."""
    if conv.state not in (ConversationState.RESOLVED.value, ConversationState.ABANDONED.value):
        raise Conflict("a conversation can be rated once it has ended")
    if not isinstance(score, int) or isinstance(score, bool) or not 1 <= score <= 5:
        raise InvalidInput("rating must be an integer from 1 to 5")
    if comment is not None and (not isinstance(comment, str) or len(comment) > 2000):
        raise InvalidInput("comment must be text of at most 2000 characters")
    conv.rating = score
    conv.rating_comment = mask_cards(comment.strip()) if comment else None
    conv.updated_at = work.now
    work.emit("ops", {"type": "conversation.rated", "conversation_id": conv.id, "rating": score})


def count_by_state(work: Work) -> dict[str, int]:
    """Return how many conversations are in each state."""
    rows = work.session.execute(select(Conversation.state, func.count()).group_by(Conversation.state))
    counts = {s.value: 0 for s in ConversationState}
    counts.update({state: int(n) for state, n in rows})
    return counts


def message_view(msg: Message) -> dict[str, Any]:
    """The public shape of a message (REST and WebSocket)."""
    return {
        "seq": msg.seq, "author": msg.author, "body": msg.body, "client_id": msg.client_id,
        "created_at": msg.created_at, "meta": msg.meta or {},
    }


def conversation_view(conv: Conversation) -> dict[str, Any]:
    """The public shape of a conversation for its customer."""
    return {
        "id": conv.id, "state": conv.state, "language": conv.language, "channel": conv.channel,
        "last_seq": conv.last_seq, "created_at": conv.created_at, "rating": conv.rating,
    }

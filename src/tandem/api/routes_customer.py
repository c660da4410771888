"""Customer REST endpoints: every call but creation needs the conversation's own token."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi import APIRouter, BackgroundTasks, Query

from tandem.api.deps import CustomerTokenDep, LimiterDep, ServicesDep
from tandem.api.hot import hot_first
from tandem.api.ratelimit import Limiter
from tandem.api.responses import (
    ConversationCreated,
    ConversationEnded,
    ConversationStatus,
    HandoffStatus,
    MessageAck,
    MessagePage,
    RatingOut,
)
from tandem.api.schemas import ConversationCreate, HandoffCreate, MessageCreate, RatingCreate
from tandem.core import embed
from tandem.core.errors import InvalidInput, NotFound
from tandem.services import conversations, flows, queue
from tandem.services.context import Services

router = APIRouter(prefix="/api/conversations", tags=["customer"])


def _check_customer_ref(services: Services, ref: str | None, signature: str | None,
                        exp: int | None = None) -> str | None:
    # the company's server vouches for its logged-in customer, for a limited time: an HMAC over
    # "v1.<exp>.<customer_ref>" under the customer-identity key (core/embed.py); the demo trusts the widget
    if ref is None:
        return None
    if services.settings.demo and signature is None:
        return ref
    settings = services.settings
    embed.verify(settings.secret_key, ref, exp, signature, now=services.clock.now(),
                 max_ttl_s=settings.embed_max_ttl_s, production=settings.env == "production")
    return ref


@router.post("", status_code=201, response_model=ConversationCreated,
             summary="Start a conversation with the assistant")
def create_conversation(body: ConversationCreate, services: ServicesDep) -> dict[str, Any]:
    ref = _check_customer_ref(services, body.customer_ref, body.signature, body.exp)
    name = None
    if ref and services.backend is not None:
        try:
            name = services.backend.get_customer(ref).name
        except NotFound:
            raise InvalidInput("unknown customer_ref") from None
    with services.work() as work:
        conv, token = conversations.create(work, language=body.language.split("-")[0].lower(),
                                           channel=body.channel, customer_ref=ref, customer_name=name)
        view = conversations.conversation_view(conv)
    return {**view, "token": token}


@router.get("/{conversation_id}", response_model=ConversationStatus,
            summary="Read the conversation, its queue position and wait")
def read_conversation(conversation_id: str, token: CustomerTokenDep, services: ServicesDep) -> dict[str, Any]:
    with services.work() as work:
        conv = conversations.get_for_customer(work, conversation_id, token)
        return {**conversations.conversation_view(conv), "queue": _queue_status(services, work, conv.id)}


def _queue_status(services: Services, work: Any, conversation_id: str) -> dict[str, Any] | None:
    entry = queue.open_handoff(work, conversation_id)
    if entry is None or entry.status != queue.WAITING:
        return None
    conv = conversations.get(work, conversation_id)
    return queue.estimate(work, entry, services.settings.assumed_handle_time_s, conv.language).view()


@router.get("/{conversation_id}/messages", response_model=MessagePage,
            summary="Messages after a sequence number, in order")
def list_messages(conversation_id: str, token: CustomerTokenDep, services: ServicesDep,
                  after: int = Query(0, ge=0)) -> dict[str, Any]:
    with services.work() as work:
        conv = conversations.get_for_customer(work, conversation_id, token)
        msgs = conversations.messages_after(work, conv.id, after)
        return {"messages": [conversations.message_view(m) for m in msgs], "last_seq": conv.last_seq}


@router.post("/{conversation_id}/messages", status_code=201, response_model=MessageAck,
             summary="Send a message (idempotent by client_id)")
def post_message(conversation_id: str, body: MessageCreate, token: CustomerTokenDep, services: ServicesDep,
                 background: BackgroundTasks, limiter: LimiterDep) -> dict[str, Any]:
    ack = store_customer_message(services, limiter, conversation_id, token, body.body, body.client_id)
    if ack.for_assistant is not None:
        # the reply arrives as a message (WebSocket or GET messages), after the ack
        background.add_task(flows.assistant_turn, services, conversation_id, ack.for_assistant)
    return {"seq": ack.seq, "client_id": ack.client_id, "duplicate": ack.duplicate}


@contextmanager
def _write_budget(limiter: Limiter | None, conversation_id: str) -> Iterator[None]:
    """A hand-off request, end or rating: refused while the conversation's budget is used up, counted once done
    (so after its token was checked, in the write's own transaction: no extra one on the hot path)."""
    if limiter is not None:
        limiter.conversation_write_allowed(conversation_id)
    yield
    if limiter is not None:
        limiter.conversation_write_done(conversation_id)


def store_customer_message(services: Services, limiter: Limiter | None, conversation_id: str, token: str,
                           body: Any, client_id: Any) -> flows.Ack:
    """Count the message against its conversation's limit (after the token is checked, so a stranger cannot use
    up someone else's budget), then store it. A refused message is not stored: the client sends it again."""
    if limiter is not None:
        with services.work() as work:
            conversations.get_for_customer(work, conversation_id, token)
        limiter.conversation_message(conversation_id)
    return flows.customer_message(services, conversation_id, token, body, client_id)


@router.post("/{conversation_id}/handoff", status_code=202, response_model=HandoffStatus,
             summary="Ask for a human (always queues)")
def request_human(conversation_id: str, token: CustomerTokenDep, services: ServicesDep, limiter: LimiterDep,
                  body: HandoffCreate | None = None) -> dict[str, Any]:
    with _write_budget(limiter, conversation_id):
        done = flows.request_human(services, conversation_id, token, (body or HandoffCreate()).reason)
    status = None
    if done.waiting is not None:  # the wait estimate reads aggregates only, after the request has committed
        with services.work() as work:
            status = queue.estimate(work, done.waiting, services.settings.assumed_handle_time_s,
                                    done.language).view()
    return {"state": done.state, "language": done.language, "queue": status}


@router.post("/{conversation_id}/end", response_model=ConversationEnded,
             summary="The customer ends the conversation")
def end_conversation(conversation_id: str, token: CustomerTokenDep, services: ServicesDep,
                     limiter: LimiterDep) -> dict[str, Any]:
    with _write_budget(limiter, conversation_id):
        return {"state": flows.customer_end(services, conversation_id, token)}


@router.post("/{conversation_id}/rating", response_model=RatingOut,
             summary="Rate an ended conversation 1-5 with a comment")
def rate(conversation_id: str, body: RatingCreate, token: CustomerTokenDep, services: ServicesDep,
         limiter: LimiterDep) -> dict[str, Any]:
    with _write_budget(limiter, conversation_id), services.work() as work:
        conv = conversations.get_for_customer(work, conversation_id, token)
        conversations.rate(work, conv, body.score, body.comment)
        rating = conv.rating
    return {"rating": rating}


# a cycle's requests first (api/hot.py); creation is first already
hot_first(router, create_conversation, request_human, post_message)

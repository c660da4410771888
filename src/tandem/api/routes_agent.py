"""Agent REST endpoints: sessions, presence, queue, offers and the agent's own conversations only."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Query
from pydantic import Field
from starlette.concurrency import run_in_threadpool

from tandem.api.deps import AgentDep, BearerDep, LimiterDep, ServicesDep
from tandem.api.hot import hot_first
from tandem.api.ratelimit import Limiter
from tandem.api.responses import (
    AgentConversationDetail,
    AgentConversations,
    AgentOut,
    Assigned,
    MessageAck,
    Offers,
    Ok,
    PresenceOut,
    Session,
    StateOut,
    WaitingQueue,
)
from tandem.api.schemas import AgentMessage, DeclineBody, Login, PresenceUpdate
from tandem.core.errors import NotFound, Unauthorized
from tandem.core.i18n import _t
from tandem.domain.conversation import Author, ConversationState
from tandem.domain.presence import Presence
from tandem.services import agents as agent_service
from tandem.services import audit, conversations, dispatch, queue, routing_live, suggestions
from tandem.services.context import Services, Work
from tandem.services.customer_data import customer_card
from tandem.storage.models import Agent, Conversation

router = APIRouter(prefix="/api/agent", tags=["agent"])
C = ConversationState


@router.post("/login", response_model=Session, summary="Log in; returns a bearer token that expires")
async def login(body: Login, services: ServicesDep, limiter: LimiterDep) -> dict[str, Any]:
    # Argon2 takes a fraction of a second of CPU by design: it runs in its own small pool at a lower CPU priority
    # (services/agents.py make_hash_pool), so a burst of logins (a shift starting) queues there instead of taking
    # the worker threads and the cores that offers, accepts and messages need. No transaction is open and no
    # SQLite write turn is held while it runs: a low-priority thread holding the write lock would make every
    # writer wait for it. A reconnecting console resumes with its token (sessionStorage) and never hashes
    # (tests/api/test_websocket.py).
    hashed = await run_in_threadpool(_stored_hash, body, services, limiter)
    verified = await asyncio.get_running_loop().run_in_executor(
        agent_service.HASH_POOL, agent_service.verify_password, hashed, body.password)
    return await run_in_threadpool(_open_session, body, services, limiter, hashed if verified else None)


def _stored_hash(body: Login, services: Services, limiter: Limiter | None) -> str | None:
    if limiter is not None:  # per account, across addresses and replicas: failures make the account wait
        limiter.login_allowed(body.email)
    with services.work() as work:
        return agent_service.stored_hash(work, body.email)


def _open_session(body: Login, services: Services, limiter: Limiter | None,
                  verified_hash: str | None) -> dict[str, Any]:
    try:
        with services.work() as work:
            agent, token = agent_service.open_session(work, body.email, verified_hash,
                                                      services.settings.agent_token_ttl_s)
            skills = agent_service.skills_of(work, [agent.id])[agent.id]
            answer = {"token": token, "expires_in": services.settings.agent_token_ttl_s,
                      "agent": agent_service.agent_view(agent, skills)}
    except Unauthorized:
        if limiter is not None:
            limiter.login_failed(body.email)
        raise
    if limiter is not None:
        limiter.login_succeeded(body.email)
    return answer


@router.post("/logout", response_model=Ok, summary="End the session (live sockets of this session close)")
def logout(token: BearerDep, agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    with services.work() as work:
        me = agent_service.get(work, agent.id)
        if me.presence != Presence.OFFLINE.value:
            dispatch.go_offline(work, me, reason="logout")
        agent_service.logout(work, token)
    return {"ok": True}


@router.get("/me", response_model=AgentOut, summary="The logged-in agent")
def me(agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    with services.work() as work:
        return agent_service.agent_view(agent, agent_service.skills_of(work, [agent.id])[agent.id])


@router.put("/me/presence", response_model=PresenceOut, summary="Go available, away or offline")
def set_presence(body: PresenceUpdate, agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    target = Presence(body.presence)
    with services.work() as work:
        me = agent_service.get(work, agent.id)
        if target == Presence.OFFLINE:
            dispatch.go_offline(work, me, reason="went_offline")
        else:
            if target == Presence.AWAY:
                dispatch.withdraw_agent_offers(work, me)
            agent_service.set_presence(work, me, target)
        presence = me.presence
    if target != Presence.OFFLINE:
        services.heartbeats.beat((agent.id,), services.clock.now())
    return {"presence": presence}


@router.post("/me/heartbeat", response_model=Ok, summary="Keep presence alive (the WebSocket does this too)")
def heartbeat(agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    services.heartbeats.beat((agent.id,), services.clock.now())  # not a database write (services/presence.py)
    return {"ok": True}


@router.get("/queue", response_model=WaitingQueue,
            summary="Conversations waiting for a human that I may take (no transcripts)")
def waiting_queue(agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    with services.work() as work:
        # only what this agent may claim: the router's eligibility, so a sensitive topic is not even listed
        # to an agent who is not certified for it
        waiting = queue.waiting(work)
        why = routing_live.ineligibility(work, routing_live.routing_config(services.settings), agent, waiting)
        entries = [e for e in waiting if why[e.id] is None]
        convs = {c.id: c for c in work.session.query(Conversation).filter(
            Conversation.id.in_([e.conversation_id for e in entries]))}
        return {"waiting": [queue.queue_view(e, convs[e.conversation_id]) for e in entries], "now": work.now}


@router.get("/offers", response_model=Offers, summary="My pending offers")
def my_offers(agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    with services.work() as work:
        return {"offers": dispatch.pending_offers_view(work, agent.id)}


# The hot requests of a cycle (accept, decline, reply, resolve, hand back) check the session inside their own
# transaction instead of through AgentDep, which opens a transaction of its own: one transaction per request.
# They read the session and its agent as one Core row (`agent_service.authenticate_caller`, a `Caller`), not as
# an ORM object; reply, resolve and hand back read the conversation they name in the same statement
# (`authenticate_with_conversation`). A request without a bearer header is still refused before anything runs
# (BearerDep); a dead session is 401 before anything about the conversation is said.


@router.post("/offers/{offer_id}/accept", response_model=Assigned, summary="Accept an offer (first accept wins)")
def accept_offer(offer_id: str, token: BearerDep, services: ServicesDep) -> dict[str, Any]:
    with services.work() as work:
        conv = dispatch.accept(work, agent_service.authenticate_caller(work, token), offer_id)
        return {"conversation_id": conv.id, "state": conv.state}


@router.post("/offers/{offer_id}/decline", response_model=Ok, summary="Decline an offer, with an optional reason")
def decline_offer(offer_id: str, token: BearerDep, services: ServicesDep,
                  body: DeclineBody | None = None) -> dict[str, Any]:
    with services.work() as work:
        dispatch.decline(work, agent_service.authenticate_caller(work, token), offer_id,
                         body.reason if body else None)
    return {"ok": True}


@router.post("/conversations/{conversation_id}/claim", response_model=Assigned,
             summary="Take a waiting conversation from the queue")
def claim(conversation_id: str, agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    with services.work() as work:
        conv = dispatch.claim(work, agent_service.get(work, agent.id), conversation_id,
                              routing_live.routing_config(services.settings))
        return {"conversation_id": conv.id, "state": conv.state}


@router.get("/conversations", response_model=AgentConversations, summary="My active conversations")
def my_conversations(agent: AgentDep, services: ServicesDep) -> dict[str, Any]:
    with services.work() as work:
        rows = work.session.query(Conversation).filter(
            Conversation.assignee_id == agent.id, Conversation.state == C.WITH_HUMAN.value).all()
        return {"conversations": [_agent_conv_view(c) for c in rows]}


class AgentReply(AgentMessage):
    # the suggested reply the agent started from, so the workbench learns if drafts are used, edited or ignored
    suggestion_id: str | None = Field(None, min_length=1, max_length=64)


def _own_conversation(work: Work, agent: Agent, conversation_id: str) -> Conversation:
    return _mine(work.session.get(Conversation, conversation_id), agent, conversation_id)


def _mine(conv: Conversation | None, agent: agent_service.AgentRef, conversation_id: str) -> Conversation:
    # object-level authorization: the same answer for "does not exist" and "not yours"
    if conv is None or (conv.assignee_id != agent.id and agent.role != "supervisor"):
        raise NotFound("no such conversation among yours", conversation_id=conversation_id)
    return conv


def _caller_and_own(work: Work, token: str, conversation_id: str) -> tuple[agent_service.Caller, Conversation]:
    agent, conv = agent_service.authenticate_with_conversation(work, token, conversation_id)
    return agent, _mine(conv, agent, conversation_id)


@router.get("/conversations/{conversation_id}", response_model=AgentConversationDetail,
            summary="Transcript, handoff context and masked account data")
def read_conversation(conversation_id: str, agent: AgentDep, services: ServicesDep,
                      after: int = Query(0, ge=0)) -> dict[str, Any]:
    with services.work() as work:
        conv = _own_conversation(work, agent, conversation_id)
        msgs = conversations.messages_after(work, conv.id, after)
        audit.record(work, actor=agent.id, action="transcript.read", subject=conv.id)
        entry = queue.open_handoff(work, conv.id)
        view = _agent_conv_view(conv)
    view["messages"] = [conversations.message_view(m) for m in msgs]
    view["handoff"] = {"reason": entry.reason if entry else conv.escalation_reason,
                       "note": entry.note if entry else None,
                       "detected_by": entry.detected_by if entry else None,
                       "detection_score": entry.detection_score if entry else None}
    view["customer"] = customer_card(services, conv.customer_ref)
    return view


def _agent_conv_view(conv: Conversation) -> dict[str, Any]:
    return {
        "id": conv.id, "state": conv.state, "language": conv.language, "intent": conv.intent,
        "topic": conv.topic, "sentiment": conv.sentiment, "summary": conv.summary,
        "escalation_reason": conv.escalation_reason, "waiting_since": conv.waiting_since,
        "assigned_at": conv.assigned_at, "last_seq": conv.last_seq, "customer_name": conv.customer_name,
    }


@router.post("/conversations/{conversation_id}/messages", status_code=201, response_model=MessageAck,
             summary="Reply to the customer")
def reply(conversation_id: str, body: AgentReply, token: BearerDep, services: ServicesDep) -> dict[str, Any]:
    text = conversations.clean_body(body.body, services.settings.max_message_chars)
    with services.work() as work:
        agent, conv = _caller_and_own(work, token, conversation_id)
        if conv.state != C.WITH_HUMAN.value or conv.assignee_id != agent.id:
            raise NotFound("no such conversation among yours", conversation_id=conversation_id)
        msg, created = conversations.append(work, conv, author=Author.AGENT, body=text, client_id=body.client_id,
                                            agent_id=agent.id, meta={"agent_name": agent.name})
        if created and body.suggestion_id:
            suggestions.record_use(work, conv.id, agent.id, body.suggestion_id, msg.body, msg.seq)
        return {"seq": msg.seq, "client_id": msg.client_id, "duplicate": not created}


def _release(services: Services, token: str, conversation_id: str, target: C, reason: str) -> dict[str, Any]:
    with services.work() as work:
        agent, conv = _caller_and_own(work, token, conversation_id)
        if conv.assignee_id != agent.id:
            raise NotFound("no such conversation among yours", conversation_id=conversation_id)
        dispatch.release(work, conv, target=target, reason=reason)
        if target == C.AI:
            conversations.append(work, conv, author=Author.SYSTEM,
                                 body=_t(conv.language, "You are back with the assistant."),
                                 meta={"event": "handed_back"})
        return {"state": conv.state}


@router.post("/conversations/{conversation_id}/resolve", response_model=StateOut,
             summary="Mark the conversation resolved")
def resolve(conversation_id: str, token: BearerDep, services: ServicesDep) -> dict[str, Any]:
    return _release(services, token, conversation_id, C.RESOLVED, "resolved")


@router.post("/conversations/{conversation_id}/handback", response_model=StateOut,
             summary="Hand the conversation back to the assistant")
def handback(conversation_id: str, token: BearerDep, services: ServicesDep) -> dict[str, Any]:
    return _release(services, token, conversation_id, C.AI, "handed_back")


# a cycle's requests first (api/hot.py)
hot_first(router, accept_offer, reply, resolve, decline_offer, handback)

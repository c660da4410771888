"""Build conversations with known outcomes straight through the services layer."""

from __future__ import annotations

from sqlalchemy import select

from tandem.domain.conversation import Author, ConversationState
from tandem.domain.presence import Presence
from tandem.engines.assistant.escalation import EscalationReason
from tandem.services import agents, conversations, dispatch, queue, routing_live
from tandem.services.context import Services
from tandem.storage.models import Agent, Conversation

C = ConversationState


def ai_conversation(services: Services, intent: str, rating: int | None, *, customer: str | None = None,
                    question: str = "a question", topic: str = "refunds") -> str:
    """A conversation the assistant answered and resolved, optionally rated."""
    with services.work() as work:
        conv, _ = conversations.create(work, language="en", customer_ref=customer)
        conv.intent, conv.topic = intent, topic
        conversations.append(work, conv, author=Author.CUSTOMER, body=question)
        conversations.append(work, conv, author=Author.AI, body="An answer from the help center.",
                             meta={"intent": intent})
        conversations.transition(work, conv, C.RESOLVED, closed_at=work.now, resolved_by="ai")
        if rating is not None:
            conversations.rate(work, conv, rating, None)
        return conv.id


def agent_id(services: Services, email: str) -> str:
    with services.work() as work:
        agent = work.session.scalars(select(Agent).where(Agent.email == email)).one()
        agents.set_presence(work, agent, Presence.AVAILABLE)
        return agent.id


def human_conversation(services: Services, intent: str, rating: int | None, agent: str, *, wait_s: float = 30.0,
                       handle_s: float = 240.0, clock: object = None, customer: str | None = None) -> str:
    """A conversation escalated, taken by `agent` after wait_s, resolved after handle_s (advances the clock)."""
    with services.work() as work:
        conv, _ = conversations.create(work, language="en", customer_ref=customer)
        conv.intent, conv.topic = intent, "refunds"
        conversations.append(work, conv, author=Author.CUSTOMER, body="I want a person")
        queue.request_human(work, conv, reason=EscalationReason.CUSTOMER_REQUEST)
        conv_id = conv.id
    clock.advance(wait_s)  # type: ignore[attr-defined]
    with services.work() as work:
        dispatch.claim(work, agents.get(work, agent), conv_id, routing_live.routing_config(services.settings))
    clock.advance(handle_s)  # type: ignore[attr-defined]
    with services.work() as work:
        conv = conversations.get(work, conv_id)
        conversations.append(work, conv, author=Author.AGENT, body="Done for you.", agent_id=agent)
        dispatch.release(work, conv, target=C.RESOLVED, reason="resolved")
        if rating is not None:
            conversations.rate(work, conv, rating, None)
    return conv_id


def escalation_reason(services: Services, conversation_id: str) -> str | None:
    with services.work() as work:
        return work.session.get(Conversation, conversation_id).escalation_reason  # type: ignore[union-attr]

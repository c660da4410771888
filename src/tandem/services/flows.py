"""Multi-step work across domains: a customer's turn, a request for a human, the end of a conversation."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy.exc import IntegrityError

from tandem.core.errors import Conflict
from tandem.domain.conversation import Author, ConversationState
from tandem.engines.assistant.base import AssistantTurn, Turn, TurnContext
from tandem.engines.assistant.escalation import EscalationReason
from tandem.engines.assistant.human_request import RULE, HumanRequest, detect_request
from tandem.engines.assistant.nlu.language import follow_language, script_language
from tandem.engines.assistant.phrases import phrase
from tandem.services import conversations, dispatch, guardrail, queue
from tandem.services.context import Services, Work
from tandem.storage.models import Conversation, Handoff, Message

log = logging.getLogger(__name__)
C = ConversationState
HISTORY_TURNS = 12


@dataclass(frozen=True, slots=True)
class Ack:
    seq: int
    client_id: str | None
    duplicate: bool
    # the stored (masked) text when the assistant is in charge and should answer; run assistant_turn with it
    for_assistant: str | None = None


def customer_message(services: Services, conversation_id: str, token: str, body: Any,
                     client_id: str | None) -> Ack:
    """Store the customer's message; the returned ack says whether the assistant should answer it."""
    text = conversations.clean_body(body, services.settings.max_message_chars)
    try:
        return _store_customer_message(services, conversation_id, token, text, client_id)
    except IntegrityError:
        # a concurrent retry with the same client_id won the insert: the retry now finds the stored message
        return _store_customer_message(services, conversation_id, token, text, client_id)


def _store_customer_message(services: Services, conversation_id: str, token: str, text: str,
                            client_id: str | None) -> Ack:
    with services.work() as work:
        conv = conversations.get_for_customer(work, conversation_id, token)
        stored = conversations.find_by_client_id(work, conv.id, client_id)
        if stored is not None:  # a retry is acknowledged again, even after the conversation ended
            return Ack(stored.seq, client_id, duplicate=True)
        if conv.state in (C.RESOLVED.value, C.ABANDONED.value):
            raise Conflict("this conversation has ended; start a new one", state=conv.state)
        msg, _ = conversations.append(work, conv, author=Author.CUSTOMER, body=text, client_id=client_id)
        _follow_language(work, conv, msg)
        ai_in_charge = conv.state == C.AI.value
        return Ack(msg.seq, client_id, duplicate=False, for_assistant=msg.body if ai_in_charge else None)


def _follow_language(work: Work, conv: Conversation, msg: Message) -> None:
    """The conversation's language follows the customer (with hysteresis); a waiting entry is re-routed by it."""

    def previous() -> str | None:
        earlier = conversations.messages_after(work, conv.id, max(0, msg.seq - 7))
        customer = [m.body for m in earlier if m.author == Author.CUSTOMER.value and m.seq < msg.seq]
        return customer[-1] if customer else None

    language = follow_language(conv.language, msg.body, previous)
    if language == conv.language:
        return
    conv.language = language
    entry = queue.open_handoff(work, conv.id)
    if entry is not None and entry.status == queue.WAITING:  # offered from now on by the current language
        before, entry.language = entry.language, language
        work.emit("queue", {"type": "queue.changed", "conversation_id": conv.id,
                            "cells": queue.cells([(entry.topic, before), (entry.topic, language)])})


# what the assistant's own checks escalate for that outranks the backstop's reading of the same message: they route
# (a sensitive topic or an angry customer goes to a senior agent), and they are certain where the backstop guesses
_ASSISTANT_REASONS_FIRST = frozenset({EscalationReason.FRUSTRATION, EscalationReason.SENSITIVE_TOPIC,
                                      EscalationReason.VULNERABILITY})


def assistant_turn(services: Services, conversation_id: str, text: str) -> None:
    """Run the rules, then the assistant; escalate whenever either says so. Never leave the customer alone.

    A typed request for a person is found by the rules, or when they miss by the learned backstop (outside the
    transaction: it costs one encoder pass); a broken model leaves the rules' answer in place. A rule's request is
    queued at once; the backstop's is queued after the assistant has read the message too, and when the assistant
    escalates it for frustration, a sensitive topic or vulnerability, that reason and topic are kept ("THIS IS
    USELESS!!!" is anger the backstop may read as a request; a fraud report it reads so still needs a senior agent).
    Should the assistant have acted on the account meanwhile ("pause my payment, then get me someone"), its reply
    with the result is posted before the customer is queued: nothing is done to an account unseen."""
    request = detect_request(text)
    with services.work() as work:
        conv = conversations.get(work, conversation_id)
        if conv.state != C.AI.value:
            return
        if request is not None and request.layer == RULE:
            _escalate_request(work, services, conv, text, request)
            return
        ctx = TurnContext(conversation_id, text, conv.language, _history(work, conv), conv.customer_ref)
    turn = _safe_respond(services, ctx)
    if request is not None and turn.escalation not in _ASSISTANT_REASONS_FIRST:
        if turn.actions:  # an account action ran while the assistant read it: the customer sees its result first
            try:
                _store_turn(services, conversation_id, turn)
            except Conflict:
                return
        with services.work() as work:
            conv = conversations.get(work, conversation_id)
            if conv.state == C.AI.value:
                _escalate_request(work, services, conv, text, request)
        return
    try:
        _store_turn(services, conversation_id, turn)
    except Conflict:
        # the customer pressed "Talk to a human" meanwhile: they are queued, and the assistant stays quiet
        log.info("conversation %s left the assistant while it was answering", conversation_id)


def _escalate_request(work: Work, services: Services, conv: Conversation, text: str, request: HumanRequest) -> None:
    # the followed language (hysteresis, _follow_language) already took long messages and repeated switches into
    # account; a request switches it at once only when its writing system names the language (真人客服 in a Swedish
    # chat). "human please" in a Swedish chat stays Swedish: two Latin words are enough for the detector to say
    # English, not for the conversation to change language.
    switch = script_language(text) == request.language != conv.language
    _escalate(work, services, conv, reason=EscalationReason.CUSTOMER_REQUEST,
              language=request.language if switch else None, detected=request)


def _store_turn(services: Services, conversation_id: str, turn: AssistantTurn) -> None:
    with services.work() as work:
        conv = conversations.get(work, conversation_id)
        if conv.state != C.AI.value:
            return
        _record_understanding(conv, turn)
        guarded = guardrail.is_guarded(work, conv.intent, conv.topic)  # AI quality below target for this intent
        if guarded and not turn.actions:
            _escalate(work, services, conv, reason=EscalationReason.QUALITY_GUARDRAIL)
            return
        meta: dict[str, Any] = {
            "citations": [{"article_id": c.article_id, "title": c.title} for c in turn.citations],
            "intent": turn.intent, "confidence": round(turn.confidence, 3), "no_answer": turn.no_answer,
        }
        if turn.actions:
            meta["actions"] = list(turn.actions)
        conversations.append(work, conv, author=Author.AI, body=turn.text, meta=meta)
        if guarded:  # an action already ran: the customer sees its result, then a person takes over
            _escalate(work, services, conv, reason=EscalationReason.QUALITY_GUARDRAIL)
        elif turn.escalation:
            queue.request_human(work, conv, reason=EscalationReason(turn.escalation), topic=turn.topic)


def _safe_respond(services: Services, ctx: TurnContext) -> AssistantTurn:
    # an assistant failure must never strand the customer: hand over to a human instead
    try:
        return services.assistant.respond(ctx)
    except Exception:
        log.exception("assistant failed; handing the conversation to a human")
        return AssistantTurn(text=phrase("handoff", ctx.language), escalation=EscalationReason.ASSISTANT_ERROR)


def _record_understanding(conv: Conversation, turn: AssistantTurn) -> None:
    if turn.intent:
        conv.intent = turn.intent
    if turn.topic:
        conv.topic = turn.topic
    if turn.sentiment is not None:
        conv.sentiment = turn.sentiment
    if turn.language:
        conv.language = turn.language


def _history(work: Work, conv: Conversation) -> tuple[Turn, ...]:
    recent = conversations.messages_after(work, conv.id, max(0, conv.last_seq - HISTORY_TURNS))
    return tuple(Turn(m.author, m.body, (m.meta or {}).get("intent"), bool((m.meta or {}).get("no_answer")))
                 for m in recent)


def _escalate(work: Work, services: Services, conv: Conversation, *, reason: EscalationReason,
              language: str | None = None, note: str | None = None,
              detected: HumanRequest | None = None) -> Handoff:
    if language:  # the language the customer asked in: for the reply, the queue entry and routing
        conv.language = language
    # the conversation's move to the queue also takes the handoff message's number (one UPDATE, not two)
    entry, seq = queue.open_request(work, conv, reason=reason, note=note,
                                    detected_by=detected.layer if detected else None,
                                    detection_score=detected.score if detected else None, take_seq=True)
    meta: dict[str, Any] = {"event": "handoff", "reason": reason, "handoff_id": entry.id}
    if detected is not None:
        meta["detected_by"], meta["detection_score"] = detected.layer, detected.score
    conversations.append(work, conv, author=Author.SYSTEM, body=phrase("handoff", language or conv.language),
                         meta=meta, reserved_seq=seq)
    return entry


@dataclass(frozen=True, slots=True)
class HumanRequested:
    """Where a request for a human left the conversation, as its transaction committed it."""

    state: str
    language: str
    waiting: Handoff | None  # the open queue entry while the conversation waits (detached, read-only)


def request_human(services: Services, conversation_id: str, token: str,
                  reason: EscalationReason = EscalationReason.CUSTOMER_BUTTON) -> HumanRequested:
    """The 'Talk to a human' control: always queues, whatever state the assistant is in."""
    try:
        return _request_human_once(services, conversation_id, token, reason)
    except Conflict:
        # the assistant escalated the same conversation at the same moment; the retry finds it queued
        return _request_human_once(services, conversation_id, token, reason)


def _request_human_once(services: Services, conversation_id: str, token: str,
                        reason: EscalationReason) -> HumanRequested:
    with services.work() as work:
        conv = conversations.get_for_customer(work, conversation_id, token)
        entry = None
        if conv.state == C.AI.value:
            entry = _escalate(work, services, conv, reason=reason)
        elif conv.state in (C.RESOLVED.value, C.ABANDONED.value):
            raise Conflict("this conversation has ended; start a new one", state=conv.state)
        elif conv.state in (C.WAITING_HUMAN.value, C.OFFERED.value):
            entry = queue.open_handoff(work, conv.id)
        waiting = entry if entry is not None and entry.status == queue.WAITING else None
        return HumanRequested(conv.state, conv.language, waiting)


def customer_end(services: Services, conversation_id: str, token: str) -> str:
    """The customer closes the chat: resolved with the AI or agent, abandoned while waiting."""
    with services.work() as work:
        conv = conversations.get_for_customer(work, conversation_id, token)
        if conv.state == C.AI.value:
            conversations.transition(work, conv, C.RESOLVED, closed_at=work.now, resolved_by="ai")
        elif conv.state in (C.WAITING_HUMAN.value, C.OFFERED.value):
            dispatch.withdraw_offers(work, conv.id)
            conversations.transition(work, conv, C.ABANDONED, closed_at=work.now)
            queue.close_entry(work, conv.id, queue.ABANDONED)
        elif conv.state == C.WITH_HUMAN.value:
            dispatch.release(work, conv, target=C.RESOLVED, reason="customer_ended")
        return conv.state

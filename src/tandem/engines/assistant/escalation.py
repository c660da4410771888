"""When the assistant hands a conversation to a human, and why: rules in code, checked in a fixed order.

An explicit request always escalates (invariant 2 in docs/targets.md); nothing a model says, and nothing written in the
conversation, can prevent it. The other rules catch customers the assistant is failing: low confidence twice,
frustration, loops, failed actions, and sensitive situations that need a senior person.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from tandem.domain.skills import SENSITIVE_TOPICS, Topic
from tandem.engines.assistant.handoff import HandoffMatch, wants_human
from tandem.engines.assistant.nlu.intents import Intent
from tandem.engines.assistant.nlu.result import Understanding
from tandem.engines.assistant.nlu.sensitive import TOPIC_OF_SENSITIVITY, Sensitivity


class EscalationReason(StrEnum):
    """Why a conversation went to a person: every queue entry's reason is one of these."""

    CUSTOMER_BUTTON = "customer_button"  # the customer pressed 'Talk to a human'
    CUSTOMER_REQUEST = "customer_request"  # the customer asked in words (rules or the learned backstop)
    EXPLICIT_REQUEST = "explicit_request"
    VULNERABILITY = "vulnerability"
    SENSITIVE_TOPIC = "sensitive_topic"
    ASKED_FOR_HUMAN = "asked_for_human"
    FAILED_ACTION = "failed_action"
    FRUSTRATION = "frustration"
    LOW_CONFIDENCE = "low_confidence"
    LOOP = "loop"
    MODEL_UNAVAILABLE = "model_unavailable"
    QUALITY_GUARDRAIL = "quality_guardrail"  # the guardrail sends this intent to people while AI quality is low
    ASSISTANT_ERROR = "assistant_error"  # the assistant failed: a person takes over
    TRANSFER = "transfer"  # an agent moved the conversation to another queue


@dataclass(frozen=True)
class PriorTurn:
    """One earlier customer message as understood, and whether the action taken on it failed."""

    understanding: Understanding
    action_failed: bool = False


@dataclass(frozen=True)
class Escalation:
    """A decision to hand over to a human, with its reason and what the human needs to be able to handle."""

    reason: EscalationReason
    detail: str
    topic: Topic | None
    senior: bool


@dataclass(frozen=True)
class EscalationPolicy:
    """Thresholds a supervisor may tune."""

    low_confidence: float = 0.5
    low_confidence_turns: int = 2
    model_handoff_confidence: float = 0.7
    frustration_cues_now: int = 2
    frustration_cues_recent: int = 3
    recent_turns: int = 3
    loop_turns: int = 3
    failed_actions: int = 1


DEFAULT_POLICY = EscalationPolicy()
log = logging.getLogger(__name__)


class Understander(Protocol):
    """Anything that reads a message like `NLU` does."""

    def understand(self, text: str, previous: Sequence[str] = (), language_hint: str = "en") -> Understanding: ...


@dataclass(frozen=True)
class Review:
    """Everything the assistant knows about one customer message before it answers."""

    handoff: HandoffMatch | None
    understanding: Understanding | None
    escalation: Escalation | None


def review(
    nlu: Understander,
    text: str,
    history: Sequence[PriorTurn],
    previous: Sequence[str] = (),
    policy: EscalationPolicy = DEFAULT_POLICY,
) -> Review:
    """Check for an explicit request first, then the model; a failing model hands the customer to a human."""
    handoff = wants_human(text)
    language = history[-1].understanding.language if history else "en"
    try:
        current = nlu.understand(text, previous, language_hint=language)
    except Exception:  # any model failure must end with a person, never with a stuck customer
        log.exception("NLU failed; escalating")
        reason = EscalationReason.EXPLICIT_REQUEST if handoff else EscalationReason.MODEL_UNAVAILABLE
        return Review(handoff, None, Escalation(reason, "nlu failed", None, False))
    return Review(handoff, current, decide(history, current, handoff, policy))


_SMALL_TALK = frozenset({Intent.GREETING, Intent.THANKS, Intent.GOODBYE})
Rule = Callable[[Sequence[PriorTurn], Understanding, EscalationPolicy], Escalation | None]


def decide(
    history: Sequence[PriorTurn],
    current: Understanding,
    wants_human: HandoffMatch | None,
    policy: EscalationPolicy = DEFAULT_POLICY,
) -> Escalation | None:
    """Return the first escalation rule that fires for this message, or None to let the assistant answer."""
    if wants_human is not None:
        detail = f"{wants_human.language}:{wants_human.rule}: {wants_human.phrase}"
        return Escalation(EscalationReason.EXPLICIT_REQUEST, detail, current.topic, _is_senior(current))
    for rule in RULES:
        escalation = rule(history, current, policy)
        if escalation is not None:
            return escalation
    return None


def _is_senior(current: Understanding) -> bool:
    """Tell whether the message needs a senior agent (sensitive topic or situation)."""
    return bool(current.sensitive) or current.topic in SENSITIVE_TOPICS


def vulnerability(history: Sequence[PriorTurn], current: Understanding, policy: EscalationPolicy) -> Escalation | None:
    """Escalate a customer who mentions self-harm, abuse, illness or a death."""
    found = [s for s in current.sensitive if s in (Sensitivity.VULNERABILITY, Sensitivity.BEREAVEMENT)]
    if not found:
        return None
    return Escalation(EscalationReason.VULNERABILITY, found[0].value, TOPIC_OF_SENSITIVITY[found[0]], True)


def sensitive_topic(history: Sequence[PriorTurn], current: Understanding,
                    policy: EscalationPolicy) -> Escalation | None:
    """Escalate fraud, hardship and disputes, named by keyword or by a confident intent."""
    if current.sensitive:
        first = current.sensitive[0]
        return Escalation(EscalationReason.SENSITIVE_TOPIC, first.value, TOPIC_OF_SENSITIVITY[first], True)
    if current.topic in SENSITIVE_TOPICS and current.confidence >= policy.low_confidence:
        return Escalation(EscalationReason.SENSITIVE_TOPIC, current.intent.value, current.topic, True)
    return None


def asked_for_human(history: Sequence[PriorTurn], current: Understanding,
                    policy: EscalationPolicy) -> Escalation | None:
    """Escalate when the model reads an implicit request for a person ("can someone else look at this")."""
    if current.intent is Intent.TALK_TO_HUMAN and current.confidence >= policy.model_handoff_confidence:
        return Escalation(EscalationReason.ASKED_FOR_HUMAN, f"confidence {current.confidence:.2f}", None, False)
    return None


def failed_action(history: Sequence[PriorTurn], current: Understanding, policy: EscalationPolicy) -> Escalation | None:
    """Escalate once the assistant's actions have failed often enough."""
    failures = sum(turn.action_failed for turn in history)
    if failures < policy.failed_actions:
        return None
    return Escalation(EscalationReason.FAILED_ACTION, f"{failures} failed", current.topic, _is_senior(current))


def frustration(history: Sequence[PriorTurn], current: Understanding, policy: EscalationPolicy) -> Escalation | None:
    """Escalate a customer showing several frustration cues now or over the last few turns."""
    recent = [turn.understanding for turn in history[-(policy.recent_turns - 1) :]] + [current]
    total = sum(len(u.frustration) for u in recent)
    if not current.frustration:
        return None
    if len(current.frustration) < policy.frustration_cues_now and total < policy.frustration_cues_recent:
        return None
    cues = ",".join(sorted({cue.value for u in recent for cue in u.frustration}))
    return Escalation(EscalationReason.FRUSTRATION, cues, current.topic, _is_senior(current))


def low_confidence(history: Sequence[PriorTurn], current: Understanding, policy: EscalationPolicy) -> Escalation | None:
    """Escalate when the assistant has not understood the customer several times in a row."""
    needed = policy.low_confidence_turns
    recent = [turn.understanding for turn in history[-(needed - 1) :]] + [current] if needed > 1 else [current]
    if len(recent) < needed or any(u.confidence >= policy.low_confidence for u in recent):
        return None
    return Escalation(EscalationReason.LOW_CONFIDENCE, f"{needed} turns below {policy.low_confidence}", None, False)


def loop(history: Sequence[PriorTurn], current: Understanding, policy: EscalationPolicy) -> Escalation | None:
    """Escalate when the customer keeps coming back to the same need."""
    recent = [turn.understanding.intent for turn in history[-(policy.loop_turns - 1) :]] + [current.intent]
    if len(recent) < policy.loop_turns or len(set(recent)) != 1 or current.intent in _SMALL_TALK:
        return None
    return Escalation(
        EscalationReason.LOOP, f"{current.intent.value} x{policy.loop_turns}", current.topic, _is_senior(current)
    )


RULES: tuple[Rule, ...] = (
    vulnerability,
    sensitive_topic,
    asked_for_human,
    failed_action,
    frustration,
    low_confidence,
    loop,
)

"""The escalation policy: rules in a fixed order, each recording its reason."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Sequence
from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tandem.domain.skills import Topic
from tandem.engines.assistant.escalation import EscalationPolicy, EscalationReason, PriorTurn, decide, review
from tandem.engines.assistant.handoff import HandoffMatch, wants_human
from tandem.engines.assistant.nlu.intents import TOPIC_OF, Intent
from tandem.engines.assistant.nlu.sensitive import Sensitivity
from tandem.engines.assistant.nlu.signals import FrustrationCue
from tandem.engines.assistant.nlu.understanding import Understanding

CALM = Understanding("en", Intent.PAYMENT_SCHEDULE, Topic.PAYMENTS, 0.93, 0.1)


def understood(intent: Intent = Intent.PAYMENT_SCHEDULE, confidence: float = 0.9, **changes: object) -> Understanding:
    return replace(CALM, intent=intent, topic=TOPIC_OF[intent], confidence=confidence, **changes)  # type: ignore[arg-type]


def test_calm_confident_message_is_not_escalated() -> None:
    assert decide([], CALM, None) is None


def test_explicit_request_always_escalates_first() -> None:
    match = wants_human("I want to talk to a human")
    decision = decide([], understood(Intent.GREETING, 0.99), match)
    assert decision is not None and decision.reason is EscalationReason.EXPLICIT_REQUEST
    assert "human" in decision.detail


@given(
    st.sampled_from(list(Intent)),
    st.floats(0, 1),
    st.floats(-1, 1),
    st.lists(st.booleans(), max_size=4),
)
def test_explicit_request_wins_whatever_the_model_says(
    intent: Intent, confidence: float, polarity: float, failures: list[bool]
) -> None:
    current = understood(intent, confidence, sentiment=polarity)
    history = [PriorTurn(current, failed) for failed in failures]
    decision = decide(history, current, HandoffMatch("en", "en.solo", "agent"))
    assert decision is not None and decision.reason is EscalationReason.EXPLICIT_REQUEST


def test_low_confidence_twice_escalates_but_once_does_not() -> None:
    unsure = understood(Intent.OTHER, 0.3)
    assert decide([PriorTurn(CALM)], unsure, None) is None
    decision = decide([PriorTurn(unsure)], unsure, None)
    assert decision is not None and decision.reason is EscalationReason.LOW_CONFIDENCE


def test_same_intent_three_times_is_a_loop() -> None:
    asking = understood(Intent.REFUND_STATUS, 0.9)
    assert decide([PriorTurn(asking)], asking, None) is None
    decision = decide([PriorTurn(asking), PriorTurn(asking)], asking, None)
    assert decision is not None and decision.reason is EscalationReason.LOOP


def test_small_talk_repeated_is_not_a_loop() -> None:
    hello = understood(Intent.GREETING, 0.9)
    assert decide([PriorTurn(hello), PriorTurn(hello)], hello, None) is None


def test_frustration_cues_escalate() -> None:
    angry = understood(frustration=(FrustrationCue.SHOUTING, FrustrationCue.DID_NOT_HELP))
    decision = decide([], angry, None)
    assert decision is not None and decision.reason is EscalationReason.FRUSTRATION
    assert "shouting" in decision.detail


def test_frustration_builds_up_over_turns() -> None:
    annoyed = understood(frustration=(FrustrationCue.EXCLAMATION_RUN,))
    assert decide([], annoyed, None) is None
    decision = decide([PriorTurn(annoyed), PriorTurn(annoyed)], replace(annoyed, intent=Intent.LATE_FEE), None)
    assert decision is not None and decision.reason is EscalationReason.FRUSTRATION


def test_failed_action_escalates() -> None:
    decision = decide([PriorTurn(CALM, action_failed=True)], CALM, None)
    assert decision is not None and decision.reason is EscalationReason.FAILED_ACTION


def test_sensitive_keyword_needs_senior_agent() -> None:
    decision = decide([], understood(sensitive=(Sensitivity.FRAUD,)), None)
    assert decision is not None and decision.reason is EscalationReason.SENSITIVE_TOPIC
    assert decision.senior and decision.topic is Topic.FRAUD


def test_confident_sensitive_intent_escalates_without_keywords() -> None:
    decision = decide([], understood(Intent.HARDSHIP, 0.8), None)
    assert decision is not None and decision.reason is EscalationReason.SENSITIVE_TOPIC
    assert decision.topic is Topic.HARDSHIP


def test_bereavement_is_vulnerability() -> None:
    decision = decide([], understood(sensitive=(Sensitivity.BEREAVEMENT,)), None)
    assert decision is not None and decision.reason is EscalationReason.VULNERABILITY and decision.senior


def test_model_reading_of_a_request_escalates_when_confident() -> None:
    assert decide([], understood(Intent.TALK_TO_HUMAN, 0.5), None) is None
    decision = decide([], understood(Intent.TALK_TO_HUMAN, 0.9), None)
    assert decision is not None and decision.reason is EscalationReason.ASKED_FOR_HUMAN


def test_policy_thresholds_are_tunable() -> None:
    strict = EscalationPolicy(low_confidence=0.95, low_confidence_turns=1)
    decision = decide([], CALM, None, strict)
    assert decision is not None and decision.reason is EscalationReason.LOW_CONFIDENCE


class FakeNLU:
    """Returns a fixed reading, or fails like a broken model would."""

    def __init__(self, result: Understanding | None) -> None:
        self.result = result

    def understand(self, text: str, previous: Sequence[str] = (), language_hint: str = "en") -> Understanding:
        if self.result is None:
            raise RuntimeError("model file missing")
        return self.result


def test_review_runs_rules_before_the_model() -> None:
    result = review(FakeNLU(CALM), "agent please", [])
    assert result.handoff is not None and result.understanding is CALM
    assert result.escalation is not None and result.escalation.reason is EscalationReason.EXPLICIT_REQUEST


def test_review_lets_the_assistant_answer_a_calm_message() -> None:
    result = review(FakeNLU(CALM), "when is my next payment?", [PriorTurn(CALM)])
    assert result.escalation is None and result.handoff is None


def test_failing_model_hands_over_to_a_human(caplog: pytest.LogCaptureFixture) -> None:
    result = review(FakeNLU(None), "when is my next payment?", [])
    assert result.understanding is None
    assert result.escalation is not None and result.escalation.reason is EscalationReason.MODEL_UNAVAILABLE
    explicit = review(FakeNLU(None), "I want a human", [])
    assert explicit.escalation is not None and explicit.escalation.reason is EscalationReason.EXPLICIT_REQUEST


def test_rules_import_no_model_libraries() -> None:
    code = (
        "import sys, tandem.engines.assistant.escalation, tandem.engines.assistant.handoff\n"
        "import tandem.engines.assistant.human_request\n"
        "print([m for m in ('onnxruntime', 'sklearn', 'scipy', 'tokenizers', 'numpy') if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"

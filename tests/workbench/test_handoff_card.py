"""The handoff card names why a conversation came to a person, for every escalation reason."""

from __future__ import annotations


def test_every_escalation_reason_has_words_on_the_handoff_card() -> None:
    from tandem.engines.assistant.escalation import EscalationReason
    from tandem.services.handoff_summary import REASONS

    assert sorted(set(EscalationReason) - set(REASONS)) == []

"""The record the NLU produces; importing it loads no model code (escalation rules depend only on this)."""

from __future__ import annotations

from dataclasses import dataclass

from tandem.domain.skills import Topic
from tandem.engines.assistant.nlu.intents import Intent
from tandem.engines.assistant.nlu.sensitive import Sensitivity
from tandem.engines.assistant.nlu.signals import FrustrationCue


@dataclass(frozen=True)
class Understanding:
    """What the NLU made of one customer message."""

    language: str
    intent: Intent
    topic: Topic | None
    confidence: float
    sentiment: float
    frustration: tuple[FrustrationCue, ...] = ()
    sensitive: tuple[Sensitivity, ...] = ()

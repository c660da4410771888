"""The assistant seam: what the conversation service hands the assistant and what it gets back."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol


@dataclass(frozen=True, slots=True)
class Turn:
    """One earlier message of the conversation, already masked."""

    author: str
    text: str
    intent: str | None = None
    no_answer: bool = False


@dataclass(frozen=True, slots=True)
class TurnContext:
    """Everything the assistant may use for one reply: this conversation only, masked."""

    conversation_id: str
    text: str
    language: str
    history: Sequence[Turn] = ()
    customer_ref: str | None = None


@dataclass(frozen=True, slots=True)
class Citation:
    article_id: str
    title: str


@dataclass(frozen=True, slots=True)
class AssistantTurn:
    """The assistant's reply and what it understood; escalation names a reason when a human should take over."""

    text: str
    citations: tuple[Citation, ...] = ()
    escalation: str | None = None
    intent: str | None = None
    topic: str | None = None
    confidence: float = 0.0
    sentiment: float | None = None
    language: str | None = None
    no_answer: bool = False
    actions: tuple[dict[str, object], ...] = field(default=())


class Assistant(Protocol):
    """Answer one customer message."""

    def respond(self, ctx: TurnContext) -> AssistantTurn: ...

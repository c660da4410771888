"""Conversation lifecycle."""

from __future__ import annotations

from enum import StrEnum

from tandem.domain.lifecycle import check_move


class ConversationState(StrEnum):
    AI = "ai"
    WAITING_HUMAN = "waiting_human"
    OFFERED = "offered"
    WITH_HUMAN = "with_human"
    RESOLVED = "resolved"
    ABANDONED = "abandoned"


C = ConversationState

CONVERSATION_MOVES: dict[ConversationState, frozenset[ConversationState]] = {
    C.AI: frozenset({C.WAITING_HUMAN, C.RESOLVED}),
    # a customer may leave the queue; the dispatcher offers it to an agent
    C.WAITING_HUMAN: frozenset({C.OFFERED, C.ABANDONED, C.WITH_HUMAN}),
    # every offer was declined/expired/rescinded -> back to waiting; one accepted -> with_human
    C.OFFERED: frozenset({C.WAITING_HUMAN, C.WITH_HUMAN, C.ABANDONED}),
    # transfer or agent lost -> waiting again; hand back to the assistant -> ai
    C.WITH_HUMAN: frozenset({C.RESOLVED, C.WAITING_HUMAN, C.AI}),
    C.RESOLVED: frozenset(),
    C.ABANDONED: frozenset(),
}

QUEUED_STATES = frozenset({C.WAITING_HUMAN, C.OFFERED})


def move_conversation(current: ConversationState, target: ConversationState) -> ConversationState:
    """Return the new state or raise IllegalTransition."""
    return check_move("conversation", CONVERSATION_MOVES, current, target)


class Author(StrEnum):
    CUSTOMER = "customer"
    AI = "ai"
    AGENT = "agent"
    SYSTEM = "system"

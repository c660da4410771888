from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tandem.core.errors import IllegalTransition
from tandem.domain.conversation import CONVERSATION_MOVES, ConversationState, move_conversation
from tandem.domain.offer import OFFER_MOVES, OfferState, move_offer
from tandem.domain.presence import PRESENCE_MOVES, Presence, move_presence

CASES = [
    (ConversationState, CONVERSATION_MOVES, move_conversation),
    (OfferState, OFFER_MOVES, move_offer),
    (Presence, PRESENCE_MOVES, move_presence),
]


@pytest.mark.parametrize(("enum", "moves", "move"), CASES)
def test_every_pair_is_either_allowed_or_refused(enum, moves, move) -> None:  # type: ignore[no-untyped-def]
    for a in enum:
        for b in enum:
            if b in moves[a]:
                assert move(a, b) is b
            else:
                with pytest.raises(IllegalTransition):
                    move(a, b)


def test_conversation_lifecycle_matches_design() -> None:
    c = ConversationState
    path = [c.AI, c.WAITING_HUMAN, c.OFFERED, c.WITH_HUMAN, c.RESOLVED]
    for a, b in zip(path, path[1:], strict=False):
        assert move_conversation(a, b) is b
    assert move_conversation(c.AI, c.RESOLVED) is c.RESOLVED
    assert move_conversation(c.WAITING_HUMAN, c.ABANDONED) is c.ABANDONED
    assert move_conversation(c.WITH_HUMAN, c.WAITING_HUMAN) is c.WAITING_HUMAN
    for terminal in (c.RESOLVED, c.ABANDONED):
        assert not CONVERSATION_MOVES[terminal]


def test_offer_settles_once() -> None:
    for end in (OfferState.ACCEPTED, OfferState.DECLINED, OfferState.EXPIRED, OfferState.RESCINDED):
        move_offer(OfferState.PENDING, end)
        with pytest.raises(IllegalTransition):
            move_offer(end, OfferState.ACCEPTED)


@given(st.lists(st.sampled_from(list(ConversationState)), max_size=30))
def test_random_walks_never_leave_a_terminal_state(targets: list[ConversationState]) -> None:
    state = ConversationState.AI
    for target in targets:
        try:
            state = move_conversation(state, target)
        except IllegalTransition as exc:
            assert target not in CONVERSATION_MOVES[state]
            assert exc.details == {"current": state.value, "target": target.value}
    if state in (ConversationState.RESOLVED, ConversationState.ABANDONED):
        for target in ConversationState:
            with pytest.raises(IllegalTransition):
                move_conversation(state, target)

"""Offer lifecycle: a reservation of one conversation for one agent."""

from __future__ import annotations

from enum import StrEnum

from tandem.domain.lifecycle import check_move


class OfferState(StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"
    RESCINDED = "rescinded"


O = OfferState  # noqa: E741

OFFER_MOVES: dict[OfferState, frozenset[OfferState]] = {
    O.PENDING: frozenset({O.ACCEPTED, O.DECLINED, O.EXPIRED, O.RESCINDED}),
    O.ACCEPTED: frozenset(),
    O.DECLINED: frozenset(),
    O.EXPIRED: frozenset(),
    O.RESCINDED: frozenset(),
}


def move_offer(current: OfferState, target: OfferState) -> OfferState:
    """Return the new state or raise IllegalTransition."""
    return check_move("offer", OFFER_MOVES, current, target)

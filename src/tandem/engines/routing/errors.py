"""Errors the routing engine raises, on top of the domain's TandemError family."""

from __future__ import annotations

from tandem.core.errors import Conflict


class OfferNotPending(Conflict):
    """An accept or decline arrived for an offer that is no longer pending."""

    code = "offer_not_pending"

    def __init__(self, offer_id: str, state: str) -> None:
        super().__init__(
            f"offer {offer_id!r} is {state}, not pending; it can no longer be accepted or declined",
            offer_id=offer_id,
            state=state,
        )
        self.offer_id = offer_id
        self.state = state

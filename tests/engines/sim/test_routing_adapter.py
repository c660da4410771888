"""The production router as the simulator drives it: offer records and the adapter's seam."""

from __future__ import annotations

from tandem.domain.offer import OfferState
from tandem.domain.skills import Tier
from tandem.engines.routing.engine import Router
from tandem.engines.routing.values import AgentSpec


def test_closed_offer_records_keep_ids_and_times() -> None:
    r = Router()
    r.login(AgentSpec("a", {"payments": Tier.VERIFIED}, frozenset({"en"})), 0.0)
    r.escalate("c1", "payments", "en", 1.0)
    (offer,) = r.dispatch(1.0)
    done = r.accept(offer.offer_id, 3.0).offer
    assert (done.offer_id, done.conversation_id, done.agent_id) == (offer.offer_id, "c1", "a")
    assert (done.created_at, done.expires_at, done.state, done.ended_at) == (1.0, offer.expires_at,
                                                                            OfferState.ACCEPTED, 3.0)
    r.escalate("c2", "payments", "en", 4.0)
    r.resolve("c1", 5.0)
    (second,) = r.dispatch(5.0)
    (lapsed,) = r.expire(second.expires_at)
    assert (lapsed.offer_id, lapsed.state, lapsed.ended_at, lapsed.reason) == (
        second.offer_id, OfferState.EXPIRED, second.expires_at, "timeout")

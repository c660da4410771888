"""Offers, capacity, agents coming and going, snapshots."""

from __future__ import annotations

import pytest

from tandem.core.errors import Conflict, IllegalTransition, InvalidInput, NotFound
from tandem.domain.conversation import ConversationState
from tandem.domain.offer import OfferState
from tandem.domain.presence import Presence
from tandem.domain.skills import Tier
from tandem.engines.routing import (
    AgentSpec,
    OfferNotPending,
    RelaxStep,
    Router,
    RoutingConfig,
    restore,
    take_snapshot,
)

T0 = 1_700_000_000.0
W = ConversationState.WAITING_HUMAN


def spec(agent_id: str, capacity: int = 1, topic: str = "payments") -> AgentSpec:
    """Return a verified English agent for one topic."""
    return AgentSpec(agent_id, {topic: Tier.VERIFIED}, frozenset({"en"}), capacity)


def one_offer(r: Router, now: float, cid: str = "c1") -> str:
    """Escalate cid, dispatch and return the single offer's id."""
    r.escalate(cid, "payments", "en", now)
    (offer,) = r.dispatch(now)
    return offer.offer_id


def test_offer_record_carries_timeout() -> None:
    r = Router(RoutingConfig(offer_timeout_s=7))
    r.login(spec("a"), T0)
    r.escalate("c1", "payments", "en", T0)
    (offer,) = r.dispatch(T0 + 1)
    assert (offer.conversation_id, offer.agent_id, offer.created_at, offer.expires_at) == ("c1", "a", T0 + 1, T0 + 8)
    assert offer.state is OfferState.PENDING
    assert r.state_of("c1") is ConversationState.OFFERED


def test_capacity_counts_pending_offers_and_assignments() -> None:
    r = Router()
    r.login(spec("a", capacity=2), T0)
    for i in range(4):
        r.escalate(f"c{i}", "payments", "en", T0 + i)
    offers = r.dispatch(T0 + 5)
    assert len(offers) == 2
    r.accept(offers[0].offer_id, T0 + 6)
    assert r.load_of("a") == (1, 1, 2)
    assert r.dispatch(T0 + 7) == []
    r.resolve(offers[0].conversation_id, T0 + 8)
    assert [o.conversation_id for o in r.dispatch(T0 + 8)] == ["c2"]


def test_decline_reoffers_to_someone_else_and_not_back_until_cooldown() -> None:
    r = Router(RoutingConfig(decline_cooldown_s=100))
    r.login(spec("a"), T0)
    oid = one_offer(r, T0)
    declined = r.decline(oid, T0 + 1, reason="busy")
    assert (declined.state, declined.reason, declined.ended_at) == (OfferState.DECLINED, "busy", T0 + 1)
    assert r.dispatch(T0 + 1) == []
    r.login(spec("b"), T0 + 2)
    (offer,) = r.dispatch(T0 + 2)
    assert offer.agent_id == "b"
    r.decline(offer.offer_id, T0 + 3)
    assert r.dispatch(T0 + 99) == []
    (again,) = r.dispatch(T0 + 101)  # a's cooldown is over; no new event was needed
    assert again.agent_id == "a"


def test_expiry_reoffers_and_late_accept_is_refused() -> None:
    r = Router(RoutingConfig(offer_timeout_s=20))
    r.login(spec("a"), T0)
    r.login(spec("b"), T0 + 1)
    oid = one_offer(r, T0 + 2)
    with pytest.raises(OfferNotPending, match="expired"):
        r.accept(oid, T0 + 22)
    (expired,) = r.expire(T0 + 22)
    assert (expired.offer_id, expired.state) == (oid, OfferState.EXPIRED)
    assert r.state_of("c1") is W
    (offer,) = r.dispatch(T0 + 22)
    assert offer.agent_id == "b"


def test_accepting_twice_or_a_rescinded_offer_raises_clearly() -> None:
    r = Router()
    r.login(spec("a"), T0)
    oid = one_offer(r, T0)
    r.accept(oid, T0 + 1)
    with pytest.raises(OfferNotPending, match="accepted") as err:
        r.accept(oid, T0 + 2)
    assert err.value.state == "accepted"
    with pytest.raises(OfferNotPending, match="unknown"):
        r.decline("off_nope", T0 + 2)


def test_broadcast_first_accept_wins_and_the_rest_are_rescinded() -> None:
    r = Router(RoutingConfig(broadcast=3))
    for name in "abcd":
        r.login(spec(name), T0)
    r.escalate("c1", "payments", "en", T0)
    offers = r.dispatch(T0)
    assert len(offers) == 3 and len({o.agent_id for o in offers}) == 3
    won = r.accept(offers[1].offer_id, T0 + 1)
    assert won.offer.agent_id == offers[1].agent_id
    assert sorted(o.offer_id for o in won.rescinded) == sorted([offers[0].offer_id, offers[2].offer_id])
    assert all(o.state is OfferState.RESCINDED for o in won.rescinded)
    with pytest.raises(OfferNotPending, match="rescinded"):
        r.accept(offers[0].offer_id, T0 + 2)
    assert r.load_of(offers[0].agent_id) == (0, 0, 1)


def test_broadcast_returns_to_queue_only_when_every_offer_failed() -> None:
    r = Router(RoutingConfig(broadcast=2))
    r.login(spec("a"), T0)
    r.login(spec("b"), T0)
    r.escalate("c1", "payments", "en", T0)
    first, second = r.dispatch(T0)
    r.decline(first.offer_id, T0 + 1)
    assert r.state_of("c1") is ConversationState.OFFERED
    r.decline(second.offer_id, T0 + 2)
    assert r.state_of("c1") is W


def test_logout_rescinds_offers_and_requeues_with_original_wait() -> None:
    r = Router()
    r.login(spec("a", capacity=2), T0)
    oid = one_offer(r, T0, "c1")
    r.accept(oid, T0 + 1)
    one_offer(r, T0 + 2, "c2")
    r.escalate("later", "payments", "en", T0 + 3)
    released = r.logout("a", T0 + 4)
    assert released.requeued == ("c1",)
    assert [o.conversation_id for o in released.rescinded] == ["c2"]
    assert r.waiting() == ["c1", "c2", "later"]
    with pytest.raises(NotFound):
        r.load_of("a")


def test_silent_agents_are_dropped_after_the_heartbeat_timeout() -> None:
    r = Router(RoutingConfig(heartbeat_timeout_s=30))
    r.login(spec("quiet"), T0)
    r.login(spec("chatty"), T0)
    oid = one_offer(r, T0)
    r.heartbeat("chatty", T0 + 20)
    assert r.drop_silent(T0 + 29) == []
    (dropped,) = r.drop_silent(T0 + 30)
    assert dropped.agent_id == "quiet" and dropped.rescinded[0].offer_id == oid
    assert r.state_of("c1") is W
    assert r.drop_silent(T0 + 49) == []
    assert [d.agent_id for d in r.drop_silent(T0 + 50)] == ["chatty"]


def test_away_agents_get_no_offers_until_back() -> None:
    r = Router()
    r.login(spec("a"), T0)
    r.set_presence("a", Presence.AWAY, T0)
    r.escalate("c1", "payments", "en", T0)
    assert r.dispatch(T0) == []
    r.set_presence("a", Presence.AVAILABLE, T0 + 1)
    assert [o.agent_id for o in r.dispatch(T0 + 1)] == ["a"]
    with pytest.raises(IllegalTransition):
        r.set_presence("a", Presence.AVAILABLE, T0 + 2)


def test_transfer_keeps_the_original_wait_and_skips_the_transferring_agent() -> None:
    r = Router()
    r.login(spec("pay"), T0)
    r.login(AgentSpec("ref", {"refunds": Tier.VERIFIED, "payments": Tier.VERIFIED}, frozenset({"en"}), 1), T0 + 1)
    oid = one_offer(r, T0 + 2)
    assert r.accept(oid, T0 + 3).offer.agent_id == "pay"
    r.escalate("newer", "refunds", "en", T0 + 4)
    r.transfer("c1", T0 + 5, topic="refunds")
    assert r.waiting() == ["c1", "newer"]
    (offer,) = r.dispatch(T0 + 5)
    assert (offer.conversation_id, offer.agent_id) == ("c1", "ref")


def test_transfer_of_a_conversation_that_is_only_offered_is_refused_and_changes_nothing() -> None:
    r = Router()
    r.login(spec("a"), T0)
    oid = one_offer(r, T0)
    with pytest.raises(Conflict):
        r.transfer("c1", T0 + 1, topic="refunds")
    assert r.state_of("c1") == ConversationState.OFFERED
    assert r.accept(oid, T0 + 2).offer.agent_id == "a"  # the offer still stands


def test_abandon_rescinds_and_forgets() -> None:
    r = Router()
    r.login(spec("a"), T0)
    oid = one_offer(r, T0)
    (rescinded,) = r.abandon("c1", T0 + 1)
    assert rescinded.offer_id == oid
    with pytest.raises(NotFound):
        r.state_of("c1")
    assert r.load_of("a") == (0, 0, 1)


def test_illegal_moves_and_bad_input_raise() -> None:
    r = Router()
    r.login(spec("a"), T0)
    with pytest.raises(Conflict):
        r.login(spec("a"), T0)
    with pytest.raises(InvalidInput):
        r.login(spec("z", capacity=0), T0)
    r.escalate("c1", "payments", "en", T0)
    with pytest.raises(Conflict):
        r.escalate("c1", "payments", "en", T0)
    with pytest.raises(IllegalTransition):
        r.resolve("c1", T0)
    with pytest.raises(ValueError):
        RoutingConfig(relax_steps=(RelaxStep(0, Tier.NEW), RelaxStep(10, Tier.SENIOR)))


def test_snapshot_restore_resumes_without_losing_or_duplicating() -> None:
    r = Router()
    r.login(spec("a", capacity=2), T0)
    r.login(spec("b"), T0)
    assigned = one_offer(r, T0, "c1")
    r.accept(assigned, T0 + 1)
    pending = one_offer(r, T0 + 2, "c2")
    r.escalate("c3", "payments", "en", T0 + 3)
    r.decline(pending, T0 + 3)
    snap = take_snapshot(r)
    r2 = restore(snap, T0 + 4)
    assert take_snapshot(r2) == snap
    assert r2.assignee_of("c1") == r.assignee_of("c1")
    new = r2.dispatch(T0 + 4)
    assert {o.offer_id for o in new}.isdisjoint({assigned, pending})
    assert sorted(o.conversation_id for o in new) == sorted(o.conversation_id for o in r.dispatch(T0 + 4))


def test_restore_requeues_work_of_agents_that_are_gone() -> None:
    r = Router()
    r.login(spec("a"), T0)
    r.accept(one_offer(r, T0, "c1"), T0 + 1)
    snap = take_snapshot(r)
    r2 = restore(snap.__class__(agents=(), conversations=snap.conversations, offers=()), T0 + 2)
    assert r2.waiting() == ["c1"]


def test_hand_back_to_ai_frees_the_slot() -> None:
    r = Router()
    r.login(spec("a"), T0)
    r.accept(one_offer(r, T0, "c1"), T0 + 1)
    r.escalate("c2", "payments", "en", T0 + 2)
    assert r.dispatch(T0 + 2) == []
    r.hand_back_to_ai("c1", T0 + 3)
    assert [o.conversation_id for o in r.dispatch(T0 + 3)] == ["c2"]


def test_update_agent_adds_a_skill_and_capacity() -> None:
    r = Router()
    r.login(spec("a"), T0)
    r.escalate("c1", "refunds", "en", T0)
    assert r.dispatch(T0) == []
    r.update_agent(AgentSpec("a", {"payments": Tier.VERIFIED, "refunds": Tier.VERIFIED}, frozenset({"en"}), 2), T0 + 1)
    assert [o.conversation_id for o in r.dispatch(T0 + 1)] == ["c1"]
    assert r.load_of("a") == (0, 1, 2)


def test_tick_expires_drops_and_dispatches_in_one_round() -> None:
    r = Router(RoutingConfig(offer_timeout_s=20, heartbeat_timeout_s=30))
    r.login(spec("a"), T0)
    oid = one_offer(r, T0)
    r.login(spec("b"), T0 + 25)
    tick = r.tick(T0 + 30)
    assert [o.offer_id for o in tick.expired] == [oid]
    assert [d.agent_id for d in tick.dropped] == ["a"]
    assert [(o.conversation_id, o.agent_id) for o in tick.offers] == [("c1", "b")]


def test_next_wakeup_is_the_end_of_a_decline_cool_down() -> None:
    r = Router(RoutingConfig(decline_cooldown_s=30))
    assert r.next_wakeup() == float("inf")
    r.login(spec("a"), T0)
    r.decline(one_offer(r, T0), T0 + 2)
    assert r.dispatch(T0 + 3) == []  # the only agent declined: nobody to offer it to until the cool-down ends
    assert r.next_wakeup() == T0 + 32
    assert [o.agent_id for o in r.dispatch(r.next_wakeup())] == ["a"]

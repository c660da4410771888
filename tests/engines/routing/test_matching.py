"""Who gets which conversation: skills, tiers, languages, relaxation, priority and fairness."""

from __future__ import annotations

from tandem.domain.conversation import ConversationState
from tandem.domain.skills import Tier
from tandem.engines.routing import AgentSpec, RelaxStep, Router, RoutingConfig, least_earned_today

T0 = 1_700_000_000.0


def spec(agent_id: str, skills: dict[str, Tier] | None = None, languages: str = "en", capacity: int = 1,
         ) -> AgentSpec:
    """Return an agent spec; languages as a comma-separated string."""
    return AgentSpec(agent_id, skills or {"payments": Tier.VERIFIED}, frozenset(languages.split(",")), capacity)


def router(**config: object) -> Router:
    """Return a router with the given RoutingConfig fields."""
    return Router(RoutingConfig(**config))  # type: ignore[arg-type]


def offered_to(offers: list, conversation_id: str) -> list[str]:
    """Return the agent ids a conversation was offered to."""
    return sorted(o.agent_id for o in offers if o.conversation_id == conversation_id)


def test_offers_go_to_an_agent_with_the_topic_and_language() -> None:
    r = router()
    r.login(spec("de", {"payments": Tier.SENIOR}, "de"), T0)
    r.login(spec("ref", {"refunds": Tier.SENIOR}, "en"), T0)
    r.login(spec("pay", {"payments": Tier.VERIFIED}, "en"), T0)
    r.escalate("c1", "payments", "en", T0)
    assert offered_to(r.dispatch(T0), "c1") == ["pay"]


def test_lowest_sufficient_tier_is_preferred_to_keep_seniors_free() -> None:
    r = router()
    r.login(spec("senior", {"payments": Tier.SENIOR}), T0)
    r.login(spec("verified", {"payments": Tier.VERIFIED}), T0 + 1)
    r.escalate("c1", "payments", "en", T0 + 2)
    assert offered_to(r.dispatch(T0 + 2), "c1") == ["verified"]


def test_fair_tier_mode_compares_fairness_across_tiers() -> None:
    r = router(prefer_lowest_tier=False)
    r.login(spec("senior", {"payments": Tier.SENIOR}), T0)
    r.login(spec("verified", {"payments": Tier.VERIFIED}), T0 + 1)
    r.escalate("c1", "payments", "en", T0 + 2)
    assert offered_to(r.dispatch(T0 + 2), "c1") == ["senior"]  # idle longest


def test_new_tier_waits_until_the_relaxation_step() -> None:
    r = router()
    r.login(spec("rookie", {"payments": Tier.NEW}), T0)
    r.escalate("c1", "payments", "en", T0)
    assert r.dispatch(T0 + 59) == []
    assert offered_to(r.dispatch(T0 + 60), "c1") == ["rookie"]


def test_sensitive_topics_need_a_senior_however_long_they_wait() -> None:
    r = router()
    r.login(spec("verified", {"fraud": Tier.VERIFIED}), T0)
    r.escalate("c1", "fraud", "en", T0)
    assert r.dispatch(T0 + 3600) == []
    r.login(spec("senior", {"fraud": Tier.SENIOR}), T0 + 3600)
    assert offered_to(r.dispatch(T0 + 3600), "c1") == ["senior"]


def test_sensitive_floor_can_be_relaxed_by_explicit_config() -> None:
    r = router(sensitive_min_tier=Tier.VERIFIED)
    r.login(spec("verified", {"fraud": Tier.VERIFIED}), T0)
    r.escalate("c1", "fraud", "en", T0)
    assert offered_to(r.dispatch(T0), "c1") == ["verified"]


def test_language_falls_back_to_english_only_after_the_step() -> None:
    r = router()
    r.login(spec("en", {"payments": Tier.VERIFIED}, "en"), T0)
    r.escalate("c1", "payments", "sv", T0)
    assert r.dispatch(T0 + 119) == []
    assert offered_to(r.dispatch(T0 + 120), "c1") == ["en"]


def test_custom_steps_and_fallbacks() -> None:
    steps = (RelaxStep(0, Tier.SENIOR), RelaxStep(10, Tier.NEW, fallback_language=True))
    r = router(relax_steps=steps, fallback_languages={"nb": ("sv",)})
    r.login(spec("sv", {"payments": Tier.NEW}, "sv"), T0)
    r.login(spec("en", {"payments": Tier.SENIOR}, "en"), T0)
    r.escalate("c1", "payments", "nb", T0)
    assert r.dispatch(T0 + 9) == []
    assert offered_to(r.dispatch(T0 + 10), "c1") == ["sv"]


def test_higher_priority_then_longest_wait_goes_first() -> None:
    r = router()
    r.escalate("old", "payments", "en", T0)
    r.escalate("new", "payments", "en", T0 + 5)
    r.escalate("vip", "payments", "en", T0 + 9, priority=1)
    assert r.waiting() == ["vip", "old", "new"]
    assert r.position("new") == 3
    r.login(spec("a", capacity=2), T0 + 10)
    assert sorted(o.conversation_id for o in r.dispatch(T0 + 10)) == ["old", "vip"]
    assert r.waiting() == ["new"]


def test_longest_idle_rotates_among_equal_agents() -> None:
    r = router()
    for i, name in enumerate(["a", "b", "c"]):
        r.login(spec(name), T0 + i)
    got = []
    for i in range(3):
        r.escalate(f"c{i}", "payments", "en", T0 + 10 + i)
        (offer,) = r.dispatch(T0 + 10 + i)
        r.accept(offer.offer_id, T0 + 10 + i)
        r.resolve(offer.conversation_id, T0 + 10 + i)
        got.append(offer.agent_id)
    assert got == ["a", "b", "c"]


def test_least_busy_agent_is_preferred_over_a_busier_one() -> None:
    r = router()
    r.login(spec("multi", capacity=4), T0)
    r.login(spec("single", capacity=1), T0 + 1)
    r.escalate("c1", "payments", "en", T0 + 2)
    r.escalate("c2", "payments", "en", T0 + 3)
    offers = r.dispatch(T0 + 3)
    assert offered_to(offers, "c1") == ["multi"]
    assert offered_to(offers, "c2") == ["single"]  # multi is at 1/4, single at 0/1


def test_least_earned_today_policy() -> None:
    r = router(fairness=least_earned_today)
    r.login(spec("rich"), T0)
    r.login(spec("poor"), T0 + 1)
    r.escalate("c1", "payments", "en", T0 + 2)
    (offer,) = r.dispatch(T0 + 2)
    assert offer.agent_id == "rich"  # ties on earnings: seq order
    r.accept(offer.offer_id, T0 + 3)
    r.resolve("c1", T0 + 4, earned=5.0)
    r.escalate("c2", "payments", "en", T0 + 5)
    assert offered_to(r.dispatch(T0 + 5), "c2") == ["poor"]


def test_freed_agent_takes_the_best_waiting_conversation() -> None:
    r = router()
    r.login(spec("a"), T0)
    r.escalate("first", "payments", "en", T0)
    (offer,) = r.dispatch(T0)
    r.accept(offer.offer_id, T0 + 1)
    r.escalate("low", "payments", "en", T0 + 2)
    r.escalate("high", "payments", "en", T0 + 3, priority=2)
    assert r.dispatch(T0 + 3) == []
    r.resolve("first", T0 + 4)
    assert offered_to(r.dispatch(T0 + 4), "high") == ["a"]
    assert r.state_of("low") is ConversationState.WAITING_HUMAN


def test_agent_in_two_topics_takes_the_older_conversation_across_topics() -> None:
    r = router()
    r.escalate("refund", "refunds", "en", T0)
    r.escalate("payment", "payments", "en", T0 + 1)
    r.login(spec("a", {"payments": Tier.VERIFIED, "refunds": Tier.VERIFIED}), T0 + 2)
    assert offered_to(r.dispatch(T0 + 2), "refund") == ["a"]


def test_an_agent_whose_load_drops_is_ranked_by_its_new_key_at_once() -> None:
    r = router()
    r.login(spec("a", capacity=2), T0)
    r.login(spec("b", capacity=3), T0 + 1)
    r.login(spec("d", capacity=1), T0 + 2)
    got = []
    for i, cid in enumerate(["c1", "c2", "c3"]):
        r.escalate(cid, "payments", "en", T0 + 10 + i)
        (offer,) = r.dispatch(T0 + 10 + i)
        r.accept(offer.offer_id, T0 + 10 + i)
        got.append(offer.agent_id)
    assert got == ["a", "b", "d"]
    r.resolve("c1", T0 + 13)  # a: 0 of 2 busy now, b: 1 of 3
    r.escalate("c4", "payments", "en", T0 + 14)
    assert offered_to(r.dispatch(T0 + 14), "c4") == ["a"]

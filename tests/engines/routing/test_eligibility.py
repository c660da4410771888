"""One definition of eligibility: the router offers a conversation exactly when policies.ineligibility allows it.

The live service checks `ineligibility` on claim and for the queue an agent sees (issue 14, finding 1), so the
router's fast matching paths must agree with it; these properties drive both paths (a new conversation looking
for an agent, a new agent looking for a conversation) and the takeover path (restore from a snapshot).
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tandem.domain.skills import Tier
from tandem.engines.routing import (
    AgentRecord,
    AgentSpec,
    ConversationRecord,
    RelaxStep,
    Router,
    RoutingConfig,
    Snapshot,
    ineligibility,
    restore,
)

T0 = 1_700_000_000.0
CONFIGS = (
    RoutingConfig(),
    RoutingConfig(sensitive_topics=frozenset({"payments"}), sensitive_min_tier=Tier.VERIFIED),
    RoutingConfig(relax_steps=(RelaxStep(0.0, Tier.SENIOR), RelaxStep(10.0, Tier.VERIFIED, True),
                               RelaxStep(30.0, Tier.NEW, True))),
)
TOPICS = ("payments", "fraud", "refunds")
skills_st = st.dictionaries(st.sampled_from(TOPICS), st.sampled_from(list(Tier)), max_size=3)
langs_st = st.sets(st.sampled_from(("en", "sv", "fr")), min_size=1, max_size=2)
case = st.tuples(st.sampled_from(CONFIGS), skills_st, langs_st, st.sampled_from(TOPICS),
                 st.sampled_from(("en", "sv", "fr")), st.floats(0, 400, allow_nan=False),
                 st.one_of(st.none(), st.floats(-100, 100, allow_nan=False)))


def _expected(c: tuple) -> bool:  # type: ignore[type-arg]
    config, skills, langs, topic, lang, waited, excl = c
    until = None if excl is None else T0 + excl
    return ineligibility(config, skills, frozenset(langs), topic, lang, waited, until, T0) is None


@given(case)
def test_a_restored_router_offers_exactly_when_eligible(c: tuple) -> None:  # type: ignore[type-arg]
    config, skills, langs, topic, lang, waited, excl = c
    agent = AgentRecord(AgentSpec("a", skills, frozenset(langs), 1))
    excluded = {} if excl is None else {"a": T0 + excl}
    conv = ConversationRecord("c", topic, lang, T0 - waited, excluded=excluded)
    router = restore(Snapshot((agent,), (conv,), ()), T0, config)
    assert bool(router.dispatch(T0)) == _expected(c)


@given(case)
def test_a_new_conversation_or_a_new_agent_finds_exactly_the_eligible(c: tuple) -> None:  # type: ignore[type-arg]
    config, skills, langs, topic, lang, waited, excl = c
    if excl is not None:
        return  # exclusions come from declines, covered by the restored router above
    first = Router(config)
    first.login(AgentSpec("a", skills, frozenset(langs), 1), T0)
    first.escalate("c", topic, lang, T0, waiting_since=T0 - waited)
    assert bool(first.dispatch(T0)) == _expected(c)
    second = Router(config)
    second.escalate("c", topic, lang, T0, waiting_since=T0 - waited)
    second.dispatch(T0)
    second.login(AgentSpec("a", skills, frozenset(langs), 1), T0)
    assert bool(second.dispatch(T0)) == _expected(c)


def test_each_reason_is_named() -> None:
    config = RoutingConfig()
    assert ineligibility(config, {}, {"en"}, "fraud", "en", 0) == "no_skill"
    assert ineligibility(config, {"fraud": Tier.VERIFIED}, {"en"}, "fraud", "en", 999) == "tier"
    assert ineligibility(config, {"payments": Tier.SENIOR}, {"sv"}, "payments", "fr", 0) == "language"
    assert ineligibility(config, {"payments": Tier.SENIOR}, {"en"}, "payments", "fr", 999) is None  # fallback
    assert ineligibility(config, {"payments": Tier.SENIOR}, {"en"}, "payments", "en", 0, T0 + 1, T0) == "excluded"
    assert ineligibility(config, {"payments": Tier.SENIOR}, {"en"}, "payments", "en", 0, T0, T0) is None

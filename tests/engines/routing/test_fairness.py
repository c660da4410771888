"""The offered agent is the one the documented policy picks, after arbitrary earlier traffic."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from tandem.domain.skills import Tier
from tandem.engines.routing import AgentSpec, Router

T0 = 1_700_000_000.0
LANGS = ("en", "sv")

agent_st = st.tuples(st.sampled_from([Tier.NEW, Tier.VERIFIED, Tier.SENIOR]), st.sampled_from(LANGS),
                     st.integers(1, 4))
# each earlier event: (language of a conversation, what its agent does: accept / accept+resolve / decline)
traffic_st = st.lists(st.tuples(st.sampled_from(LANGS), st.sampled_from(["accept", "resolve", "decline"])),
                      max_size=60)


def expected(router: Router, last_offer: dict[str, float], language: str) -> str | None:
    """Brute force: lowest sufficient tier, then least busy fraction, then longest since an offer."""
    best = None
    for aid, agent in router.agents.items():
        assigned, pending, cap = router.load_of(aid)
        tier = agent.skills["payments"]
        if tier < Tier.VERIFIED or language not in agent.languages or assigned + pending >= cap:
            continue
        key = (tier, (assigned + pending) / cap, last_offer[aid])
        if best is None or key < best[0]:
            best = (key, aid)
    return None if best is None else best[1]


@settings(max_examples=300, deadline=None)
@given(agents=st.lists(agent_st, min_size=1, max_size=12), traffic=traffic_st)
def test_each_offer_goes_to_the_agent_the_policy_ranks_first(agents: list, traffic: list) -> None:
    r = Router()
    last_offer: dict[str, float] = {}
    for i, (tier, lang, cap) in enumerate(agents):
        r.login(AgentSpec(f"a{i}", {"payments": tier}, frozenset({lang}), cap), T0 + i)
        last_offer[f"a{i}"] = T0 + i
    now = T0 + 100
    for n, (lang, action) in enumerate(traffic + [("en", "accept"), ("sv", "accept")]):
        now += 1
        r.escalate(f"c{n}", "payments", lang, now)
        want = expected(r, last_offer, lang)
        offers = r.dispatch(now)
        assert [o.agent_id for o in offers] == ([want] if want else [])
        if not offers:
            r.abandon(f"c{n}", now)
            continue
        last_offer[offers[0].agent_id] = now
        if action == "decline":
            r.decline(offers[0].offer_id, now)
            r.abandon(f"c{n}", now)  # keep earlier conversations from competing with later ones
            continue
        r.accept(offers[0].offer_id, now)
        if action == "resolve":
            r.resolve(f"c{n}", now)

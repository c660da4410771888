"""The dispatch hot path's shortcuts behave exactly like the plain code they replace."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tandem.domain.offer import OfferState
from tandem.domain.skills import Tier
from tandem.engines.routing import (
    Accepted,
    AgentSpec,
    OfferRecord,
    RelaxStep,
    Router,
    RoutingConfig,
    relaxed_requirement,
)
from tandem.engines.routing.queue import ConvState, WaitingQueue
from tandem.engines.routing.values import new_accepted, new_offer

T0 = 1_700_000_000.0


def spec(agent_id: str, skills: dict[str, Tier], languages: str = "en", capacity: int = 1) -> AgentSpec:
    return AgentSpec(agent_id, skills, frozenset(languages.split(",")), capacity)


# ---- records ----------------------------------------------------------------------------------------

def test_new_offer_is_the_same_record_as_the_constructor() -> None:
    fast = new_offer("off_1", "c1", "a1", T0, T0 + 20)
    slow = OfferRecord("off_1", "c1", "a1", T0, T0 + 20)
    assert type(fast) is OfferRecord and fast == slow and hash(fast) == hash(slow) and repr(fast) == repr(slow)
    assert fast.state is OfferState.PENDING and fast.ended_at is None and fast.reason is None
    closed = new_offer("off_1", "c1", "a1", T0, T0 + 20, OfferState.DECLINED, T0 + 3, "busy")
    assert closed == OfferRecord("off_1", "c1", "a1", T0, T0 + 20, OfferState.DECLINED, T0 + 3, "busy")
    assert new_offer("o", "c", "a", 1.0, 2.0, reason="x") == OfferRecord("o", "c", "a", 1.0, 2.0, reason="x")
    assert new_accepted(fast, ()) == Accepted(slow, ())


def test_new_offer_records_stay_immutable() -> None:
    offer = new_offer("off_1", "c1", "a1", T0, T0 + 20)
    with pytest.raises(AttributeError):
        offer.state = OfferState.ACCEPTED  # type: ignore[misc]


# ---- relaxation table ---------------------------------------------------------------------------------

CONFIGS = (
    RoutingConfig(),
    RoutingConfig(sensitive_topics=frozenset({"payments"}), sensitive_min_tier=Tier.VERIFIED),
    RoutingConfig(relax_steps=(RelaxStep(0.0, Tier.SENIOR), RelaxStep(10.0, Tier.VERIFIED, True),
                               RelaxStep(30.0, Tier.NEW, True))),
    RoutingConfig(relax_steps=(RelaxStep(0.0, Tier.NEW),)),
)


@given(st.sampled_from(CONFIGS), st.sampled_from(("payments", "fraud", "disputes", "x")),
       st.floats(min_value=-100, max_value=1000, allow_nan=False))
def test_tabulated_requirement_matches_relaxed_requirement(config: RoutingConfig, topic: str, waited: float) -> None:
    tier, fallback, _ = relaxed_requirement(config, topic, waited)
    assert Router(config).match.requirement(topic, waited) == (int(tier), fallback)


# ---- queue index ----------------------------------------------------------------------------------------

@given(st.lists(st.tuples(st.sampled_from(("t1", "t2")), st.sampled_from(("en", "sv")), st.integers(0, 1),
                          st.booleans()), max_size=30))
def test_the_cell_view_of_the_queue_is_the_topic_view(ops: list[tuple[str, str, int, bool]]) -> None:
    queue = WaitingQueue()
    filed: list[ConvState] = []
    for i, (topic, lang, prio, remove) in enumerate(ops):
        if remove and filed:
            queue.discard(filed.pop(0))
        else:
            conv = ConvState(f"c{i}", topic, lang, prio, float(i))
            queue.ticket(conv)
            queue.push(conv)
            filed.append(conv)
    flat = {(t, lang): prios for t, langs in queue.by_topic.items() for lang, prios in langs.items()}
    assert queue.by_cell == flat
    assert all(queue.by_cell[k] is flat[k] for k in flat)
    assert sorted(c.conversation_id for c in queue) == sorted(c.conversation_id for c in filed)


# ---- matching shortcuts -------------------------------------------------------------------------------

def test_a_freed_agent_takes_waiting_work_in_a_language_it_learned() -> None:
    r = Router()
    r.login(spec("a", {"payments": Tier.VERIFIED}, "en"), T0)
    r.escalate("c-en", "payments", "en", T0)
    (offer,) = r.dispatch(T0)
    r.accept(offer.offer_id, T0)
    r.escalate("c-sv", "payments", "sv", T0 + 1)
    assert r.dispatch(T0 + 1) == []
    r.update_agent(spec("a", {"payments": Tier.VERIFIED}, "en,sv"), T0 + 2)
    r.resolve("c-en", T0 + 3)
    assert [o.conversation_id for o in r.dispatch(T0 + 3)] == ["c-sv"]


def test_several_new_conversations_without_a_queue_go_in_queue_order() -> None:
    r = Router()
    r.login(spec("a", {"payments": Tier.VERIFIED}, "en"), T0)
    r.escalate("late", "payments", "en", T0 + 5)
    r.escalate("urgent", "payments", "en", T0 + 6, priority=1)
    r.escalate("early", "payments", "en", T0 + 7, waiting_since=T0)
    assert [o.conversation_id for o in r.dispatch(T0 + 7)] == ["urgent"]
    assert r.waiting() == ["early", "late"]


def test_an_agent_that_just_got_an_offer_is_not_taken_for_current_at_the_top() -> None:
    # after an offer the agent's bucket entry still holds its old key: the next search must re-rank it
    r = Router()
    r.login(spec("busy", {"payments": Tier.VERIFIED}, "en", capacity=2), T0)
    r.login(spec("idle", {"payments": Tier.VERIFIED}, "en", capacity=2), T0 + 1)
    r.escalate("c1", "payments", "en", T0 + 2)
    assert [o.agent_id for o in r.dispatch(T0 + 2)] == ["busy"]
    r.escalate("c2", "payments", "en", T0 + 3)
    assert [o.agent_id for o in r.dispatch(T0 + 3)] == ["idle"]
    r.escalate("c3", "payments", "en", T0 + 4)
    assert [o.agent_id for o in r.dispatch(T0 + 4)] == ["busy"]
    assert r.load_of("busy") == (0, 2, 2)


def test_refresh_reports_whether_the_agent_can_take_work() -> None:
    r = Router()
    r.login(spec("a", {"payments": Tier.VERIFIED}, "en"), T0)
    agent = r.agents["a"]
    assert r.index.refresh(agent) is True
    r.escalate("c1", "payments", "en", T0)
    r.dispatch(T0)
    assert r.index.refresh(agent) is False
    assert list(r.index.agents_in("payments", "en", int(Tier.VERIFIED))) == []

"""The capacity index's lazy entries: dormant agents, re-sunk entries, tie-breaks, and the queue's cell bits."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tandem.domain.presence import Presence
from tandem.domain.skills import Tier
from tandem.engines.routing import AgentSpec, Router, RoutingConfig, most_free_slots
from tandem.engines.routing.queue import ConvState, WaitingQueue

from .structure import check_structures

T0 = 1_700_000_000.0
V = Tier.VERIFIED


def spec(agent_id: str, topics: str, languages: str = "en", capacity: int = 1) -> AgentSpec:
    return AgentSpec(agent_id, dict.fromkeys(topics.split(","), V), frozenset(languages.split(",")), capacity)


def serve(r: Router, cid: str, topic: str, now: float, language: str = "en") -> str | None:
    """Escalate one conversation, dispatch, accept the offer; return who got it."""
    r.escalate(cid, topic, language, now)
    offers = r.dispatch(now)
    for o in offers:
        r.accept(o.offer_id, now)
    check_structures(r)
    return offers[0].agent_id if offers else None


def test_an_agent_that_fills_up_and_frees_a_slot_keeps_its_entries() -> None:
    # one agent in 6 buckets with one chat slot: each offer fills it, each resolve frees it again
    r = Router()
    r.login(spec("a", "payments,refunds,fraud", "en,sv"), T0)
    agent = r.agents["a"]
    for i in range(60):
        now = T0 + i
        assert serve(r, f"c{i}", "payments", now) == "a"
        assert not agent.on
        r.resolve(f"c{i}", now)
        assert agent.on
        check_structures(r)
    # only the entry that was popped while the agent was full is pushed again: the heaps do not grow
    assert sum(len(b.heap) for b in agent.buckets) <= len(agent.buckets) + 2


def test_a_freed_slot_ranks_the_agent_by_its_new_key_in_every_bucket() -> None:
    # a's refunds entry is re-sunk (worse key) while a is busy; when a frees its slot that entry must not
    # keep ranking a behind b, whose key lies between a's old and new standing
    r = Router()
    r.login(spec("a", "payments,refunds", capacity=2), T0)
    r.login(spec("b", "refunds", capacity=4), T0 + 1)
    assert serve(r, "c1", "payments", T0 + 2) == "a"  # a: half busy
    assert serve(r, "c2", "refunds", T0 + 3) == "b"  # re-sinks a's refunds entry; b: a quarter busy
    r.resolve("c1", T0 + 4)  # a: idle again
    check_structures(r)
    assert serve(r, "c3", "refunds", T0 + 5) == "a"


def test_equal_keys_go_to_whoever_became_offerable_first() -> None:
    r = Router(RoutingConfig(fairness=most_free_slots))
    r.login(spec("a", "payments"), T0)
    r.login(spec("b", "payments"), T0)  # same key as a: (-1.0, T0); a became offerable first
    r.set_presence("a", Presence.AWAY, T0)
    r.set_presence("a", Presence.AVAILABLE, T0)  # a is offerable again, now after b
    assert r.load_of("a") == r.load_of("b")
    assert serve(r, "c1", "payments", T0) == "b"
    assert serve(r, "c2", "payments", T0) == "a"


def test_a_dormant_agent_is_never_offered_and_comes_back_in_place() -> None:
    r = Router()
    r.login(spec("a", "payments,refunds"), T0)
    r.login(spec("b", "payments,refunds"), T0 + 1)
    r.set_presence("a", Presence.AWAY, T0 + 2)
    assert serve(r, "c1", "refunds", T0 + 3) == "b"
    assert serve(r, "c2", "payments", T0 + 4) is None  # b is full, a is away: c2 waits
    r.set_presence("a", Presence.AVAILABLE, T0 + 5)
    assert [o.agent_id for o in r.dispatch(T0 + 5)] == ["a"]
    check_structures(r)


def test_logging_out_and_changing_skills_kill_the_entries() -> None:
    r = Router()
    r.login(spec("a", "payments,refunds", "en,sv", capacity=2), T0)
    r.login(spec("b", "payments", capacity=2), T0 + 1)
    r.update_agent(spec("a", "refunds", "sv", capacity=2), T0 + 2)
    check_structures(r)
    assert serve(r, "c1", "payments", T0 + 3) == "b"
    r.logout("b", T0 + 4)
    check_structures(r)
    assert serve(r, "c2", "payments", T0 + 5) is None
    assert serve(r, "c3", "refunds", T0 + 6, language="sv") == "a"


@given(st.lists(st.tuples(st.sampled_from(("t1", "t2", "t3")), st.sampled_from(("en", "sv")), st.integers(0, 1),
                          st.booleans()), max_size=40))
def test_the_queue_mask_has_the_bits_of_the_cells_with_someone_filed(ops: list[tuple[str, str, int, bool]]) -> None:
    bits: dict[tuple[str, str], int] = {}
    queue = WaitingQueue(bits)
    filed: list[ConvState] = []
    for i, (topic, lang, prio, remove) in enumerate(ops):
        if remove and filed:
            queue.discard(filed.pop(len(filed) // 2))
        else:
            conv = ConvState(f"c{i}", topic, lang, prio, float(i))
            queue.ticket(conv)
            queue.push(conv)
            filed.append(conv)
        want = 0
        for c in filed:
            want |= bits[(c.topic, c.language)]
        assert queue.mask == want
        assert len(set(bits.values())) == len(bits)  # one bit per cell

"""The dispatcher's in-memory routing engine equals a fresh restore from the database after any sequence of
routing changes (property test), and the reconcile finds and counts a disagreement."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from tandem.core import counters
from tandem.core.clock import FakeClock
from tandem.core.errors import Conflict, Forbidden
from tandem.domain.conversation import ConversationState
from tandem.domain.offer import OfferState
from tandem.domain.presence import Presence
from tandem.domain.skills import Tier, Topic
from tandem.engines.assistant.escalation import EscalationReason
from tandem.engines.routing import differences, restore
from tandem.services import agents as agent_service
from tandem.services import conversations, dispatch, queue, routing_live, workbench, workforce
from tandem.services.context import Services
from tandem.storage.models import Agent, Conversation, Offer
from tandem.testing.sql import selects, statements

C = ConversationState
HASH = agent_service.hash_password("not-used-in-this-test")
TOPICS = [Topic.ACCOUNT, Topic.PAYMENTS, Topic.FRAUD]
LANGS = ["en", "sv"]

ops = st.one_of(
    st.tuples(st.just("agent"), st.sampled_from(TOPICS), st.sampled_from(list(Tier)), st.sampled_from(LANGS)),
    st.tuples(st.just("presence"), st.integers(0, 30), st.sampled_from(list(Presence))),
    st.tuples(st.just("skill"), st.integers(0, 30), st.sampled_from(TOPICS), st.sampled_from(list(Tier))),
    st.tuples(st.just("capacity"), st.integers(0, 30), st.integers(1, 4)),
    st.tuples(st.just("escalate"), st.sampled_from(TOPICS), st.sampled_from(LANGS), st.integers(0, 1)),
    st.tuples(st.just("pass")),
    st.tuples(st.just("accept"), st.integers(0, 30)),
    st.tuples(st.just("decline"), st.integers(0, 30)),
    st.tuples(st.just("wait"), st.sampled_from([1.0, 25.0, 70.0, 400.0])),
    st.tuples(st.just("release"), st.integers(0, 30), st.sampled_from([C.RESOLVED, C.WAITING_HUMAN, C.AI])),
    st.tuples(st.just("transfer"), st.integers(0, 30), st.sampled_from(TOPICS)),
    st.tuples(st.just("claim"), st.integers(0, 30), st.integers(0, 30)),
)


def _pick(rows: list[Any], k: int) -> Any:
    return rows[k % len(rows)] if rows else None


def run_op(services: Services, clock: FakeClock, live: routing_live.LiveRouting, op: tuple[Any, ...],
           agent_ids: list[str]) -> None:
    kind = op[0]
    try:
        if kind == "agent":
            with services.work() as work:
                n = len(agent_ids)
                agent = agent_service.create(work, email=f"p{n}-{clock.now():.0f}@x.example", name=f"P{n}",
                                             password="x" * 8, languages=[op[3]], capacity=2, password_hash=HASH)
                agent_service.grant_skill(work, agent.id, op[1], op[2], granted_by="test")
                agent_service.set_presence(work, agent, Presence.AVAILABLE)
                agent_ids.append(agent.id)
        elif kind == "presence" and agent_ids:
            with services.work() as work:
                agent = agent_service.get(work, _pick(agent_ids, op[1]))
                if op[2] is Presence.OFFLINE:
                    dispatch.go_offline(work, agent, reason="went_offline")
                else:
                    if op[2] is Presence.AWAY:
                        dispatch.withdraw_agent_offers(work, agent)
                    agent_service.set_presence(work, agent, op[2])
        elif kind == "skill" and agent_ids:
            with services.work() as work:
                agent_service.grant_skill(work, _pick(agent_ids, op[1]), op[2], op[3], granted_by="test")
        elif kind == "capacity" and agent_ids:
            with services.work() as work:
                workforce.set_capacity(work, agent_service.get(work, _pick(agent_ids, op[1])), op[2])
        elif kind == "escalate":
            with services.work() as work:
                conv, _ = conversations.create(work, language=op[2])
                conv.priority = op[3]
                queue.request_human(work, conv, reason=EscalationReason.CUSTOMER_BUTTON, topic=op[1].value)
        elif kind == "pass":
            dispatch.tick(services, live)
        elif kind in ("accept", "decline"):
            with services.work() as work:
                offers = list(work.session.scalars(select(Offer).where(Offer.state == OfferState.PENDING.value)
                                                   .order_by(Offer.id)))
                offer = _pick(offers, op[1])
                if offer is not None:
                    agent = agent_service.get(work, offer.agent_id)
                    if kind == "accept":
                        dispatch.accept(work, agent, offer.id)
                    else:
                        dispatch.decline(work, agent, offer.id, "busy")
        elif kind == "wait":
            clock.advance(op[1])
        elif kind == "release":
            with services.work() as work:
                conv = _pick(_with_human(work), op[1])
                if conv is not None:
                    dispatch.release(work, conv, target=op[2], reason="test")
        elif kind == "transfer":
            with services.work() as work:
                conv = _pick(_with_human(work), op[1])
                agent = agent_service.get(work, conv.assignee_id) if conv is not None else None
            if conv is not None and agent is not None:
                workbench.transfer(services, agent, conv.id, language=None, topic=op[2].value, note=None)
        elif kind == "claim" and agent_ids:
            with services.work() as work:
                waiting = queue.waiting(work)
                entry = _pick(waiting, op[1])
                if entry is not None:
                    dispatch.claim(work, agent_service.get(work, _pick(agent_ids, op[2])), entry.conversation_id,
                                   live.config)
    except (Conflict, Forbidden):
        pass  # refused as the service would refuse it (capacity, not available, taken): nothing changed


def _with_human(work: Any) -> list[Conversation]:
    return list(work.session.scalars(select(Conversation).where(Conversation.state == C.WITH_HUMAN.value)
                                     .order_by(Conversation.id)))


def check_equal(services: Services, live: routing_live.LiveRouting) -> None:
    with services.work() as work:
        kept = live.refresh(work, live.drain())
        fresh = restore(routing_live.snapshot(work, live.config), work.now, live.config)
        assert differences(kept, fresh, work.now) == []


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(st.lists(ops, min_size=5, max_size=40))
def test_incremental_state_equals_a_fresh_restore(services: Services, clock: FakeClock,
                                                  steps: list[tuple[Any, ...]]) -> None:
    live = dispatch.new_pass_state(services)
    services.on_routing_change = live.note
    agent_ids: list[str] = []
    check_equal(services, live)  # the first refresh restores
    for op in steps:
        # real time moves between operations (the earnings ledger keys a stint by its start second)
        clock.advance(1.0)
        run_op(services, clock, live, op, agent_ids)
        check_equal(services, live)
    # and the engine kept up without restoring again
    assert live.router is not None


def test_reconcile_counts_and_repairs_a_disagreement(services: Services, clock: FakeClock) -> None:
    live = dispatch.new_pass_state(services)
    # changes made without telling the engine (as if their events were lost) are found by the reconcile
    with services.work() as work:
        agent = agent_service.create(work, email="r@x.example", name="R", password="x" * 8, languages=["en"],
                                     password_hash=HASH)
        agent_service.grant_skill(work, agent.id, Topic.ACCOUNT, Tier.VERIFIED, granted_by="test")
    dispatch.tick(services, live)  # restores: nobody available
    with services.work() as work:
        work.session.get(Agent, agent.id).presence = Presence.AVAILABLE.value  # type: ignore[union-attr]
    before = counters.COUNTS["routing_disagreements"]
    with services.work() as work:
        live.refresh(work, live.drain())  # the change was never noted: the kept engine lacks the agent
        assert agent.id not in live.router.agents  # type: ignore[union-attr]
        suspects = live.reconcile(work)
    assert suspects["agents"] == {agent.id}
    assert counters.COUNTS["routing_disagreements"] == before  # it might still be on its way
    with services.work() as work:
        live.refresh(work, live.drain())
    assert counters.COUNTS["routing_disagreements"] == before  # still within the settling time
    clock.advance(routing_live.SETTLE_S)
    with services.work() as work:
        live.refresh(work, live.drain())  # no change named it since: missed, counted and repaired
    assert counters.COUNTS["routing_disagreements"] == before + 1
    assert agent.id in live.router.agents  # type: ignore[union-attr]


def test_a_change_whose_note_arrives_late_is_not_a_disagreement(services: Services, clock: FakeClock) -> None:
    live = dispatch.new_pass_state(services)
    with services.work() as work:
        agent = agent_service.create(work, email="l@x.example", name="L", password="x" * 8, languages=["en"],
                                     password_hash=HASH)
        agent_service.grant_skill(work, agent.id, Topic.ACCOUNT, Tier.VERIFIED, granted_by="test")
    dispatch.tick(services, live)
    with services.work() as work:
        work.session.get(Agent, agent.id).presence = Presence.AVAILABLE.value  # type: ignore[union-attr]
    before = counters.COUNTS["routing_disagreements"]
    with services.work() as work:
        live.refresh(work, live.drain())
        assert live.reconcile(work)["agents"] == {agent.id}
    live.note({agent.id}, set())  # the note arrives after the reconcile read the row
    with services.work() as work:
        live.refresh(work, live.drain())
    assert counters.COUNTS["routing_disagreements"] == before
    assert agent.id in live.router.agents  # type: ignore[union-attr]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(st.lists(ops, min_size=5, max_size=40))
def test_room_freed_while_the_engine_is_idle_needs_no_pass(services: Services, clock: FakeClock,
                                                           steps: list[tuple[Any, ...]]) -> None:
    """The dispatcher skips the pass a resolve or a closed entry asks for while its engine knows nothing waiting
    without an offer (DispatchLoop.poke): after any step whose every wake it would skip, a pass offers nothing,
    unless an offer lapsed meanwhile (the timer's passes expire those)."""
    live = dispatch.new_pass_state(services)
    services.on_routing_change = live.note
    skippable: list[bool] = []
    services.on_queue_change = lambda room_only: skippable.append(room_only and live.idle())
    agent_ids: list[str] = []
    assert not live.idle()  # nothing known before the first pass
    for op in steps:
        clock.advance(1.0)
        skippable.clear()
        run_op(services, clock, live, op, agent_ids)
        if not skippable or not all(skippable):
            continue
        with services.work() as work:
            lapsed = work.session.scalar(select(func.count()).select_from(Offer).where(
                Offer.state == OfferState.PENDING.value, Offer.expires_at <= work.now))
        if not lapsed:
            assert dispatch.tick(services, live) == 0


def test_room_freed_asks_for_a_pass_only_while_work_waits(services: Services, clock: FakeClock) -> None:
    live = dispatch.new_pass_state(services)
    services.on_routing_change = live.note
    skippable: list[bool] = []
    services.on_queue_change = lambda room_only: skippable.append(room_only and live.idle())
    agent_ids: list[str] = []
    run_op(services, clock, live, ("agent", Topic.ACCOUNT, Tier.VERIFIED, "en"), agent_ids)
    run_op(services, clock, live, ("capacity", 0, 1), agent_ids)
    for _ in range(2):
        run_op(services, clock, live, ("escalate", Topic.ACCOUNT, "en", 0), agent_ids)
    assert dispatch.tick(services, live) == 1
    run_op(services, clock, live, ("accept", 0), agent_ids)
    assert dispatch.tick(services, live) == 0 and not live.idle()  # the second one waits: no room
    skippable.clear()
    run_op(services, clock, live, ("release", 0, C.RESOLVED), agent_ids)
    assert skippable == [False]  # room for the one waiting: a pass
    assert dispatch.tick(services, live) == 1
    run_op(services, clock, live, ("accept", 0), agent_ids)
    assert dispatch.tick(services, live) == 0 and live.idle()
    skippable.clear()
    run_op(services, clock, live, ("release", 0, C.RESOLVED), agent_ids)
    assert skippable == [True]  # nobody waits: no pass of its own
    assert dispatch.tick(services, live) == 0


def test_a_pass_does_not_ask_the_next_pass_to_re_read_its_own_offers(services: Services, clock: FakeClock) -> None:
    """An offer the pass made is already in the engine as its rows say: its commit names neither its agent nor its
    conversation for the next pass (six queries per offer), and the engine still equals a fresh restore."""
    live = dispatch.new_pass_state(services)
    services.on_routing_change = live.note
    agent_ids: list[str] = []
    run_op(services, clock, live, ("agent", Topic.ACCOUNT, Tier.VERIFIED, "en"), agent_ids)
    run_op(services, clock, live, ("escalate", Topic.ACCOUNT, "en", 0), agent_ids)
    assert dispatch.tick(services, live) == 1
    stale, agents, convs = live.drain()
    assert (stale, agents, convs) == (False, set(), set())
    live.note(agents, convs)
    check_equal(services, live)
    run_op(services, clock, live, ("accept", 0), agent_ids)  # what others change is still reported
    assert live.drain()[2] != set()


def test_applying_changes_reads_in_a_few_statements_whatever_their_number(services: Services,
                                                                           clock: FakeClock) -> None:
    """The pass re-reads the agents and conversations that changed in batched statements (their rows with the last
    offer time and the waiting entry, the skills, the entries' offers): the same number for one of each as for
    many, where it was three or four per agent and per conversation; the engine still equals a fresh restore."""
    live = dispatch.new_pass_state(services)
    services.on_routing_change = live.note
    agent_ids: list[str] = []
    for lang in ["en", "en", "sv", "en"]:
        run_op(services, clock, live, ("agent", Topic.ACCOUNT, Tier.VERIFIED, lang), agent_ids)
    dispatch.tick(services, live)
    for _ in range(5):
        run_op(services, clock, live, ("escalate", Topic.ACCOUNT, "en", 0), agent_ids)
    dispatch.tick(services, live)  # offers to the English agents
    run_op(services, clock, live, ("accept", 0), agent_ids)  # one with a human
    run_op(services, clock, live, ("decline", 0), agent_ids)  # one excluded an agent
    with services.work() as work:
        convs = set(work.session.scalars(select(Conversation.id)))
    counts = []
    for agents, conversations_ in [(set(agent_ids[:1]), set(sorted(convs)[:1])), (set(agent_ids), convs)]:
        live.drain()
        with services.work() as work, statements(work.session.get_bind()) as seen:
            live.refresh(work, (False, set(agents), set(conversations_)))
        counts.append(len(selects(seen)))
    # agents: their rows, their skills; conversations: their rows joined to their waiting entry and its offers
    assert counts == [3, 3], counts
    check_equal(services, live)

"""Fencing: a dispatcher deposed during its pass rolls the pass back; its successor's passes are untouched; a leader
loop (dispatcher, surge, quality monitor) deposed while it slept runs no pass. Every test runs on SQLite and
PostgreSQL."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import func, select, update

from tandem.api import routes_quality
from tandem.api.app import DispatchLoop, create_app
from tandem.demo.agents import seed_agents
from tandem.domain.conversation import Author
from tandem.domain.presence import Presence
from tandem.engines.assistant.escalation import EscalationReason
from tandem.services import agents, conversations, dispatch, guardrail, queue
from tandem.services.context import Services
from tandem.services.leader import LeaderLoop, Lease, LeaseLost, current, fence
from tandem.storage.models import Agent, LeaseRow, Offer
from tandem.storage.models_quality import OpsSample

pytestmark = pytest.mark.timeout(60)


def waiting_customer_and_free_agent(services: Services) -> str:
    seed_agents(services)
    with services.work() as work:
        agent = work.session.scalars(select(Agent).where(Agent.email == "ana@agents.example")).one()
        agents.set_presence(work, agent, Presence.AVAILABLE)
        conv, _ = conversations.create(work, language="en")
        conv.topic = "refunds"
        conversations.append(work, conv, author=Author.CUSTOMER, body="I want a person")
        queue.request_human(work, conv, reason=EscalationReason.CUSTOMER_REQUEST)
        return conv.id


def offers(services: Services) -> int:
    with services.work() as work:
        return int(work.session.scalar(select(func.count()).select_from(Offer)) or 0)


def deposed_pair(services: Services) -> tuple[Lease, Lease]:
    """`old` took the lease, stopped renewing (frozen), and `new` took over after the TTL."""
    old, new = Lease(services.db, "dispatcher", ttl_s=0.2), Lease(services.db, "dispatcher", ttl_s=30)
    assert old.acquire()
    with services.db.transaction() as session:  # its TTL runs out (on the database's clock)
        session.execute(update(LeaseRow).values(expires_at=0.0))
    assert new.acquire() and new.token == old.token + 1  # type: ignore[operator]
    return old, new


def test_a_deposed_dispatcher_pass_makes_no_offer_and_the_new_leader_does(services: Services) -> None:
    cid = waiting_customer_and_free_agent(services)
    old, new = deposed_pair(services)
    assert old.token is not None  # it does not know yet: it still believes it leads
    events: list[tuple[str, object]] = []
    services.bus.publish = lambda topic, event: events.append((topic, event))  # type: ignore[method-assign]
    services.bus.publish_many = events.extend  # type: ignore[method-assign]  # a unit of work's, after commit
    with pytest.raises(LeaseLost):
        dispatch.tick(services, lease=old)
    assert offers(services) == 0 and events == []  # rolled back: no offer row, no offer pushed to the agent
    assert old.token is None  # and it now knows it lost
    with services.work() as work:
        assert queue.open_handoff(work, cid) is not None and conversations.get(work, cid).state == "waiting_human"
    assert dispatch.tick(services, lease=new) == 1 and offers(services) == 1


def test_a_pass_with_nothing_to_do_needs_no_fence(services: Services) -> None:
    old, _ = deposed_pair(services)
    assert dispatch.tick(services, lease=old) == 0  # nothing written: nothing to roll back, no lock taken
    assert old.token is not None


def test_fence_checks_the_token_of_this_tenure(services: Services) -> None:
    old, new = deposed_pair(services)
    with services.db.transaction() as session:
        fence(session, new)
    with services.db.transaction() as session, pytest.raises(LeaseLost):
        fence(session, old)
    with services.db.transaction() as session, pytest.raises(LeaseLost):
        fence(session, Lease(services.db, "dispatcher"))  # never held


# ---- the one leader-loop runner (leader.LeaderLoop): dispatcher, surge and quality monitor ----

def expiry(services: Services) -> float:
    with services.db.transaction() as session:
        return float(session.scalar(select(LeaseRow.expires_at)) or 0.0)


def snapshots(services: Services) -> int:
    with services.work() as work:
        return int(work.session.scalar(select(func.count()).select_from(OpsSample)) or 0)


def test_a_deposed_leaders_monitor_runs_no_pass(services: Services, monkeypatch: pytest.MonkeyPatch) -> None:
    """The quality monitor of a leader that was deposed while it slept (`lease.held` still true in memory) checks
    the lease in the database first: no guardrail decision, no sampling, no snapshot; the new leader's runs."""
    runs: list[object] = []
    real_monitor = guardrail.run_monitor
    monkeypatch.setattr(guardrail, "run_monitor", lambda work: runs.append(real_monitor(work)))
    old, new = deposed_pair(services)
    app = create_app(services, run_dispatcher=False)
    app.state.dispatcher = DispatchLoop(services, old)
    deposed = routes_quality.monitor_loop(app)
    assert deposed is not None and old.held
    assert deposed.run_once() is False
    assert runs == [] and snapshots(services) == 0 and not old.held  # nothing ran, and it knows it lost
    app.state.dispatcher = DispatchLoop(services, new)
    leader = routes_quality.monitor_loop(app)
    assert leader is not None and leader.run_once() is True
    assert len(runs) == 1 and snapshots(services) == 1


def test_a_deposed_dispatcher_loop_makes_no_offer_and_does_not_take_the_lease_back(services: Services) -> None:
    cid = waiting_customer_and_free_agent(services)
    old, new = deposed_pair(services)
    deposed = DispatchLoop(services, old)
    assert deposed.loop.run_once() is False and offers(services) == 0 and not old.held
    assert deposed.loop.run_once() is False and not old.held  # a standby now: the lease is the new leader's
    assert DispatchLoop(services, new).loop.run_once() is True and offers(services) == 1
    with services.work() as work:
        assert conversations.get(work, cid).state == "offered"


def test_the_dispatcher_pass_renews_the_lease_and_a_failed_pass_does_not(services: Services) -> None:
    waiting_customer_and_free_agent(services)
    lease = Lease(services.db, "dispatcher", ttl_s=30)
    dispatcher = DispatchLoop(services, lease)
    assert dispatcher.loop.run_once() is True and lease.held  # took the lease, then dispatched
    with services.db.transaction() as session:
        session.execute(update(LeaseRow).values(expires_at=LeaseRow.expires_at - 20))
    shortened = expiry(services)
    assert dispatcher.loop.run_once() is True and expiry(services) > shortened + 10  # renewed with the pass

    def failing(unit: Any) -> None:
        with unit() as work:
            work.session.execute(select(1))
            raise RuntimeError("the pass fails after its lease check")

    dispatcher.loop.step = failing
    with services.db.transaction() as session:
        session.execute(update(LeaseRow).values(expires_at=LeaseRow.expires_at - 20))
    shortened = expiry(services)
    with pytest.raises(RuntimeError):
        dispatcher.loop.run_once()
    assert expiry(services) == pytest.approx(shortened) and lease.held  # rolled back with the pass, still ours


def test_a_loop_that_does_not_own_the_lease_never_takes_it(services: Services) -> None:
    ran: list[int] = []
    follower = LeaderLoop("test", Lease(services.db, "dispatcher"), 1.0, lambda unit: ran.append(1), services.work)
    assert follower.run_once() is False and ran == []  # only the dispatcher (owner=True) acquires
    assert current(services.db) is None or current(services.db)["holder"] is None  # type: ignore[index]

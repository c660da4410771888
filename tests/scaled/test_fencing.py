"""Fencing: a dispatcher deposed during its pass rolls the pass back; its successor's passes are untouched.
Every test runs on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from tandem.demo.agents import seed_agents
from tandem.domain.conversation import Author
from tandem.domain.presence import Presence
from tandem.engines.assistant.escalation import EscalationReason
from tandem.services import agents, conversations, dispatch, queue
from tandem.services.context import Services
from tandem.services.leader import Lease, LeaseLost, fence
from tandem.storage.models import Agent, Offer
from tandem.storage.models import Lease as LeaseRow

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

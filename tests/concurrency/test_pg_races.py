"""Real OS processes racing on PostgreSQL: exactly one accept or claim wins; capacity holds (R5 in docs/targets.md)."""

from __future__ import annotations

import multiprocessing as mp
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select, text

from tandem.core.errors import Conflict
from tandem.core.settings import Settings
from tandem.demo.agents import seed_agents
from tandem.domain.presence import Presence
from tandem.engines.assistant.escalation import EscalationReason
from tandem.engines.routing import RoutingConfig
from tandem.services import agents, conversations, dispatch, queue
from tandem.services.bootstrap import build_services
from tandem.services.context import Services
from tandem.storage.db import Database
from tandem.storage.models import Agent, Conversation

pytestmark = pytest.mark.timeout(120)
WORKERS = 6


def _settings(url: str, folder: Path) -> Settings:
    return Settings(database_url=url, data_dir=folder, env="test", intent_model=False)


def _race(url: str, barrier: mp.synchronize.Barrier, results: mp.Queue, agent_email: str, what: str,
          target: str) -> None:
    """In a fresh process: wait for everyone, then accept an offer or claim a conversation once."""
    db = Database(url)
    from tandem.core.clock import SystemClock
    from tandem.services.context import Services as Svc

    svc = Svc(settings=Settings(database_url=url, env="test", intent_model=False), db=db,
              bus=_NullBus(), clock=SystemClock(), assistant=None)  # type: ignore[arg-type]
    barrier.wait(30)
    try:
        with svc.work() as work:
            me = work.session.scalars(select(Agent).where(Agent.email == agent_email)).one()
            if what == "accept":
                dispatch.accept(work, me, target)
            else:
                dispatch.claim(work, me, target, RoutingConfig())
        results.put("won")
    except Conflict:
        results.put("lost")
    except Exception as exc:  # anything else is a bug the test should show
        results.put(f"error: {exc!r}")
    finally:
        db.dispose()


class _NullBus:
    def publish(self, topic: str, event: dict) -> None:  # type: ignore[type-arg]
        return None

    def publish_many(self, events: list) -> None:  # type: ignore[type-arg]
        return None

    healthy = True


@pytest.fixture
def pg_services(pg_database: str, tmp_path: Path) -> Iterator[Services]:
    engine = create_engine(pg_database)
    with engine.begin() as conn:
        tables = [r[0] for r in conn.execute(text(
            "select tablename from pg_tables where schemaname='public' and tablename <> 'alembic_version'"))]
        if tables:
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " CASCADE"))
    engine.dispose()
    svc = build_services(_settings(pg_database, tmp_path))
    seed_agents(svc)
    yield svc
    svc.db.dispose()


def _waiting_conversation(svc: Services) -> str:
    with svc.work() as work:
        conv, _ = conversations.create(work, language="en")
        queue.request_human(work, conv, reason=EscalationReason.CUSTOMER_BUTTON)
        return conv.id


def _available(svc: Services, emails: list[str]) -> None:
    with svc.work() as work:
        for a in work.session.scalars(select(Agent).where(Agent.email.in_(emails))):
            agents.set_presence(work, a, Presence.AVAILABLE)


def _run(url: str, jobs: list[tuple[str, str, str]]) -> list[str]:
    # fork: the worker is defined in this test module, which importlib mode cannot import by name in a child
    ctx = mp.get_context("fork")
    barrier, results = ctx.Barrier(len(jobs)), ctx.Queue()
    procs = [ctx.Process(target=_race, args=(url, barrier, results, *job)) for job in jobs]
    for p in procs:
        p.start()
    outcomes = [results.get(timeout=60) for _ in procs]
    for p in procs:
        p.join(30)
    return sorted(outcomes)


def test_several_processes_accepting_the_same_offer_one_wins(pg_services: Services, pg_database: str) -> None:
    cid = _waiting_conversation(pg_services)
    _available(pg_services, ["ana@agents.example"])
    with pg_services.work() as work:
        entry = queue.open_handoff(work, cid)
        assert entry is not None
        offer = dispatch.create_offer(work, entry, _agent_id(work, "ana@agents.example"), 20.0)
    outcomes = _run(pg_database, [("ana@agents.example", "accept", offer.id)] * WORKERS)
    assert outcomes == ["lost"] * (WORKERS - 1) + ["won"]
    with pg_services.work() as work:
        ana = work.session.scalars(select(Agent).where(Agent.email == "ana@agents.example")).one()
        assert ana.load == 1 and work.session.get(Conversation, cid).assignee_id == ana.id  # type: ignore[union-attr]


def test_agents_racing_to_claim_one_conversation_one_wins(pg_services: Services, pg_database: str) -> None:
    # four agents the router could offer it to (carla, a new-tier agent, may not take it at once)
    emails = ["ana@agents.example", "ben@agents.example", "sam@agents.example", "dieter@agents.example"]
    cid = _waiting_conversation(pg_services)
    _available(pg_services, emails)
    outcomes = _run(pg_database, [(e, "claim", cid) for e in emails])
    assert outcomes == ["lost", "lost", "lost", "won"]
    with pg_services.work() as work:
        loads = [a.load for a in work.session.scalars(select(Agent).where(Agent.email.in_(emails)))]
    assert sorted(loads) == [0, 0, 0, 1]


def test_one_agent_claiming_many_at_once_never_exceeds_capacity(pg_services: Services, pg_database: str) -> None:
    convs = [_waiting_conversation(pg_services) for _ in range(WORKERS)]
    _available(pg_services, ["ben@agents.example"])  # capacity 2
    outcomes = _run(pg_database, [("ben@agents.example", "claim", c) for c in convs])
    assert outcomes.count("won") == 2 and outcomes.count("lost") == WORKERS - 2
    with pg_services.work() as work:
        ben = work.session.scalars(select(Agent).where(Agent.email == "ben@agents.example")).one()
        assigned = work.session.scalars(select(Conversation).where(Conversation.assignee_id == ben.id)).all()
    assert ben.load == 2 and len(assigned) == 2


def _agent_id(work: object, email: str) -> str:
    session = work.session  # type: ignore[attr-defined]
    return str(session.scalars(select(Agent.id).where(Agent.email == email)).one())

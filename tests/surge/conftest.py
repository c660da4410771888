"""Surge fixtures: synthetic conversations and agents written straight to the tables, on a FakeClock."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, update

from tandem.api.app import create_app
from tandem.core.clock import FakeClock
from tandem.demo.agents import DEMO_PASSWORD, seed_agents
from tandem.domain.presence import Presence
from tandem.services import surge
from tandem.services.context import Services
from tandem.storage.models import Agent, Conversation, Handoff

_ids = itertools.count()


class Synth:
    """Writes synthetic arrivals and agents; the surge loop reads them like real ones."""

    def __init__(self, services: Services, clock: FakeClock) -> None:
        self.services, self.clock = services, clock
        self.loop = surge.SurgeLoop(services)

    def arrivals(self, count: int, *, escalated: int = 0, ai_resolved: int = 0, at: float | None = None,
                 spread_s: float = 600.0) -> None:
        """`count` conversations created over the last `spread_s`; some escalated, some resolved by the AI."""
        now = self.clock.now() if at is None else at
        with self.services.work() as work:
            for i in range(count):
                created = now - spread_s * i / max(1, count)
                cid = f"syn-{next(_ids)}"
                resolved = i < ai_resolved
                work.session.add(Conversation(
                    id=cid, token_digest="x", state="resolved" if resolved else "ai", created_at=created,
                    updated_at=created, resolved_by="ai" if resolved else None,
                    closed_at=created if resolved else None))
                if ai_resolved <= i < ai_resolved + escalated:
                    work.session.flush()
                    work.session.add(Handoff(id=f"h{cid}", conversation_id=cid, reason="customer_button",
                                             language="en", status="closed", requested_at=created,
                                             queued_since=created, closed_at=created))

    def clear_arrivals(self) -> None:
        with self.services.work() as work:
            work.session.execute(delete(Handoff).where(Handoff.id.like("hsyn-%")))
            work.session.execute(delete(Conversation).where(Conversation.id.like("syn-%")))

    def agents(self, count: int, *, capacity: int = 2) -> None:
        """Add `count` available agents (no password: they never log in)."""
        now = self.clock.now()
        with self.services.work() as work:
            for _ in range(count):
                n = next(_ids)
                work.session.add(Agent(id=f"agt-syn-{n}", email=f"syn{n}@agents.example", name=f"Synthetic {n}",
                                       password_hash="-", languages=["en"], capacity=capacity, load=0,
                                       presence=Presence.AVAILABLE.value, last_heartbeat=now,
                                       presence_since=now, created_at=now))

    def set_online(self, count: int) -> None:
        """Keep exactly `count` synthetic agents available, the rest offline."""
        with self.services.work() as work:
            ids = sorted(work.session.scalars(select(Agent.id).where(Agent.id.like("agt-syn-%"))))
            work.session.execute(update(Agent).where(Agent.id.in_(ids[:count]))
                                 .values(presence=Presence.AVAILABLE.value))
            work.session.execute(update(Agent).where(Agent.id.in_(ids[count:]))
                                 .values(presence=Presence.OFFLINE.value))

    def step(self, advance_s: float = 60.0) -> Any:
        self.clock.advance(advance_s)
        state = self.loop.step()
        assert state is not None
        return state


@pytest.fixture
def synth(services: Services, clock: FakeClock) -> Iterator[Synth]:
    s = Synth(services, clock)
    yield s
    s.loop.sender.close(wait=True)


@pytest.fixture
def client(services: Services) -> Iterator[TestClient]:
    app = create_app(services, run_dispatcher=False)
    with TestClient(app) as c:
        yield c


@pytest.fixture
def seeded(services: Services) -> Services:
    seed_agents(services)
    return services


def login(client: TestClient, email: str) -> dict[str, str]:
    r = client.post("/api/agent/login", json={"email": email, "password": DEMO_PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": "Bearer " + r.json()["token"]}


@pytest.fixture
def auth(client: TestClient, seeded: Services) -> Any:
    return lambda name: login(client, f"{name}@agents.example")

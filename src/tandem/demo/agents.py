"""Demo agents and supervisor, with known passwords printed by `tandem demo`."""

from __future__ import annotations

import functools
from dataclasses import dataclass

from sqlalchemy import select

from tandem.domain.skills import Tier, Topic
from tandem.services import agents
from tandem.services.context import Services
from tandem.storage.models import Agent


@dataclass(frozen=True)
class DemoAgent:
    email: str
    name: str
    languages: tuple[str, ...]
    tier: Tier
    role: str = "agent"
    capacity: int = 2


DEMO_PASSWORD = "tandem-demo"
DEMO_AGENTS = (
    DemoAgent("ana@agents.example", "Ana Lindqvist", ("en", "sv"), Tier.SENIOR, capacity=3),
    DemoAgent("ben@agents.example", "Ben Okafor", ("en", "fr"), Tier.VERIFIED),
    DemoAgent("carla@agents.example", "Carla Romero", ("en", "es", "pt"), Tier.NEW),
    DemoAgent("dieter@agents.example", "Dieter Brandt", ("de", "en", "nl"), Tier.VERIFIED),
    DemoAgent("sam@agents.example", "Sam Supervisor", ("en",), Tier.SENIOR, role="supervisor", capacity=4),
)


@functools.cache
def _demo_password_hash() -> str:
    # the demo password is public; hashing it once per process keeps seeding (and the test suite) fast
    return agents.hash_password(DEMO_PASSWORD)


def seed_agents(services: Services) -> int:
    """Create the demo agents that do not exist yet; return how many were created."""
    created = 0
    with services.work() as work:
        for spec in DEMO_AGENTS:
            if work.session.scalars(select(Agent).where(Agent.email == spec.email)).first():
                continue
            agent = agents.create(work, email=spec.email, name=spec.name, password=DEMO_PASSWORD,
                                  languages=spec.languages, role=spec.role, capacity=spec.capacity,
                                  password_hash=_demo_password_hash())
            for topic in Topic:
                agents.grant_skill(work, agent.id, topic, spec.tier, granted_by="demo")
            created += 1
    return created

"""The production routing engine behind the simulator's SimRouter seam.

Simulated minutes become router seconds; agents and conversations get the string ids the router expects.
OfferRecord timeouts are the router's own (RoutingConfig.offer_timeout_s = the scenario's timeout); the loop tells
the router when an offer lapses by calling `expire` at the offer's own deadline. The router widens a waiting
conversation's eligibility on its own clock (relaxation steps, decline cool-downs); `next_wake` reads when that
happens next so the loop can dispatch exactly then.
"""

from __future__ import annotations

import math

from tandem.domain.presence import Presence
from tandem.domain.skills import Tier, Topic
from tandem.engines.routing.engine import Router
from tandem.engines.routing.policies import RoutingConfig
from tandem.engines.routing.values import AgentSpec, OfferRecord
from tandem.engines.sim.pool import AgentProfile
from tandem.engines.sim.scenario import Scenario

TIER = {"new": Tier.NEW, "verified": Tier.VERIFIED, "senior": Tier.SENIOR}
ALL_TOPICS = tuple(t.value for t in Topic)


def agent_spec(agent: int, p: AgentProfile) -> AgentSpec:
    """Every agent handles every topic at its tier, in its language and English."""
    tier = TIER[p.tier]
    return AgentSpec(f"a{agent}", {topic: tier for topic in ALL_TOPICS}, frozenset({p.language, "en"}),
                     p.capacity)


class RoutingEngineRouter:
    """Adapter: SimRouter calls -> tandem.engines.routing.engine.Router calls."""

    def __init__(self, scenario: Scenario, config: RoutingConfig | None = None) -> None:
        self.router = Router(config or RoutingConfig(offer_timeout_s=scenario.offers.timeout_seconds))
        self.pending: dict[int, OfferRecord] = {}

    def agent_online(self, agent: int, profile: AgentProfile, now: float) -> None:
        self.router.login(agent_spec(agent, profile), now * 60.0)

    def agent_draining(self, agent: int, now: float) -> None:
        self.router.set_presence(f"a{agent}", Presence.AWAY, now * 60.0)

    def agent_offline(self, agent: int, now: float) -> None:
        self.router.logout(f"a{agent}", now * 60.0)

    def enqueue(self, conv: int, topic: str, language: str, now: float) -> None:
        self.router.escalate(f"c{conv}", topic, language, now * 60.0)

    def abandon(self, conv: int, now: float) -> None:
        self.pending.pop(conv, None)
        self.router.abandon(f"c{conv}", now * 60.0)

    def dispatch(self, now: float) -> list[tuple[int, int]]:
        out = []
        pending = self.pending
        for offer in self.router.dispatch(now * 60.0):
            conv = int(offer.conversation_id[1:])
            pending[conv] = offer
            out.append((conv, int(offer.agent_id[1:])))
        return out

    def next_wake(self) -> float:
        """The router's earliest scheduled wake-up, in minutes rounded up so that dispatching then consumes it."""
        seconds = self.router.next_wakeup()
        if seconds == math.inf:
            return math.inf
        minutes = seconds / 60.0
        while minutes * 60.0 < seconds:
            minutes = math.nextafter(minutes, math.inf)
        return minutes

    def answer(self, conv: int, agent: int, accepted: bool, expired: bool, now: float) -> None:
        offer = self.pending.pop(conv)
        if accepted:
            self.router.accept(offer.offer_id, now * 60.0)
        elif expired:
            self.router.expire(max(now * 60.0, offer.expires_at))
        else:
            self.router.decline(offer.offer_id, now * 60.0)

    def finish(self, conv: int, agent: int, now: float) -> None:
        self.router.resolve(f"c{conv}", now * 60.0)

"""Routing policies as plain functions, and the configuration that selects them.

Fairness policies share one signature, ``(agent) -> (float, float)``: the key is computed when an agent's
standing changes and the agent with the smallest key among equally suitable agents gets the next offer.
Relaxation is one function of (config, topic, seconds waited) returning what is acceptable at that wait.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol

from tandem.domain.skills import SENSITIVE_TOPICS, Tier


class AgentStanding(Protocol):
    """What a fairness policy may look at."""

    capacity: int
    load: int
    pending: int
    last_offer_at: float
    earned_today: float


FairnessPolicy = Callable[[AgentStanding], tuple[float, float]]


def longest_idle(agent: AgentStanding) -> tuple[float, float]:
    """Rank the least busy first, then whoever has gone longest without an offer."""
    return ((agent.load + agent.pending) / agent.capacity, agent.last_offer_at)


def least_earned_today(agent: AgentStanding) -> tuple[float, float]:
    """Rank the least busy first, then whoever has earned least today."""
    return ((agent.load + agent.pending) / agent.capacity, agent.earned_today)


def most_free_slots(agent: AgentStanding) -> tuple[float, float]:
    """Rank by free chat slots (most first), then longest without an offer."""
    return (float(agent.load + agent.pending - agent.capacity), agent.last_offer_at)


@dataclass(frozen=True, slots=True)
class RelaxStep:
    """From after_s seconds of waiting: the least tier accepted, and whether fallback languages count."""

    after_s: float
    min_tier: Tier
    fallback_language: bool = False


DEFAULT_STEPS = (
    RelaxStep(0.0, Tier.VERIFIED),
    RelaxStep(60.0, Tier.NEW),
    RelaxStep(120.0, Tier.NEW, fallback_language=True),
)
# Any language may fall back to English, but only once the relaxation step allows it.
DEFAULT_FALLBACKS: Mapping[str, tuple[str, ...]] = MappingProxyType({"*": ("en",)})


@dataclass(frozen=True, slots=True)
class RoutingConfig:
    """Tunable routing behaviour; the defaults are documented in docs/routing.md."""

    offer_timeout_s: float = 20.0
    decline_cooldown_s: float = 300.0
    heartbeat_timeout_s: float = 30.0
    broadcast: int = 1
    relax_steps: tuple[RelaxStep, ...] = DEFAULT_STEPS
    sensitive_topics: frozenset[str] = frozenset(t.value for t in SENSITIVE_TOPICS)
    sensitive_min_tier: Tier = Tier.SENIOR
    fallback_languages: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: DEFAULT_FALLBACKS)
    fairness: FairnessPolicy = longest_idle
    prefer_lowest_tier: bool = True
    offer_id_prefix: str = "off_"
    thresholds: tuple[float, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        steps = self.relax_steps
        object.__setattr__(self, "thresholds", tuple(s.after_s for s in steps))
        if not steps or steps[0].after_s != 0.0:
            raise ValueError("relax_steps must start with a step at 0 seconds")
        for a, b in zip(steps, steps[1:], strict=False):
            # the queue assumes a longer wait never makes a requirement stricter
            if a.after_s >= b.after_s or b.min_tier > a.min_tier or (a.fallback_language > b.fallback_language):
                raise ValueError("relax_steps must relax monotonically with increasing after_s")
        if self.broadcast < 1 or self.offer_timeout_s <= 0:
            raise ValueError("broadcast must be >= 1 and offer_timeout_s > 0")

    def fallbacks(self, language: str) -> tuple[str, ...]:
        """Languages that may serve a customer of this language once relaxed."""
        own = self.fallback_languages.get(language)
        if own is None:
            own = self.fallback_languages.get("*", ())
        return tuple(lang for lang in own if lang != language)


Requirement = tuple[Tier, bool, float | None]
"""(least tier accepted, fallback languages accepted, wait in seconds at which this changes next)."""


def relaxed_requirement(config: RoutingConfig, topic: str, waited_s: float) -> Requirement:
    """Return what a conversation on this topic accepts after waiting waited_s seconds.

    Longer waits never make a requirement stricter; the queue relies on that.
    """
    i = bisect_right(config.thresholds, waited_s) - 1
    if i < 0:
        i = 0  # a wait that starts in the future (clock skew) counts as no wait
    steps = config.relax_steps
    tier = steps[i].min_tier
    if tier < config.sensitive_min_tier and topic in config.sensitive_topics:
        tier = config.sensitive_min_tier
    nxt = steps[i + 1].after_s if i + 1 < len(steps) else None
    return (tier, steps[i].fallback_language, nxt)


NO_SKILL = "no_skill"
TIER = "tier"
LANGUAGE = "language"
EXCLUDED = "excluded"


def ineligibility(config: RoutingConfig, skills: Mapping[str, int], languages: Collection[str], topic: str,
                  language: str, waited_s: float, excluded_until: float | None = None,
                  now: float = 0.0) -> str | None:
    """Return why an agent may not take a conversation now, or None if they may (capacity and presence aside).

    The one definition of eligibility: certified for the topic (`no_skill`), at the tier the topic asks at
    this wait (`tier`), speaking the language or an accepted fallback once relaxed (`language`), and not
    excluded from this queue entry after a decline, an expired offer or a transfer away (`excluded`). The
    router's matcher checks exactly this (its hot path is a tabulation of it, tested equal), and the live
    service checks it on claim and for the queue an agent is shown.
    """
    tier = skills.get(topic)
    if tier is None:
        return NO_SKILL
    if excluded_until is not None and excluded_until > now:
        return EXCLUDED
    need, fallback_ok, _ = relaxed_requirement(config, topic, waited_s)
    if tier < need:
        return TIER
    if language in languages:
        return None
    if fallback_ok and any(lang in languages for lang in config.fallbacks(language)):
        return None
    return LANGUAGE

"""The human workforce: agent profiles and when they are online.

Four modes share one shape. "fixed": `count` agents online all the time. "shifts": a plan of head counts per
interval. "hybrid": a rostered core that follows such a plan, and a gig pool beside it. "gig": a pool whose
offline members log in as a Poisson stream whose rate rises with the surge bonus
(an elasticity of logins to pay), stay for an exponential session, and also leave early when idle too long.
An agent who should leave while chatting finishes the current conversations first (draining).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tandem.engines.sim.scenario import Agents

TIERS = ("new", "verified", "senior")


@dataclass(frozen=True)
class AgentProfile:
    """One member of the workforce."""

    agent_id: str
    language: str
    tier: str
    capacity: int
    quality: float


def make_profiles(spec: Agents, size: int, rng: np.random.Generator) -> list[AgentProfile]:
    """Draw `size` agents; the quality guardrail keeps only those at or above `quality_min`."""
    langs = list(spec.languages)
    p_lang = np.asarray(list(spec.languages.values()), dtype=float)
    p_tier = np.asarray([spec.tiers.get(t, 0.0) for t in TIERS], dtype=float)
    lang = rng.choice(len(langs), size=size * 2, p=p_lang / p_lang.sum())
    tier = rng.choice(3, size=size * 2, p=p_tier / p_tier.sum())
    quality = rng.beta(8.0, 2.0, size=size * 2)
    keep = np.flatnonzero(quality >= spec.quality_min)[:size]
    return [AgentProfile(f"a{k}", langs[lang[k]], TIERS[tier[k]], spec.capacity, float(quality[k]))
            for k in keep]


def login_multiplier(bonus: float, base_hourly: float, elasticity: float) -> float:
    """Logins scale with pay: (1 + bonus / base pay) ** elasticity."""
    return float((1.0 + bonus / base_hourly) ** elasticity)


def pool_size(spec: Agents) -> int:
    """How many profiles to draw for a mode."""
    if spec.mode == "fixed":
        return spec.count
    if spec.mode == "shifts":  # spares: an agent finishing a chat after the shift is still online
        return max(max(spec.shifts, default=spec.count), spec.pool_size)
    if spec.mode == "hybrid":
        return core_size(spec) + spec.pool_size
    return spec.pool_size


def core_size(spec: Agents) -> int:
    """Rostered agents of a hybrid workforce (profiles 0 .. core_size-1); the gig pool follows them."""
    # twice the peak and two more: an agent finishing a chat after the shift (or before a break) is still
    # online, so the next shift needs other profiles
    return 2 * max(spec.shifts, default=0) + 2 if spec.mode == "hybrid" else 0


def base_login_rate(spec: Agents) -> float:
    """Per offline member per minute, so that `base_online` of the pool is online without surge."""
    online = min(max(spec.base_online, 1e-6), 0.99)
    return online / ((1.0 - online) * spec.mean_session_minutes)

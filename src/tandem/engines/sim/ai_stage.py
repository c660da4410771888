"""The AI stage, vectorised: intent, language, AI handling time, resolved or escalated (and why)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from tandem.engines.sim.scenario import AIStage, Customers


@dataclass(frozen=True)
class AIOutcome:
    """Columns over all conversations, in arrival order. Codes index `intents`, `languages`, `reasons`."""

    intent: np.ndarray
    language: np.ndarray
    ai_minutes: np.ndarray
    resolved: np.ndarray
    escalated: np.ndarray
    reason: np.ndarray
    intents: tuple[str, ...]
    topics: tuple[str, ...]
    languages: tuple[str, ...]
    reasons: tuple[str, ...]


def lognormal(rng: np.random.Generator, mean: float, sigma: float, size: int) -> np.ndarray:
    """Lognormal samples with the given mean (not median) and log-sd."""
    mu = np.log(mean) - sigma**2 / 2
    return rng.lognormal(mu, sigma, size)


def _pick(rng: np.random.Generator, shares: dict[str, float] | list[float], size: int) -> np.ndarray:
    p = np.asarray(list(shares.values()) if isinstance(shares, dict) else shares, dtype=float)
    return rng.choice(len(p), size=size, p=p / p.sum()).astype(np.int16)


def run_ai_stage(n: int, ai: AIStage, customers: Customers, rng: np.random.Generator) -> AIOutcome:
    """Decide every conversation's AI outcome. Without AI, all go straight to a human (reason "no_ai")."""
    intent = _pick(rng, [i.share for i in ai.intents], n)
    language = _pick(rng, customers.languages, n)
    reasons = (*ai.reasons, "no_ai")
    if not ai.enabled:
        zeros = np.zeros(n, dtype=bool)
        return AIOutcome(intent, language, np.zeros(n), zeros, ~zeros, np.full(n, len(reasons) - 1, np.int16),
                         tuple(i.name for i in ai.intents), tuple(i.topic for i in ai.intents),
                         tuple(customers.languages), reasons)
    p_resolve = np.array([i.ai_resolved for i in ai.intents])[intent]
    resolved = rng.random(n) < p_resolve
    escalated = ~resolved if ai.human_option else np.zeros(n, dtype=bool)
    reason = np.where(resolved, -1, _pick(rng, ai.reasons, n)).astype(np.int16)
    return AIOutcome(intent, language, lognormal(rng, ai.handle_minutes, ai.handle_sigma, n), resolved,
                     escalated, reason, tuple(i.name for i in ai.intents), tuple(i.topic for i in ai.intents),
                     tuple(customers.languages), reasons)
